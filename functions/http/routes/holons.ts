// /v1/holons/*: thin routes that authenticate, validate and forward to the holon's Durable Object.
import { createRoute, z } from '@hono/zod-openapi'
import { HolonList, HolonListQuery, TenantQuery } from '../../../schemas/directory.ts'
import { CommitBody, eventsOf } from '../../../schemas/event.ts'
import {
  CommitReceipt,
  CreateBody,
  DryRun,
  EventsPage,
  EventsQuery,
  HolonInfo,
  KernelBody,
  KernelInstall,
  MinimalCommit,
  StateDoc,
} from '../../../schemas/holon.ts'
import { actorFor, holds, requireRole } from '../auth.ts'
import { actingOnHolon, claim, existingHolon, listHolons, register } from '../directory-client.ts'
import { holonStub, unwrap } from '../holon-client.ts'
import { bearerAuth, json, jsonBody, HolonParams as params, problems, router } from '../openapi.ts'

/**
 * Whether a Prefer header (RFC 7240) asks for `return=minimal`. Names are case-insensitive, values may be
 * quoted, parameters after `;` are ignored, and only the first `return` preference counts.
 */
function prefersMinimal(header: string | undefined): boolean {
  for (const preference of (header ?? '').split(',')) {
    const [name, value = ''] = (preference.split(';')[0] as string).split('=').map((p) => p.trim())
    if (name?.toLowerCase() === 'return') return value.replace(/^"(.*)"$/, '$1').toLowerCase() === 'minimal'
  }
  return false
}

/** Reads are open unless OMEGA_READ_TOKEN is set. */
const reader = { security: [{}, ...bearerAuth], middleware: [requireRole('read')] }
const readProblems = problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found')

const list = createRoute({
  method: 'get',
  path: '/v1/holons',
  tags: ['holons'],
  summary: 'The holons of this deployment, in id order, paged with `after`',
  description:
    'Listed from the deployment directory, which records each holon when it is created. A holon created before ' +
    'the directory existed appears (and answers reads) again once its create call is repeated.',
  ...reader,
  request: { query: HolonListQuery },
  responses: {
    200: json(HolonList, 'a page of holon ids'),
    ...problems('validation_failed', 'unauthorized', 'forbidden'),
  },
})

const create = createRoute({
  method: 'put',
  path: '/v1/holons/{id}',
  tags: ['holons'],
  summary: 'Create a holon with its kernel (admin)',
  description:
    'Idempotent: repeating the call with the same kernel answers 200; a different kernel answers 409.',
  security: bearerAuth,
  middleware: [requireRole('admin')] as const,
  request: { params, query: TenantQuery, body: jsonBody(CreateBody) },
  responses: {
    201: json(HolonInfo, 'created'),
    200: json(HolonInfo, 'already exists with this kernel'),
    ...problems(
      'validation_failed',
      'kernel_invalid',
      'unauthorized',
      'forbidden',
      'holon_exists',
      'holon_not_found',
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
    ...problems('validation_failed', 'kernel_invalid', 'unauthorized', 'forbidden', 'holon_not_found'),
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
    'recorded as an override. A retried event id with the same content returns the original result.\n\n' +
    'Each result carries its ledger receipt (~2 kB per event). High-rate writers can send `Prefer: return=minimal` ' +
    '(RFC 7240): the answer (`Preference-Applied: return=minimal`) then holds per event only `event_id`, `seq`, ' +
    '`duplicate`, `verdict`, `torsion` and `ledger_index`, and the signed checkpoint once; no receipts are built. ' +
    'Any receipt can be fetched later with `GET /v1/holons/{id}/ledger/receipts/{ledger_index}`.',
  security: bearerAuth,
  middleware: [requireRole('write')] as const,
  request: { params, headers: z.object({ prefer: z.string().optional() }), body: jsonBody(CommitBody) },
  responses: {
    201: json(
      z.union([CommitReceipt, MinimalCommit]),
      'committed (MinimalCommit under `Prefer: return=minimal`)',
    ),
    200: json(
      z.union([CommitReceipt, MinimalCommit]),
      'every event was already committed (idempotent retry)',
    ),
    ...problems(
      'validation_failed',
      'unauthorized',
      'forbidden',
      'holon_not_found',
      'inadmissible',
      'override_required',
      'idempotency_conflict',
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
  .openapi(list, async (c) => {
    const q = c.req.valid('query')
    return c.json(await listHolons(c.env, c.get('who'), q), 200)
  })
  .openapi(create, async (c) => {
    const { id } = c.req.valid('param')
    const body = c.req.valid('json')
    // Before the object is touched: another tenant's id answers 404 and changes nothing.
    const tenant = await claim(c.env, 'holon', id, c.get('who'), c.req.valid('query').tenant)
    const by = actorFor(c.get('who'), tenant)
    const reply = await holonStub(c.env, id).create(id, body.kernel, body.verification, by)
    // Whenever the holon exists (created, or found with this or another kernel): a repeated create so
    // registers holons older than the directory.
    if (reply.ok || reply.failure.code === 'holon_exists') await register(c.env, 'holon', id, tenant)
    const r = unwrap(id, reply)
    return c.json(r.info, r.created ? 201 : 200)
  })
  .openapi(info, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).info()), 200)
  })
  .openapi(kernel, async (c) => {
    const { id } = c.req.valid('param')
    const { holon, by } = await actingOnHolon(c.env, id, c.get('who'))
    const r = unwrap(id, await holon.installKernel(c.req.valid('json').kernel, by))
    return c.json(r, r.status === 'rebuilding' ? 202 : 200)
  })
  .openapi(evaluate, async (c) => {
    const { id } = c.req.valid('param')
    const holon = await existingHolon(c.env, id, c.get('who'))
    return c.json(unwrap(id, await holon.evaluate(eventsOf(c.req.valid('json')))), 200)
  })
  .openapi(commit, async (c) => {
    const { id } = c.req.valid('param')
    const body = c.req.valid('json')
    const override = body.override
      ? { reason: body.override.reason, actor: body.override.actor ?? 'admin' }
      : null
    if (override) holds(c.get('role'), 'admin')
    const minimal = prefersMinimal(c.req.valid('header').prefer)
    const { holon, by } = await actingOnHolon(c.env, id, c.get('who'))
    const r = unwrap(id, await holon.commit(eventsOf(body), { override, minimal, by }))
    const headers: Record<string, string> = { 'content-type': 'application/json', vary: 'Prefer' }
    if (minimal) headers['preference-applied'] = 'return=minimal'
    // The object sends the answer's JSON text (see HolonObject.commit): passed through, not parsed again.
    return c.body(r.json, r.committed > 0 ? 201 : 200, headers) as never
  })
  .openapi(state, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).state()), 200)
  })
  .openapi(history, async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    const holon = await existingHolon(c.env, id, c.get('who'))
    return c.json(unwrap(id, await holon.events(Number(q.cursor ?? 0), q.limit)), 200)
  })
