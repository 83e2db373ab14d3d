// The worker's named middlewares: the JSON body guards and the 405 handler.
export { bodyLimit, DEFAULT_MAX_BODY } from './body-limit.ts'
export { jsonContentType } from './content-type.ts'
export { BODY_MAX_DEPTH, parseJsonBody } from './json-body.ts'
export { type MediaType, parseMediaType } from './media-type.ts'
export { methodNotAllowed } from './method-not-allowed.ts'
