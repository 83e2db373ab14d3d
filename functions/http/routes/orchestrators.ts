// /v1/orchestrators/*: the MOM orchestrator: configuration, fleet, workloads, metrics, ticks, plans, decisions.
import { createRoute, z } from '@hono/zod-openapi'
import { TenantQuery } from '../../../schemas/directory.ts'
import {
  ApproveBody,
  DecisionsPage,
  DecisionsQuery,
  MetricsBatch,
  NodesBody,
  NodesPatch,
  OrchestratorConfig,
  OrchestratorInfo,
  OrchestratorList,
  OrchestratorListQuery,
  PlacementsDoc,
  PlanDoc,
  OrchestratorParams as params,
  ReplayDoc,
  TickParams,
  TickProgress,
  WorkloadParams,
  WorkloadsBody,
  WorkloadsPatch,
} from '../../../schemas/orchestrator.ts'
import { actorFor, requireRole } from '../auth.ts'
import {
  access,
  claim,
  listOrchestrators,
  notFoundOf,
  register,
  topologyExists,
} from '../directory-client.ts'
import { bearerAuth, json, jsonBody, problems, router } from '../openapi.ts'
import {
  actingOnOrchestrator,
  existingOrchestrator,
  orchestratorStub,
  unwrapOrchestrator as unwrap,
} from '../orchestrator-client.ts'

const tags = ['orchestrator']
const reader = { tags, security: [{}, ...bearerAuth], middleware: [requireRole('read')] }
const writer = { tags, security: bearerAuth, middleware: [requireRole('write')] }
const admin = { tags, security: bearerAuth, middleware: [requireRole('admin')] }
const readProblems = problems('validation_failed', 'unauthorized', 'forbidden', 'orchestrator_not_found')
const writeProblems = problems(
  'validation_failed',
  'unauthorized',
  'forbidden',
  'orchestrator_not_found',
  'unknown_id',
  'budget_exceeded',
  'tick_in_progress',
)

const list = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/orchestrators',
  summary: 'The orchestrators that exist, in id order, paged',
  request: { query: OrchestratorListQuery },
  responses: {
    200: json(OrchestratorList, 'a page of ids'),
    ...problems('validation_failed', 'unauthorized', 'forbidden'),
  },
})

const configure = createRoute({
  ...admin,
  method: 'put',
  path: '/v1/orchestrators/{id}',
  summary: 'Create or reconfigure an orchestrator: mom_config, strategies, loop settings (admin)',
  description:
    'Creates the orchestrator (201) with its own ledger, or replaces its configuration (200). The ledger entry ' +
    'records the configuration. With `settings.auto_tick` the loop runs every `settings.tick_seconds` on the ' +
    "object's alarm. A strategy's `target_metrics` may name `utilisation` or `requests_per_replica`; any other is a 400.",
  request: { params, query: TenantQuery, body: jsonBody(OrchestratorConfig) },
  responses: {
    200: json(OrchestratorInfo, 'reconfigured'),
    201: json(OrchestratorInfo, 'created'),
    // 404: another tenant's id, or a settings.topology that is not the same tenant's
    ...problems(
      'validation_failed',
      'unauthorized',
      'forbidden',
      'orchestrator_not_found',
      'topology_not_found',
      'unknown_id',
      'budget_exceeded',
      'tick_in_progress',
    ),
  },
})

const info = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/orchestrators/{id}',
  summary: 'The orchestrator: tick, fleet size, replicas, mode, ledger head, pending approval',
  request: { params },
  responses: { 200: json(OrchestratorInfo, 'the orchestrator'), ...readProblems },
})

const fleetWrite = <B extends z.ZodType>(
  method: 'put' | 'patch',
  what: 'nodes' | 'workloads',
  body: B,
  summary: string,
) =>
  createRoute({
    ...writer,
    method,
    path: `/v1/orchestrators/{id}/${what}`,
    summary,
    request: { params, body: jsonBody(body) },
    responses: {
      200: json(z.object({ [what]: z.number().int() }), `how many ${what} there are now`),
      ...writeProblems,
    },
  })

