// /v1/holons/*: thin routes that authenticate, validate and forward to the holon's Durable Object.
import { createRoute, z } from '@hono/zod-openapi'
import { CommitBody, eventsOf } from '../../../schemas/event.ts'
import {
  CommitReceipt,
  CreateBody,
  DryRun,
  EventsPage,
  EventsQuery,
  HolonId,
  HolonInfo,
  KernelBody,
  KernelInstall,
  StateDoc,
} from '../../../schemas/holon.ts'
import { authorize, requireRole } from '../auth.ts'
import { holonStub, unwrap } from '../holon-client.ts'
import { bearerAuth, json, jsonBody, problems, router } from '../openapi.ts'

const params = z.object({ id: HolonId })
/** Reads are open unless OMEGA_READ_TOKEN is set. */
const reader = { security: [{}, ...bearerAuth], middleware: [requireRole('read')] }
const readProblems = problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found')
const bodyProblems = ['malformed_json', 'payload_too_large', 'unsupported_media_type'] as const

const create = createRoute({
  method: 'put',
  path: '/v1/holons/{id}',
  tags: ['holons'],
  summary: 'Create a holon with its kernel (admin)',
  description:
    'Idempotent: repeating the call with the same kernel answers 200; a different kernel answers 409.',
  security: bearerAuth,
  middleware: [requireRole('admin')] as const,
  request: { params, body: jsonBody(CreateBody) },
  responses: {
    201: json(HolonInfo, 'created'),
    200: json(HolonInfo, 'already exists with this kernel'),
    ...problems(
      'validation_failed',
      'kernel_invalid',
      'unauthorized',
      'forbidden',
      'holon_exists',
      ...bodyProblems,
    ),
  },
})

const info = createRoute({
  method: 'get',
  path: '/v1/holons/{id}',
  tags: ['holons'],
  summary: 'Kernel and metadata of a holon',
  ...reader,
  request: { params },
  responses: { 200: json(HolonInfo, 'the holon'), ...readProblems },
})

const kernel = createRoute({
  method: 'put',
  path: '/v1/holons/{id}/kernel',
  tags: ['holons'],
  summary: 'Install a new kernel version (admin: a governance change)',
  description:
    'Aggregates whose definition changed are rebuilt from the stored history in bounded chunks (Durable Object ' +
    'alarms); the previous kernel keeps gating until the rebuild completes and the new version becomes active ' +
    'atomically. 200 when active at once, 202 while rebuilding (see `pending_kernel` on GET).',
  security: bearerAuth,
  middleware: [requireRole('admin')] as const,
  request: { params, body: jsonBody(KernelBody) },
  responses: {
    200: json(KernelInstall, 'active (or unchanged)'),
    202: json(KernelInstall, 'accepted; rebuilding aggregates from history'),
    ...problems(
      'validation_failed',
      'kernel_invalid',
      'unauthorized',
      'forbidden',
      'holon_not_found',
      ...bodyProblems,
    ),
  },
})

const evaluate = createRoute({
  method: 'post',
  path: '/v1/holons/{id}/evaluate',
  tags: ['holons'],
  summary: 'Dry run: the verdict for an event or a batch, in order; changes nothing',
  ...reader,
  request: { params, body: jsonBody(CommitBody) },
  responses: { 200: json(DryRun, 'verdicts (stops at the first refused event)'), ...readProblems },
})

const commit = createRoute({
  method: 'post',
  path: '/v1/holons/{id}/events',
  tags: ['holons'],
  summary: 'Gate and commit an event or a batch (write; overrides need admin)',
  description:
    'Events are gated in order and committed all-or-nothing. An inadmissible event answers 409 with its violations ' +
    'and torsion, and nothing is committed. With `override` (admin token and a reason) it is committed anyway and ' +
    'recorded as an override. A retried event id with the same content returns the original result.',
  security: bearerAuth,
  middleware: [requireRole('write')] as const,
  request: { params, body: jsonBody(CommitBody) },
  responses: {
    201: json(CommitReceipt, 'committed'),
    200: json(CommitReceipt, 'every event was already committed (idempotent retry)'),
    ...problems(
      'validation_failed',
      'unauthorized',
      'forbidden',
      'holon_not_found',
      'inadmissible',
      'override_required',
      'idempotency_conflict',
      ...bodyProblems,
    ),
  },
})

const state = createRoute({
  method: 'get',
  path: '/v1/holons/{id}/state',
  tags: ['holons'],
  summary: 'Read-only dashboard document: state vector, torsion and violations now',
  ...reader,
  request: { params },
  responses: { 200: json(StateDoc, 'the current state'), ...readProblems },
})

const history = createRoute({
  method: 'get',
  path: '/v1/holons/{id}/events',
  tags: ['holons'],
  summary: 'Committed events, oldest first, paged with a cursor',
  ...reader,
  request: { params, query: EventsQuery },
  responses: { 200: json(EventsPage, 'a page of history'), ...readProblems },
})

export const holons = router()
  .openapi(create, async (c) => {
    const { id } = c.req.valid('param')
    const body = c.req.valid('json')
    const r = unwrap(id, await holonStub(c.env, id).create(id, body.kernel, body.verification))
    return c.json(r.info, r.created ? 201 : 200)
  })
  .openapi(info, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(unwrap(id, await holonStub(c.env, id).info()), 200)
  })
  .openapi(kernel, async (c) => {
    const { id } = c.req.valid('param')
    const r = unwrap(id, await holonStub(c.env, id).installKernel(c.req.valid('json').kernel))
    return c.json(r, r.status === 'rebuilding' ? 202 : 200)
  })
  .openapi(evaluate, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(unwrap(id, await holonStub(c.env, id).evaluate(eventsOf(c.req.valid('json')))), 200)
  })
  .openapi(commit, async (c) => {
    const { id } = c.req.valid('param')
    const body = c.req.valid('json')
    const override = body.override
      ? { reason: body.override.reason, actor: body.override.actor ?? 'admin' }
      : null
    if (override) authorize(c.env, c.req.header('authorization'), 'admin')
    const r = unwrap(id, await holonStub(c.env, id).commit(eventsOf(body), override))
    return c.json(r, r.committed > 0 ? 201 : 200)
  })
  .openapi(state, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(unwrap(id, await holonStub(c.env, id).state()), 200)
  })
  .openapi(history, async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    return c.json(unwrap(id, await holonStub(c.env, id).events(Number(q.cursor ?? 0), q.limit)), 200)
  })
