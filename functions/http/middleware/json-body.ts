// Body parsing: the JSON body is decoded and parsed once, and refused (400, with a pointer) if peers could not
// carry it faithfully; the route's schema validation then reads the parsed value.
import { createMiddleware } from 'hono/factory'
import { jsonProblem } from '../../../schemas/json-value.ts'
import { ApiError, pointer } from '../problems.ts'

/** Deepest nesting a request body may have; deeper documents are refused before any schema walks them. */
const BODY_MAX_DEPTH = 64

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

export const parseJsonBody = createMiddleware(async (c, next) => {
  let text: string
  try {
    text = utf8.decode(await c.req.arrayBuffer())
  } catch {
    throw new ApiError('malformed_json', 'the body is not valid UTF-8')
  }
  if (text.trim() === '') throw new ApiError('malformed_json', 'the body is empty; send a JSON document')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new ApiError('malformed_json', `the body is not valid JSON: ${(e as Error).message}`)
  }
  const bad = jsonProblem(value, BODY_MAX_DEPTH)
  if (bad)
    throw new ApiError('unsafe_json', bad.message, {
      errors: [{ pointer: pointer(bad.path), message: bad.message }],
    })
  // The validator reads the body through c.req.json(), which would decode and parse the text again.
  c.req.json = async <T>() => value as T
  await next()
})
