// /v1/topologies/*: large topologies stored by name in a Topology Durable Object, updated incrementally.
import { createRoute, z } from '@hono/zod-openapi'
import { TenantQuery } from '../../../schemas/directory.ts'
import { TopologyName } from '../../../schemas/geometry.ts'
import {
  EmbedJob,
  NodesPage,
  NodesQuery,
  TopologyCreate,
  TopologyEmbed,
  TopologyEmbedResult,
  TopologyInfo,
  TopologyList,
  TopologyListQuery,
  TopologyPatch,
  TopologyState,
  TopologyUpdate,
} from '../../../schemas/topology.ts'
import { requireRole } from '../auth.ts'
import { claim, existingTopology, listTopologies, register, unregisterTopology } from '../directory-client.ts'
import { bearerAuth, json, jsonBody, problems, router } from '../openapi.ts'
import { ApiError } from '../problems.ts'
import { topologyStub, unwrapTopology } from '../topology-client.ts'

const params = z.object({ name: TopologyName })
const reader = { security: [{}, ...bearerAuth], middleware: [requireRole('read')] }
const bodyProblems = [
  'validation_failed',
  'malformed_json',
  'payload_too_large',
  'unsupported_media_type',
] as const
const authProblems = ['unauthorized', 'forbidden'] as const

const list = createRoute({
  method: 'get',
  path: '/v1/topologies',
  tags: ['topologies'],
  summary: 'The stored topologies of this deployment, in name order, paged with `after`',
  description:
    'Listed from the deployment directory, which records each topology when its PUT stores it. A topology stored ' +
    'before the directory knew topologies appears (and answers reads) again once its PUT is repeated.',
  ...reader,
  request: { query: TopologyListQuery },
  responses: {
    200: json(TopologyList, 'a page of topology names'),
    ...problems('validation_failed', ...authProblems),
  },
})

const put = createRoute({
  method: 'put',
  path: '/v1/topologies/{name}',
  tags: ['topologies'],
  summary: 'Create or replace a stored topology (write)',
  description: 'Up to 10,000 nodes per request (and the 1 MiB body limit); add more with PATCH.',
  security: bearerAuth,
  middleware: [requireRole('write')] as const,
  request: { params, query: TenantQuery, body: jsonBody(TopologyCreate) },
  responses: {
    200: json(TopologyInfo, 'stored'),
    ...problems(
      ...bodyProblems,
      ...authProblems,
      'invalid_point',
      'unknown_node',
      'duplicate_node',
      'topology_not_found',
    ),
  },
})

const patch = createRoute({
  method: 'patch',
  path: '/v1/topologies/{name}',
  tags: ['topologies'],
  summary: 'Incremental update: remove, add, move nodes, set loads, remove and add edges (write)',
  description:
    'All-or-nothing, in that order. Removing nodes answers a termination report: whether greedy routes between ' +
    'their former neighbours (and a sample of other pairs) still deliver, and why not.',
  security: bearerAuth,
  middleware: [requireRole('write')] as const,
  request: { params, body: jsonBody(TopologyPatch) },
  responses: {
    200: json(TopologyUpdate, 'applied'),
    ...problems(
      ...bodyProblems,
      ...authProblems,
      'invalid_point',
      'unknown_node',
      'duplicate_node',
      'too_many_nodes',
      'topology_not_found',
    ),
  },
})

const info = createRoute({
  method: 'get',
  path: '/v1/topologies/{name}',
  tags: ['topologies'],
  summary: 'Size, dimension and version of a stored topology',
  ...reader,
  request: { params },
  responses: {
    200: json(TopologyState, 'the topology, and its latest embedding job if one ran in chunks'),
    ...problems(...authProblems, 'topology_not_found'),
  },
})

const nodes = createRoute({
  method: 'get',
  path: '/v1/topologies/{name}/nodes',
  tags: ['topologies'],
  summary: 'Nodes with coordinates and neighbours, paged with a cursor',
  ...reader,
  request: { params, query: NodesQuery },
  responses: {
    200: json(NodesPage, 'a page of nodes'),
    ...problems('validation_failed', ...authProblems, 'topology_not_found'),
  },
})

