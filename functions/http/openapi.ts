// Route-declaration helpers: JSON bodies, JSON responses and problem responses for the OpenAPI document.
import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { Role } from './auth.ts'
import { ApiError, PROBLEMS, type ProblemCode, pointer } from './problems.ts'

export type AppEnv = { Bindings: Env; Variables: { role: Role | null } }

export const Problem = z
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

/** An OpenAPIHono whose validation failures become 400 problems with JSON pointers. */
export const router = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
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
    },
  })
