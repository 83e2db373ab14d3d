// Content-type guard for routes with a JSON body: application/json (UTF-8) or a 415 problem, never a 500.
import { createMiddleware } from 'hono/factory'
import { ApiError } from '../problems.ts'
import { parseMediaType } from './media-type.ts'

const refuse = (detail: string) => new ApiError('unsupported_media_type', detail)

/**
 * Accepts `application/json` with any harmless parameters (`charset=utf-8`, odd but grammatical ones such as
 * `;;;; x=y`) and refuses anything else with 415. An accepted header is rewritten to plain `application/json`
 * so the framework's own, stricter media-type gate that runs after it agrees instead of throwing.
 */
export const jsonContentType = createMiddleware(async (c, next) => {
  const header = c.req.header('content-type')
  if (header === undefined || header.trim() === '')
    throw refuse('send the body as application/json (no content-type was given)')
  const media = parseMediaType(header)
  if (media === null) throw refuse('the content-type header is not a media type (RFC 9110 section 8.3.1)')
  if (media.essence !== 'application/json')
    throw refuse(`send the body as application/json (got '${media.essence}')`)
  const charset = media.params.get('charset')?.toLowerCase()
  if (charset !== undefined && charset !== 'utf-8')
    throw refuse(`JSON bodies are UTF-8 (RFC 8259); got charset '${charset}'`)
  if (header !== 'application/json') {
    const headers = new Headers(c.req.raw.headers)
    headers.set('content-type', 'application/json')
    c.req.raw = new Request(c.req.raw, { headers })
  }
  await next()
})