const putNodes = fleetWrite(
  'put',
  'nodes',
  NodesBody,
  'Replace the fleet: nodes with capacity, cost, carbon, health, position (write)',
)
const patchNodes = fleetWrite('patch', 'nodes', NodesPatch, 'Add, change or remove nodes (write)')
const putWorkloads = fleetWrite('put', 'workloads', WorkloadsBody, 'Replace the workloads (write)')
const patchWorkloads = fleetWrite(
  'patch',
  'workloads',
  WorkloadsPatch,
  'Add, change or remove workloads (write)',
)

const metrics = createRoute({
  ...writer,
  method: 'post',
  path: '/v1/orchestrators/{id}/metrics',
  summary: 'Observe: workload and node samples (write)',
  description:
    'Samples are folded into one step per `tick_seconds` (mean request rate, highest latency, errors; node ' +
    "health and utilisation) and kept for `retention` steps. A node sample with `health` also sets the node's " +
    'current health. Unknown ids refuse the whole batch (400 unknown_id): nothing is written.',
  request: { params, body: jsonBody(MetricsBatch) },
  responses: { 200: json(z.object({ accepted: z.number().int() }), 'samples stored'), ...writeProblems },
})

const plan = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/orchestrators/{id}/plan',
  summary:
    'Dry run: what the next tick would do now, and why (objective terms, forecasts, MPC, failover, Pareto)',
  request: { params },
  responses: {
    200: json(PlanDoc, 'the plan'),
    ...problems(
      'validation_failed',
      'unauthorized',
      'forbidden',
      'orchestrator_not_found',
      'budget_exceeded',
    ),
  },
})

const tick = createRoute({
  ...writer,
  method: 'post',
  path: '/v1/orchestrators/{id}/tick',
  summary: 'Run one tick now: observe, predict, optimise, act, ledger (write)',
  description:
    'A fleet with more than `settings.chunk_workloads` workloads is assessed in chunks, one per alarm: the answer ' +
    'is then 202 with the progress, and the plan lands in the decisions when the last chunk ran. Fleet and ' +
    'workload writes wait (409 tick_in_progress) while such a tick runs.',
  request: { params },
  responses: {
    200: json(PlanDoc, 'the plan that was applied'),
    202: json(TickProgress, 'a chunked tick started (or is running)'),
    ...writeProblems,
  },
})

const approve = createRoute({
  ...admin,
  method: 'post',
  path: '/v1/orchestrators/{id}/approve',
  summary: "Approve manual workloads' proposals, then run the tick that applies them (admin)",
  request: { params, body: jsonBody(ApproveBody) },
  responses: {
    200: json(PlanDoc, 'the tick that applied them'),
    202: json(TickProgress, 'the tick that applies them runs in chunks'),
    ...writeProblems,
    ...problems('nothing_to_approve'),
  },
})

const placements = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/orchestrators/{id}/placements',
  summary: 'Where every replica runs: node and coordinates in the ball',
  request: { params },
  responses: { 200: json(PlacementsDoc, 'the replicas'), ...readProblems },
})

const decisions = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/orchestrators/{id}/decisions',
  summary: 'Ledgered decisions, oldest first, each with its receipt (verify with POST /v1/verify)',
  request: { params, query: DecisionsQuery },
  responses: { 200: json(DecisionsPage, 'a page of decisions'), ...readProblems },
})

const forecast = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/orchestrators/{id}/forecast/{workload}',
  summary: "A workload's demand forecast over the horizon: the model chosen by backtest, its MASE, intervals",
  request: { params: WorkloadParams },
  responses: {
    200: json(
      z.object({ workload: z.string(), series_length: z.number().int() }).catchall(z.unknown()),
      'the forecast',
    ),
    ...readProblems,
    ...problems('unknown_id', 'budget_exceeded', 'series_too_short'),
  },
})

const replay = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/orchestrators/{id}/replay',
  summary: 'Recompute the kept ticks from their inputs and compare with the ledgered plan digests',
  request: { params },
  responses: { 200: json(ReplayDoc, 'per tick: ledgered and replayed digests'), ...readProblems },
})

const inputs = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/orchestrators/{id}/ticks/{tick}/inputs',
  summary:
    "A kept tick's inputs (their SHA3-256 of canonical JSON is the ledgered inputs_digest): replay offline",
  request: { params: TickParams },
  responses: { 200: json(z.record(z.string(), z.unknown()), 'the inputs'), ...readProblems },
})

