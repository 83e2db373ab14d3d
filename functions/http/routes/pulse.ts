// /v1/holons/:id/pulse, /temporal, /witness: the pulse's admin switch and its read documents.
import { createRoute } from '@hono/zod-openapi'
import {
  PulseBody,
  PulseDoc,
  TemporalDoc,
  TemporalQuery,
  WitnessPage,
  WitnessQuery,
} from '../../../schemas/pulse.ts'
import { requireRole } from '../auth.ts'
import { actingOnHolon, existingHolon } from '../directory-client.ts'
import { unwrap } from '../holon-client.ts'
import { bearerAuth, json, jsonBody, HolonParams as params, problems, router } from '../openapi.ts'

const reader = { tags: ['pulse'], security: [{}, ...bearerAuth], middleware: [requireRole('read')] }
const readProblems = problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found')

const configure = createRoute({
  method: 'put',
  path: '/v1/holons/{id}/pulse',
  tags: ['pulse'],
  summary: 'Start, stop or configure the holon pulse (admin)',
  description:
    '`{"running": true}` starts the pulse (first beat one period from now), `false` stops it; `config` ' +
    'changes parameters (merged with the current ones). `k_flows * P <= 1` is refused (T_Lambda undefined).',
  security: bearerAuth,
  middleware: [requireRole('admin')] as const,
  request: { params, body: jsonBody(PulseBody) },
  responses: {
    200: json(PulseDoc, 'the pulse after the change'),
    ...problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found'),
  },
})

const show = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/holons/{id}/pulse',
  summary:
    'The pulse: configuration, beat counter, last beat snapshot, alert, quarantine, KAIROS reading, dissipation and suggestion',
  request: { params },
  responses: { 200: json(PulseDoc, 'the pulse'), ...readProblems },
})

const temporal = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/holons/{id}/temporal',
  summary: 'Beat snapshots in a time range; with `at`, the KAIROS coherence state reconstructed at that time',
  request: { params, query: TemporalQuery },
  responses: { 200: json(TemporalDoc, 'snapshots, oldest first'), ...readProblems },
})

const witness = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/holons/{id}/witness',
  summary:
    'Witness entries of the ledger (micro per commit call, transducer states, collapse events, meta digests), oldest first',
  request: { params, query: WitnessQuery },
  responses: { 200: json(WitnessPage, 'a page of witness entries'), ...readProblems },
})

export const pulse = router()
  .openapi(configure, async (c) => {
    const { id } = c.req.valid('param')
    const { holon, by } = await actingOnHolon(c.env, id, c.get('who'))
    return c.json(unwrap(id, await holon.configurePulse(c.req.valid('json'), by)), 200)
  })
  .openapi(show, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).pulseDoc()), 200)
  })
  .openapi(temporal, async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    const stub = await existingHolon(c.env, id, c.get('who'))
    return c.json(unwrap(id, await stub.temporal(q.from ?? 0, q.to ?? Date.now(), q.limit, q.at)), 200)
  })
  .openapi(witness, async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    return c.json(
      unwrap(
        id,
        await (await existingHolon(c.env, id, c.get('who'))).witness(Number(q.cursor ?? 0), q.limit),
      ),
      200,
    )
  })
