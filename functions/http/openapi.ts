// Route-declaration helpers: JSON bodies, JSON responses and problem responses for the OpenAPI document.
import { OpenAPIHono, type OpenAPIHonoOptions, type RouteConfig, z } from '@hono/zod-openapi'
import { HolonId } from '../../schemas/holon.ts'
import type { Principal, Role } from './auth.ts'
import { bodyLimit, jsonContentType, parseJsonBody } from './middleware/index.ts'
import { ApiError, PROBLEMS, type ProblemCode, pointer } from './problems.ts'

export type AppEnv = { Bindings: Env; Variables: { role: Role | null; who: Principal | null } }

const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(
        z.object({ pointer: z.string().optional(), parameter: z.string().optional(), message: z.string() }),
      )
      .optional(),
  })
  .catchall(z.unknown())
  .openapi('Problem', { description: 'RFC 9457 problem details' })

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
})

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

/** Problem responses by code, grouped per status for the OpenAPI document. */
export function problems(...codes: ProblemCode[]) {
  const byStatus: Record<
    number,
    { description: string; content: { 'application/problem+json': { schema: typeof Problem } } }
  > = {}
  for (const code of codes) {
    const [status, title] = PROBLEMS[code]
    const prev = byStatus[status]
    byStatus[status] = {
      description: prev ? `${prev.description}; ${code}: ${title}` : `${code}: ${title}`,
      content: { 'application/problem+json': { schema: Problem } },
    }
  }
  return byStatus
}

export const bearerAuth = [{ bearer: [] }]

/** The `{id}` path parameter of every /v1/holons/{id}/... route. */
export const HolonParams = z.object({ id: HolonId })

/** What every route with a body may answer before its handler runs (added to the document by docs.ts). */
export const BODY_PROBLEMS = [
  'malformed_json',
  'unsafe_json',
  'validation_failed',
  'payload_too_large',
  'unsupported_media_type',
] as const satisfies readonly ProblemCode[]

/**
 * The guards of a JSON body, after the route's own middleware (so credentials are checked before a body is
 * read): the media type (415), the size (413), one parse with the I-JSON checks (400). They run before the
 * framework's media-type gate and validator, which then read the parsed value.
 */
const JSON_BODY_GUARDS = [jsonContentType, bodyLimit, parseJsonBody]

function withBodyGuards<R extends RouteConfig>(route: R): R {
  if (!route.request?.body) return route
  const own = route.middleware === undefined ? [] : [route.middleware].flat()
  return { ...route, middleware: [...own, ...JSON_BODY_GUARDS] }
}

/** Validation failures as 400 problems: JSON pointers into the body, parameter names elsewhere. */
const defaultHook: OpenAPIHonoOptions<AppEnv>['defaultHook'] = (result) => {
  if (result.success) return
  const inBody = result.target === 'json'
  throw new ApiError(
    'validation_failed',
    `${result.error.issues.length} problem(s) in the ${result.target}`,
    {
      errors: result.error.issues.map((i) =>
        inBody
          ? { pointer: pointer(i.path), message: i.message }
          : { parameter: String(i.path[0] ?? ''), message: i.message },
      ),
    },
  )
}

/**
 * An OpenAPIHono whose validation failures become 400 problems with JSON pointers, and whose routes with a
 * body run the body guards: declared once here, so a new route cannot forget them.
 */
export const router = () => {
  const app = new OpenAPIHono<AppEnv>({ defaultHook })
  const declare = app.openapi
  app.openapi = ((route, handler, hook) => declare(withBodyGuards(route), handler, hook)) as typeof declare
  return app
}