export const orchestrators = router()
  .openapi(list, async (c) => {
    const q = c.req.valid('query')
    return c.json(await listOrchestrators(c.env, c.get('who'), q), 200)
  })
  .openapi(configure, async (c) => {
    const { id } = c.req.valid('param')
    // Before the object is touched: another tenant's id answers 404 and changes nothing.
    const tenant = await claim(c.env, 'orchestrator', id, c.get('who'), c.req.valid('query').tenant)
    const config = c.req.valid('json')
    // Each tick writes to the stored topology the settings name: an existing one must be the same tenant's and in
    // scope (a missing one is allowed: the tick reports it, and writes only to a topology of the same tenant).
    const mirror = config.settings.topology
    if (mirror !== undefined && (await topologyExists(c.env, mirror)))
      if ((await access(c.env, 'topology', mirror, c.get('who'))) !== tenant)
        throw notFoundOf('topology', mirror)
    const by = actorFor(c.get('who'), tenant)
    const r = unwrap(id, await orchestratorStub(c.env, id).configure(id, config, by))
    await register(c.env, 'orchestrator', id, tenant)
    return c.json(r.info, r.created ? 201 : 200)
  })
  .openapi(info, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(unwrap(id, await (await existingOrchestrator(c.env, id, c.get('who'))).info()), 200)
  })
  .openapi(putNodes, async (c) => {
    const { id } = c.req.valid('param')
    const { o, by } = await actingOnOrchestrator(c.env, id, c.get('who'))
    return c.json(unwrap(id, await o.writeNodes(c.req.valid('json').nodes, [], true, by)), 200)
  })
  .openapi(patchNodes, async (c) => {
    const { id } = c.req.valid('param')
    const b = c.req.valid('json')
    const { o, by } = await actingOnOrchestrator(c.env, id, c.get('who'))
    return c.json(unwrap(id, await o.writeNodes(b.upsert, b.remove, false, by)), 200)
  })
  .openapi(putWorkloads, async (c) => {
    const { id } = c.req.valid('param')
    const { o, by } = await actingOnOrchestrator(c.env, id, c.get('who'))
    return c.json(unwrap(id, await o.writeWorkloads(c.req.valid('json').workloads, [], true, by)), 200)
  })
  .openapi(patchWorkloads, async (c) => {
    const { id } = c.req.valid('param')
    const b = c.req.valid('json')
    const { o, by } = await actingOnOrchestrator(c.env, id, c.get('who'))
    return c.json(unwrap(id, await o.writeWorkloads(b.upsert, b.remove, false, by)), 200)
  })
  .openapi(metrics, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(
      unwrap(id, await (await existingOrchestrator(c.env, id, c.get('who'))).metrics(c.req.valid('json'))),
      200,
    )
  })
  .openapi(plan, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(unwrap(id, await (await existingOrchestrator(c.env, id, c.get('who'))).dryRun()), 200)
  })
  .openapi(tick, async (c) => {
    const { id } = c.req.valid('param')
    const { o, by } = await actingOnOrchestrator(c.env, id, c.get('who'))
    const r = unwrap(id, await o.tick(by))
    return 'running' in r ? c.json(r, 202) : c.json(r, 200)
  })
  .openapi(approve, async (c) => {
    const { id } = c.req.valid('param')
    const { o, by } = await actingOnOrchestrator(c.env, id, c.get('who'))
    const r = unwrap(id, await o.approve(c.req.valid('json').workloads, by))
    return 'running' in r ? c.json(r, 202) : c.json(r, 200)
  })
  .openapi(placements, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(unwrap(id, await (await existingOrchestrator(c.env, id, c.get('who'))).placements()), 200)
  })
  .openapi(decisions, async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    return c.json(
      unwrap(id, await (await existingOrchestrator(c.env, id, c.get('who'))).decisions(q.from, q.limit)),
      200,
    )
  })
  .openapi(forecast, async (c) => {
    const { id, workload } = c.req.valid('param')
    return c.json(
      unwrap(id, await (await existingOrchestrator(c.env, id, c.get('who'))).forecastOf(workload)),
      200,
    )
  })
  .openapi(replay, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(unwrap(id, await (await existingOrchestrator(c.env, id, c.get('who'))).replay()), 200)
  })
  .openapi(inputs, async (c) => {
    const { id, tick: t } = c.req.valid('param')
    const r = unwrap(id, await (await existingOrchestrator(c.env, id, c.get('who'))).inputsOf(t))
    return c.json(r as unknown as Record<string, unknown>, 200)
  })
