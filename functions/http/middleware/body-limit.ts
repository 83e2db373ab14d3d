// Body size guard: at most OMEGA_MAX_BODY_BYTES (1 MiB by default), else a 413 problem naming the limit.
import { bodyLimit as honoBodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import { ApiError } from '../problems.ts'

const DEFAULT_MAX_BODY = 1 << 20

/** Checks the declared length first and counts streamed bytes otherwise (hono's body-limit). */
export const bodyLimit = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  const maxSize = Number(c.env.OMEGA_MAX_BODY_BYTES) || DEFAULT_MAX_BODY
  return honoBodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError('payload_too_large', `request bodies are limited to ${maxSize} bytes`, {
        limit: maxSize,
      })
    },
  })(c, next)
})
