// Kernel lab, anomaly detection: POST /v1/lab/anomalies (stateless, a series in the body) and
// GET /v1/holons/{id}/lab/anomalies (the holon's recent committed events). Advisory only: nothing is written.
import { createRoute, z } from '@hono/zod-openapi'
import type { HolonObject } from '../../../durable-objects/holon/holon-object.ts'
import type { AnomalySeries, AnomalySeriesRefusal } from '../../../durable-objects/holon/lab-anomaly.ts'
import type { Reply } from '../../../durable-objects/shared/reply.ts'
import {
  HolonAnomalyQuery,
  HolonAnomalyResult,
  LabAnomalyRequest,
  LabAnomalyResult,
} from '../../../schemas/lab-anomaly.ts'
import { AnomalyInputError, type AnomalyOptions, anomalyBudget, detect } from '../../lab/anomaly/index.ts'
import { requireRole } from '../auth.ts'
import { existingHolon } from '../directory-client.ts'
import { bearerAuth, json, jsonBody, problems, router } from '../openapi.ts'
import { ApiError, budgetProblem, holonNotFound } from '../problems.ts'

const METHOD_TEXT =
  'robust_z (default): each point against a causal baseline from the trailing window only (a robust local line, ' +
  'or with `period` the median of the same phase in up to three past cycles), scaled by 1.4826 x MAD of the ' +
  "window's residuals; |z| > threshold (5) is a spike or drop, `shift_after` (5) in a row a level shift. cusum: " +
  'a two-sided CUSUM on the clipped robust z, level shifts only. Defaults chosen on seeded training traces; ' +
  'held-out false-positive rate and recall in docs/kernel-lab-anomaly.md. Work: about `window` x 3 anomaly_steps ' +
  'per point; past the budget a 422 `budget_exceeded`.'

const stateless = createRoute({
  method: 'post',
  path: '/v1/lab/anomalies',
  tags: ['lab'],
  security: [{}, ...bearerAuth],
  middleware: [requireRole('read')] as const,
  summary: 'Flag anomalies (spikes, drops, level shifts) in a series (advisory)',
  description: METHOD_TEXT,
  request: { body: jsonBody(LabAnomalyRequest) },
  responses: {
    200: json(LabAnomalyResult, 'the flagged points, oldest first'),
    ...problems(
      'validation_failed',
      'malformed_json',
      'payload_too_large',
      'unsupported_media_type',
      'unauthorized',
      'forbidden',
      'budget_exceeded',
    ),
  },
})

const holonRoute = createRoute({
  method: 'get',
  path: '/v1/holons/{id}/lab/anomalies',
  tags: ['lab'],
  security: [{}, ...bearerAuth],
  middleware: [requireRole('read')] as const,
  summary:
    "Flag anomalies in a holon's recent committed events: torsion, an event member, or an aggregate's input (advisory)",
  description:
    'Reads the newest `limit` committed events and the number each gives: `torsion` (default), a member ' +
    '(`field=amount`, dotted for nested members), or `aggregate=NAME`: what that aggregate folds (its `expr` ' +
    'over the events its `where` admits). Events without a number there are skipped. Advisory: nothing is ' +
    `written or gated by it. ${METHOD_TEXT}`,
  request: { params: z.object({ id: z.string().min(1).max(128) }), query: HolonAnomalyQuery },
  responses: {
    200: json(HolonAnomalyResult, 'the flagged events, oldest first'),
    ...problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found', 'budget_exceeded'),
  },
})

type LabHolon = Pick<HolonObject, 'labAnomalySeries'>

/** The core's refusals as problems: bad input the schema let through is a 400 with a pointer. */
function run(series: readonly number[], options: AnomalyOptions) {
  try {
    return detect(series, options, anomalyBudget())
  } catch (e) {
    if (e instanceof AnomalyInputError)
      throw new ApiError('validation_failed', e.message, {
        errors: [{ pointer: e.pointer, message: e.message }],
      })
    throw e
  }
}

function seriesOf(holon: string, reply: Reply<AnomalySeries, AnomalySeriesRefusal>): AnomalySeries {
  if (reply.ok) return reply.value
  const f = reply.failure
  if (f.code === 'holon_not_found') throw holonNotFound(holon)
  if (f.code === 'unknown_aggregate') {
    const message = `no aggregate '${f.aggregate}' in the active kernel (it has: ${f.known.join(', ') || 'none'})`
    throw new ApiError('validation_failed', message, { errors: [{ pointer: '/aggregate', message }] })
  }
  throw budgetProblem(f)
}

export const labAnomaly = router()
  .openapi(stateless, (c) => {
    const { series, options } = c.req.valid('json')
    const d = run(series, options ?? {})
    return c.json(
      {
        method: d.method,
        points: series.length,
        anomalies: d.anomalies,
        steps: d.steps,
        advisory: true as const,
      },
      200,
    )
  })
  .openapi(holonRoute, async (c) => {
    const { id } = c.req.valid('param')
    const { field, aggregate, limit, ...options } = c.req.valid('query')
    if (field !== undefined && aggregate !== undefined)
      throw new ApiError('validation_failed', 'give field or aggregate, not both', {
        errors: [{ pointer: '/aggregate', message: 'give field or aggregate, not both' }],
      })
    // the lab's RPC method, typed here rather than in holon-client's shared Pick (one area, one file)
    const holon = (await existingHolon(c.env, id, c.get('who'))) as unknown as LabHolon
    const s = seriesOf(
      id,
      await holon.labAnomalySeries({
        limit,
        ...(field !== undefined && { field }),
        ...(aggregate !== undefined && { aggregate }),
      }),
    )
    const d = run(s.values, options)
    return c.json(
      {
        holon: id,
        source: s.source,
        method: d.method,
        events: s.events,
        points: s.values.length,
        first_seq: s.seq[0] ?? null,
        last_seq: s.seq.at(-1) ?? null,
        anomalies: d.anomalies.map((a) => ({
          ...a,
          seq: s.seq[a.index] as number,
          committed_at: s.committed_at[a.index] as string,
        })),
        steps: d.steps,
        advisory: true as const,
      },
      200,
    )
  })
