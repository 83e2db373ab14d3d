// /v1/holons/{id}/lab/cause, /lab/counterfactual and /rollback: thin routes to the holon object's lab-cause module.
import { createRoute } from '@hono/zod-openapi'
import {
  CauseDoc,
  CauseQuery,
  CounterfactualBody,
  CounterfactualDoc,
  RollbackBody,
  RollbackDoc,
} from '../../../schemas/lab-cause.ts'
import { requireRole } from '../auth.ts'
import { actingOnHolon, existingHolon } from '../directory-client.ts'
import { unwrap } from '../holon-client.ts'
import { bearerAuth, json, jsonBody, HolonParams as params, problems, router } from '../openapi.ts'

const reader = { security: [{}, ...bearerAuth], middleware: [requireRole('read')] }
const readProblems = problems(
  'validation_failed',
  'unauthorized',
  'forbidden',
  'holon_not_found',
  'budget_exceeded',
)

const cause = createRoute({
  method: 'get',
  path: '/v1/holons/{id}/lab/cause',
  tags: ['lab'],
  summary: 'Root cause of a torsion rise between two ledger indices, or of a refusal (read)',
  description:
    'Per-invariant score deltas (weighted as torsion is) and the Shapley value of each event in the window for ' +
    'the game v(S) = torsion after folding the events of S in their order from the window start − torsion at the ' +
    'start: exact up to 12 events, seeded permutation sampling with 95 % intervals above. Default window: the last ' +
    '20 events. `refusal` explains an `event.rejected` entry over the 19 events before it and the refused event. ' +
    'Bounded by the `cause_steps` budget (422 naming it).',
  ...reader,
  request: { params, query: CauseQuery },
  responses: { 200: json(CauseDoc, 'the attribution'), ...readProblems },
})

const counterfactual = createRoute({
  method: 'post',
  path: '/v1/holons/{id}/lab/counterfactual',
  tags: ['lab'],
  summary: 'Replay the attempted history without some events or under another kernel; changes nothing (read)',
  description:
    'Committed and rejected events are gated again one at a time in ledger order (a refused event does not fold, ' +
    'an event admitted by override keeps its override; events compensated by a rollback are skipped). Without ' +
    '`kernel_version` or `kernel`, each event is gated by the kernel version that gated it. Answers the final state ' +
    'against the actual one and every verdict that would have changed. Bounded by `cause_steps`.',
  ...reader,
  request: { params, body: jsonBody(CounterfactualBody) },
  responses: {
    200: json(CounterfactualDoc, 'what would have happened'),
    ...problems(
      'validation_failed',
      'kernel_invalid',
      'unauthorized',
      'forbidden',
      'holon_not_found',
      'budget_exceeded',
    ),
  },
})

const rollback = createRoute({
  method: 'post',
  path: '/v1/holons/{id}/rollback',
  tags: ['lab'],
  summary: "Return the holon's aggregates to their state at a ledger index by compensation (admin)",
  description:
    'Every committed event after `to_index` not already compensated is compensated by one `holon.rolled_back` ' +
    'ledger entry (reason, seq ranges, resulting aggregates); history is never rewritten. The aggregates become the ' +
    'fold of the kept events under the current kernel; later kernel rebuilds, ledger replay and counterfactuals ' +
    'skip compensated events. A `to_index` with no later event compensates nothing and writes no entry.',
  security: bearerAuth,
  middleware: [requireRole('admin')] as const,
  request: { params, body: jsonBody(RollbackBody) },
  responses: {
    200: json(RollbackDoc, 'rolled back (or nothing to compensate)'),
    ...problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found', 'budget_exceeded'),
  },
})

export const labCause = router()
  .openapi(cause, async (c) => {
    const { id } = c.req.valid('param')
    const holon = await existingHolon(c.env, id, c.get('who'))
    return c.json(unwrap(id, await holon.labCause(c.req.valid('query'))), 200)
  })
  .openapi(counterfactual, async (c) => {
    const { id } = c.req.valid('param')
    const holon = await existingHolon(c.env, id, c.get('who'))
    return c.json(unwrap(id, await holon.labCounterfactual(c.req.valid('json'))), 200)
  })
  .openapi(rollback, async (c) => {
    const { id } = c.req.valid('param')
    const { to_index, reason } = c.req.valid('json')
    const { holon, by } = await actingOnHolon(c.env, id, c.get('who'))
    return c.json(unwrap(id, await holon.rollback(to_index, reason, by)), 200)
  })
