// Stored topologies: creation, incremental updates, summaries and node pages.
import { z } from '@hono/zod-openapi'
import { TenantQuery } from './directory.ts'
import { Edge, MAX_REQUEST_EDGES, MAX_REQUEST_NODES, NodeId, NodeSpec, Point } from './geometry.ts'
import { BoundaryPolicy } from './mom-config.ts'
import { GreedyQuality, TerminationReport } from './routing.ts'

/** Most nodes one stored topology may hold. */
export const MAX_STORED_NODES = 200_000

const nodes = z
  .array(NodeSpec)
  .max(MAX_REQUEST_NODES, `at most ${MAX_REQUEST_NODES} nodes per request; send more with PATCH in chunks`)
const edges = z.array(Edge).max(MAX_REQUEST_EDGES)
const ids = z.array(NodeId).max(MAX_REQUEST_NODES)

export const TopologyCreate = z
  .strictObject({
    dimension: z.number().int().min(2).max(512),
    nodes: nodes.default([]),
    edges: edges.default([]),
    boundary: BoundaryPolicy.default('reject'),
  })
  .openapi('TopologyCreate', { description: 'creates or replaces a stored topology' })

export const TopologyPatch = z
  .strictObject({
    remove_nodes: ids.default([]).describe('applied first; the answer checks routes around them'),
    add_nodes: nodes.default([]),
    move_nodes: z
      .array(z.strictObject({ id: NodeId, coords: Point }))
      .max(MAX_REQUEST_NODES)
      .default([]),
    set_load: z
      .array(z.strictObject({ id: NodeId, load: z.number().min(0).max(1e9) }))
      .max(MAX_REQUEST_NODES)
      .default([]),
    remove_edges: edges.default([]),
    add_edges: edges.default([]),
    boundary: BoundaryPolicy.default('reject'),
  })
  .openapi('TopologyPatch', {
    description: 'incremental update, applied all-or-nothing in the order of its members',
  })

export const TopologyInfo = z
  .object({
    name: z.string(),
    dimension: z.number().int(),
    nodes: z.number().int(),
    edges: z.number().int(),
    version: z.number().int().describe('number of updates applied'),
    updated_at: z.string(),
  })
  .openapi('TopologyInfo')

export const TopologyUpdate = TopologyInfo.extend({
  termination: TerminationReport.optional().describe('present when nodes were removed'),
  termination_skipped: z
    .string()
    .optional()
    .describe('instead of `termination` when checking routes would exceed the terminate_steps budget'),
}).openapi('TopologyUpdate')

export const NodesPage = z
  .object({
    nodes: z.array(NodeSpec.extend({ neighbours: z.array(z.string()) })),
    next_cursor: z.string().nullable(),
  })
  .openapi('NodesPage')

export const NodesQuery = z.object({
  cursor: z.string().regex(/^\d+$/).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

export const TopologyEmbed = z
  .strictObject({ pairs: z.number().int().min(0).max(20_000).default(2000) })
  .openapi('TopologyEmbed')

export const TopologyEmbedResult = z
  .object({
    root: z.string(),
    depth: z.number().int(),
    max_radius: z.number(),
    radius_bound: z.number(),
    greedy: GreedyQuality,
    topology: TopologyInfo,
  })
  .openapi('TopologyEmbedResult', {
    description: 'the stored coordinates were replaced by the greedy embedding',
  })

export const EmbedJob = z
  .object({
    job: z.string().describe('the job id'),
    status: z
      .enum(['running', 'done', 'failed', 'abandoned'])
      .describe('abandoned: the topology changed under it'),
    phase: z.enum(['place', 'evaluate', 'commit', 'done']),
    nodes: z.number().int(),
    placed: z.number().int().describe('nodes placed so far (the root first)'),
    pairs: z.number().int().describe('pairs the greedy evaluation samples'),
    evaluated: z.number().int().describe('pairs evaluated so far'),
    progress: z.number().min(0).max(1).describe('(placed + evaluated) / (nodes + pairs), 1 once committed'),
    alarms: z.number().int().describe('chunks run so far, one per alarm'),
    chunk_steps: z.number().int().describe('the step budget of one chunk'),
    from_version: z.number().int().describe('the topology version the job embeds; it commits version + 1'),
    started_at: z.string(),
    updated_at: z.string(),
    result: TopologyEmbedResult.optional().describe('once done: what a synchronous embed answers'),
    failure: z
      .object({ code: z.string(), detail: z.string() })
      .optional()
      .describe('once failed or abandoned: the problem code and why'),
  })
  .openapi('EmbedJob', {
    description:
      "an embedding too large for one request, running in chunks on the topology object's alarm; readers see " +
      'the old coordinates until the last chunk commits the new ones and the version at once',
  })

export const TopologyState = TopologyInfo.extend({
  embedding: EmbedJob.optional().describe(
    'the latest embedding job that ran in chunks, while it runs and after',
  ),
}).openapi('TopologyState')

export const TopologyListQuery = z.object({
  after: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'after is a topology name (the next_after of a previous page)')
    .optional()
    .describe('list the names after this one (exclusive)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  tenant: TenantQuery.shape.tenant,
})

export const TopologyList = z
  .object({
    topologies: z.array(
      z.object({
        id: z.string().describe('the topology name'),
        registered_at: z.string().describe('ISO-8601 time the directory first recorded the name'),
        tenant: z.string().describe('the tenant the topology belongs to'),
      }),
    ),
    next_after: z.string().nullable().describe('pass as `after` for the next page; null on the last page'),
  })
  .openapi('TopologyList', {
    description: 'stored topology names in name order, from the deployment directory',
  })

export type TopologyCreate = z.infer<typeof TopologyCreate>
export type TopologyPatch = z.infer<typeof TopologyPatch>
export type TopologyInfo = z.infer<typeof TopologyInfo>
export type TopologyUpdate = z.infer<typeof TopologyUpdate>
export type NodesPage = z.infer<typeof NodesPage>
export type TopologyEmbedResult = z.infer<typeof TopologyEmbedResult>
export type EmbedJob = z.infer<typeof EmbedJob>
export type TopologyState = z.infer<typeof TopologyState>
