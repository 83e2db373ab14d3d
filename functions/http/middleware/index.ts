// The worker's named middlewares: the JSON body guards and the 405 handler.
export { bodyLimit } from './body-limit.ts'
export { jsonContentType } from './content-type.ts'
export { parseJsonBody } from './json-body.ts'
export { parseMediaType } from './media-type.ts'
export { methodNotAllowed } from './method-not-allowed.ts'