const embed = createRoute({
  method: 'post',
  path: '/v1/topologies/{name}/embed',
  tags: ['topologies'],
  summary: 'Replace the stored coordinates by a greedy embedding (write)',
  description:
    "At once (200) when the work fits one request's `stored_embed_steps` budget; otherwise, or with " +
    "`Prefer: respond-async`, as a job in chunks on the topology object's alarm (202, the job document, and a " +
    'Location to poll). While a job runs, this answers the running job.',
  security: bearerAuth,
  middleware: [requireRole('write')] as const,
  request: {
    params,
    headers: z.object({
      prefer: z.string().optional().describe('`respond-async`: run as a job even when small'),
    }),
    body: jsonBody(TopologyEmbed),
  },
  responses: {
    200: json(TopologyEmbedResult, 're-embedded'),
    202: {
      ...json(EmbedJob, 'started (or running): poll the Location'),
      headers: z.object({ location: z.string().describe('the job: GET /v1/topologies/{name}/embedding') }),
    },
    ...problems(
      ...bodyProblems,
      ...authProblems,
      'disconnected',
      'embedding_precision',
      'budget_exceeded',
      'topology_not_found',
    ),
  },
})

const embedding = createRoute({
  method: 'get',
  path: '/v1/topologies/{name}/embedding',
  tags: ['topologies'],
  summary: 'The latest embedding job of a stored topology: progress, then its result or failure',
  ...reader,
  request: { params },
  responses: {
    200: json(EmbedJob, 'the job'),
    ...problems(...authProblems, 'topology_not_found', 'not_found'),
  },
})

const remove = createRoute({
  method: 'delete',
  path: '/v1/topologies/{name}',
  tags: ['topologies'],
  summary: 'Delete a stored topology (write)',
  security: bearerAuth,
  middleware: [requireRole('write')] as const,
  request: { params },
  responses: {
    200: json(z.object({ deleted: z.literal(true) }), 'deleted'),
    ...problems(...authProblems, 'topology_not_found'),
  },
})

export const topologies = router()
  .openapi(list, async (c) => {
    const q = c.req.valid('query')
    return c.json(await listTopologies(c.env, c.get('who'), q), 200)
  })
  .openapi(put, async (c) => {
    const { name } = c.req.valid('param')
    // Before the object is touched: another tenant's name answers 404 and changes nothing.
    const tenant = await claim(c.env, 'topology', name, c.get('who'), c.req.valid('query').tenant)
    const info = unwrapTopology(name, await topologyStub(c.env, name).create(name, c.req.valid('json')))
    // after the object holds it, so the directory never names a topology that is not there
    await register(c.env, 'topology', name, tenant)
    return c.json(info, 200)
  })
  .openapi(patch, async (c) => {
    const { name } = c.req.valid('param')
    return c.json(
      unwrapTopology(
        name,
        await (await existingTopology(c.env, name, c.get('who'))).update(c.req.valid('json')),
      ),
      200,
    )
  })
  .openapi(info, async (c) => {
    const { name } = c.req.valid('param')
    return c.json(unwrapTopology(name, await (await existingTopology(c.env, name, c.get('who'))).info()), 200)
  })
  .openapi(nodes, async (c) => {
    const { name } = c.req.valid('param')
    const q = c.req.valid('query')
    return c.json(
      unwrapTopology(
        name,
        await (await existingTopology(c.env, name, c.get('who'))).nodes(Number(q.cursor ?? 0), q.limit),
      ),
      200,
    )
  })
  .openapi(embed, async (c) => {
    const { name } = c.req.valid('param')
    const async = /\brespond-async\b/i.test(c.req.valid('header').prefer ?? '')
    const stub = await existingTopology(c.env, name, c.get('who'))
    const r = unwrapTopology(name, await stub.embed(c.req.valid('json').pairs, async))
    if ('done' in r) return c.json(r.done, 200)
    c.header('location', `/v1/topologies/${name}/embedding`)
    return c.json(r.job, 202)
  })
  .openapi(embedding, async (c) => {
    const { name } = c.req.valid('param')
    const job = unwrapTopology(name, await (await existingTopology(c.env, name, c.get('who'))).embedding())
    if (!job) throw new ApiError('not_found', `topology '${name}' has run no embedding job`)
    return c.json(job, 200)
  })
  .openapi(remove, async (c) => {
    const { name } = c.req.valid('param')
    const deleted = unwrapTopology(name, await (await existingTopology(c.env, name, c.get('who'))).destroy())
    await unregisterTopology(c.env, name)
    return c.json(deleted, 200)
  })
