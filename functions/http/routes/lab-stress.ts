// POST /v1/lab/stress: one stateless stress search of a kernel against intents (functions/lab/stress); read role.
import { createRoute } from '@hono/zod-openapi'
import {
  STRESS_DEFAULT_MS,
  StressJob,
  StressJobRequest,
  StressRequest,
  StressResult,
} from '../../../schemas/lab-stress.ts'
import { checkKernelSource } from '../../kernel/index.ts'
import { IntentCompileError, StressInputError, stress, stressBudget } from '../../lab/stress/index.ts'
import { requireRole } from '../auth.ts'
import { actingOnHolon, existingHolon } from '../directory-client.ts'
import { unwrap } from '../holon-client.ts'
import { bearerAuth, json, jsonBody, HolonParams as params, problems, router } from '../openapi.ts'
import { ApiError } from '../problems.ts'

const route = createRoute({
  method: 'post',
  path: '/v1/lab/stress',
  tags: ['lab'],
  summary: 'Stress a kernel: search event sequences the gate admits that break an intent (stores nothing)',
  description:
    'Seeded search (random sequences from the field domains, guided search toward the torsion margin and the ' +
    "intent's own distance, build-then-spend) for sequences the gate admits that make an intent's `never` true " +
    '(`intent`), that do so only through `admit_flagged` / `admit_improving` events (`policy`), or that leave an ' +
    'invariant within `edge` of its threshold (`edge`). Findings are shrunk (1-minimal) and replayable as a dry run ' +
    '(`POST /v1/holons/{id}/evaluate`). The search runs for `budget_ms` of calibrated CPU; `done: false` says the ' +
    'budget was spent before every target was found (no findings then: none within the budget). Same input and ' +
    'seed give the same answer. See docs/kernel-lab-stress.md.',
  security: [{}, ...bearerAuth],
  middleware: [requireRole('read')] as const,
  request: { body: jsonBody(StressRequest) },
  responses: {
    200: json(StressResult, 'findings so far and the budget spent'),
    ...problems(
      'validation_failed',
      'malformed_json',
      'kernel_invalid',
      'budget_exceeded',
      'payload_too_large',
      'unsupported_media_type',
      'unauthorized',
      'forbidden',
    ),
  },
})

/** The core's refusals as 400s naming the member (`/intents/<i>/never`, `/fields/<name>`). */
export function stressRefusal(e: unknown): unknown {
  if (e instanceof IntentCompileError)
    return new ApiError('validation_failed', `${e.issues.length} intent(s) do not compile`, {
      errors: e.issues.map((i) => ({ ...i })),
    })
  if (e instanceof StressInputError)
    return new ApiError('validation_failed', e.message, {
      errors: [{ pointer: e.pointer, message: e.message }],
    })
  return e
}

const stateless = router().openapi(route, (c) => {
  const { budget_ms = STRESS_DEFAULT_MS, ...input } = c.req.valid('json')
  checkKernelSource(input.kernel)
  try {
    const { cursor: _, ...progress } = stress(input, stressBudget(budget_ms))
    return c.json({ ...progress, budget_ms } as StressResult, 200)
  } catch (e) {
    throw stressRefusal(e)
  }
})

const jobProblems = problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found')

const startJob = createRoute({
  method: 'post',
  path: '/v1/holons/{id}/lab/stress',
  tags: ['lab'],
  summary: "Start a stress search against the holon's active kernel and current state (write)",
  description:
    "Snapshots the holon's active kernel and current aggregates as the start, then searches for `budget_ms` of " +
    'calibrated CPU in total, in chunks of about 200 ms on the holon alarm (a due pulse beat waits at most one ' +
    'chunk). One job per holon: a new POST replaces a running one (`replaced: true`). Findings are stored with ' +
    'the job and never ledgered; nothing of the holon changes. Poll with GET.',
  security: bearerAuth,
  middleware: [requireRole('write')] as const,
  request: { params, body: jsonBody(StressJobRequest) },
  responses: { 202: json(StressJob, 'started; the first chunk runs on the alarm'), ...jobProblems },
})

const getJob = createRoute({
  method: 'get',
  path: '/v1/holons/{id}/lab/stress',
  tags: ['lab'],
  summary: "The holon's stress job: status, sequences tried, findings so far, chunks run",
  security: [{}, ...bearerAuth],
  middleware: [requireRole('read')] as const,
  request: { params },
  responses: {
    200: json(StressJob, 'the job'),
    ...problems('unauthorized', 'forbidden', 'holon_not_found', 'not_found'),
  },
})

const cancelJob = createRoute({
  method: 'delete',
  path: '/v1/holons/{id}/lab/stress',
  tags: ['lab'],
  summary: "Cancel the holon's stress job (write); its findings so far stay readable",
  security: bearerAuth,
  middleware: [requireRole('write')] as const,
  request: { params },
  responses: {
    200: json(StressJob, 'the job, cancelled unless it had ended'),
    ...jobProblems,
    ...problems('not_found'),
  },
})

const noJob = (id: string) =>
  new ApiError('not_found', `holon '${id}' has no stress job; start one with POST`)

export const labStress = stateless
  .openapi(startJob, async (c) => {
    const { id } = c.req.valid('param')
    const { holon } = await actingOnHolon(c.env, id, c.get('who'))
    return c.json(unwrap(id, await holon.labStressStart(c.req.valid('json'))), 202)
  })
  .openapi(getJob, async (c) => {
    const { id } = c.req.valid('param')
    const job = unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).labStressGet())
    if (!job) throw noJob(id)
    return c.json(job, 200)
  })
  .openapi(cancelJob, async (c) => {
    const { id } = c.req.valid('param')
    const { holon } = await actingOnHolon(c.env, id, c.get('who'))
    const job = unwrap(id, await holon.labStressCancel())
    if (!job) throw noJob(id)
    return c.json(job, 200)
  })
