// /v1/route, /v1/embed, /v1/consensus and the lifecycle requests and answers.
import { z } from '@hono/zod-openapi'
import { NodeId, Point, TopologyName, TopologySpec } from './geometry.ts'
import { BoundaryPolicy, MomConfig, RoutingAlgorithm } from './mom-config.ts'
import { OrchestrationStrategy, Situation } from './orchestration-strategy.ts'

const kappa = z
  .number()
  .gt(0)
  .max(1e6)
  .optional()
  .describe('curvature -kappa; default: config.geometry.curvature')
const config = MomConfig.optional().describe('mom_config; absent: the defaults')

const Target = z
  .union([z.strictObject({ node: NodeId }), z.strictObject({ point: Point })])
  .openapi('Target', { description: 'a node id or a point' })

export const RouteRequest = z
  .strictObject({
    topology: TopologySpec.optional().describe('inline (at most 10,000 nodes); or give `topology_name`'),
    topology_name: TopologyName.optional().describe('a topology stored with PUT /v1/topologies/{name}'),
    source: NodeId.optional().describe('required when the topology has edges'),
    target: Target,
    algorithm: RoutingAlgorithm.optional().describe('default: config.geometry.routing_algorithm'),
    k: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe(
        'paths (multipath_hyperbolic, at most 16: more is a 422 budget_exceeded `route_paths`) or nodes (k-nearest, at most 1000)',
      ),
    kappa,
    boundary: BoundaryPolicy.optional(),
    config,
    strategy: OrchestrationStrategy.optional(),
    situation: Situation.optional().describe('the strategy applies only when its triggers match this'),
  })
  .superRefine((b, ctx) => {
    if ((b.topology === undefined) === (b.topology_name === undefined))
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of `topology` and `topology_name`',
        path: ['topology'],
      })
  })
  .openapi('RouteRequest')

const Path = z.array(z.string())

export const RouteResult = z
  .object({
    mode: z.enum(['greedy_forwarding', 'multipath_hyperbolic', 'gradient_flow', 'k_nearest']),
    kappa: z.number(),
    strategy_applied: z.boolean().describe('the strategy was given and its triggers matched the situation'),
    strategy_fields: z
      .object({
        applied: z.array(z.string()).describe('strategy fields this answer honours (dotted paths)'),
        not_applied: z
          .array(z.object({ field: z.string(), reason: z.string() }))
          .describe('strategy fields this algorithm could not honour, and why'),
      })
      .optional()
      .describe('present when the strategy applied: which of its fields held on this answer'),
    greedy: z
      .object({
        status: z.enum(['delivered', 'arrived', 'local_minimum']),
        path: Path,
        hops: z.number().int(),
        remaining_distance: z.number(),
        stuck_at: z.string().optional(),
      })
      .optional(),
    paths: z
      .array(z.object({ path: Path, hops: z.number().int(), length: z.number(), share: z.number() }))
      .optional(),
    max_edge_share: z.number().optional(),
    flow: z.object({ path: Path, hops: z.number().int(), length: z.number(), cost: z.number() }).optional(),
    nearest: z.array(z.object({ id: z.string(), distance: z.number() })).optional(),
  })
  .openapi('RouteResult', { description: 'lengths and distances are for curvature -kappa' })

export const EmbedRequest = z
  .strictObject({
    topology: TopologySpec,
    dimension: z
      .number()
      .int()
      .min(2)
      .max(512)
      .optional()
      .describe('default: config.geometry.embedding_dimension'),
    pairs: z
      .number()
      .int()
      .min(0)
      .max(20_000)
      .default(2000)
      .describe('source/target pairs checked for stretch'),
    config,
  })
  .openapi('EmbedRequest')

export const GreedyQuality = z
  .object({
    pairs: z.number().int(),
    delivered: z.number().int(),
    success_rate: z.number(),
    mean_stretch: z.number(),
    max_stretch: z.number(),
  })
  .openapi('GreedyQuality', { description: 'greedy routing on the whole graph vs BFS shortest paths (hops)' })

export const EmbedResult = z
  .object({
    root: z.string(),
    depth: z.number().int(),
    dimension: z.number().int(),
    max_radius: z.number().describe('largest distance from the origin (curvature -1)'),
    radius_bound: z
      .number()
      .describe('2 ln(n) + 2 depth (ln(4/pi) + margin): what the construction guarantees'),
    nodes: z.array(z.object({ id: z.string(), coords: z.array(z.number()) })),
    greedy: GreedyQuality,
  })
  .openapi('EmbedResult')

const Vote = z.enum(['yes', 'no', 'abstain']).nullable()

export const ConsensusRequest = z
  .strictObject({
    voters: z
      .array(z.strictObject({ id: NodeId, coords: Point, vote: Vote.describe('null: did not vote') }))
      .min(1)
      .max(10_000),
    proposal: Point,
    kappa,
    quorum: z.number().gt(0).max(1).optional().describe('default: config.consensus.quorum'),
    threshold: z.number().min(0).lt(1).optional().describe('default: config.consensus.threshold'),
    boundary: BoundaryPolicy.optional(),
    config,
  })
  .superRefine((b, ctx) => {
    const seen = new Map<string, number>()
    b.voters.forEach((v, i) => {
      const first = seen.get(v.id)
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: `duplicate voter id (also at index ${first})`,
          path: ['voters', i, 'id'],
        })
      seen.set(v.id, i)
    })
  })
  .openapi('ConsensusRequest')

export const ConsensusResult = z
  .object({
    kappa: z.number(),
    weights: z.array(
      z.object({
        id: z.string(),
        vote: Vote,
        distance: z.number(),
        weight: z.number().describe('exp(-kappa d)'),
        relative_weight: z.number().describe('exp(-kappa (d - d_min)): what the tally adds'),
      }),
    ),
    tally: z.object({
      yes: z.number(),
      no: z.number(),
      abstain: z.number(),
      not_voted: z.number(),
      total: z.number(),
    }),
    participation: z.number(),
    quorum: z.number(),
    quorum_met: z.boolean(),
    threshold: z.number(),
    approval: z.number().nullable(),
    result: z.enum(['accepted', 'rejected', 'no_quorum']),
  })
  .openapi('ConsensusResult')

export const SpawnRequest = z
  .union([
    z.strictObject({
      parent: Point,
      distance: z.number().gt(0).max(30).describe('hyperbolic distance from the parent (curvature -kappa)'),
      direction: z.array(z.number()).min(2).max(512).optional().describe('default: away from the origin'),
      kappa,
      config,
    }),
    z.strictObject({
      affinities: z
        .array(z.strictObject({ point: Point, weight: z.number().gt(0) }))
        .min(1)
        .max(10_000),
      config,
    }),
  ])
  .openapi('SpawnRequest', {
    description: 'from a parent (distance, direction) or from weighted affinities (Fréchet mean)',
  })

export const SpawnResult = z
  .object({ coords: z.array(z.number()), distance_from_parent: z.number().optional() })
  .openapi('SpawnResult')

export const MigrateRequest = z
  .strictObject({
    from: Point,
    to: Point,
    steps: z.number().int().min(1).max(10_000).default(10),
    kappa,
    config,
  })
  .openapi('MigrateRequest')

export const MigrateResult = z
  .object({ waypoints: z.array(z.array(z.number())), distance: z.number(), step: z.number() })
  .openapi('MigrateResult', {
    description: 'steps + 1 points on the geodesic, evenly spaced, both ends included',
  })

export const TerminateRequest = z
  .strictObject({ topology: TopologySpec, node: NodeId, config })
  .openapi('TerminateRequest')

export const TerminationReport = z
  .object({
    removed: z.array(z.string()),
    connected: z.boolean(),
    components: z.number().int(),
    checked: z.number().int(),
    failed: z.number().int(),
    failures: z.array(
      z.object({
        source: z.string(),
        target: z.string(),
        stuck_at: z.string(),
        reason: z.enum(['disconnected', 'local_minimum']),
      }),
    ),
    routes_ok: z.boolean(),
    why: z.string(),
  })
  .openapi('TerminationReport')

export type RouteRequest = z.infer<typeof RouteRequest>
export type RouteResult = z.infer<typeof RouteResult>
export type EmbedResult = z.infer<typeof EmbedResult>
export type TerminationReport = z.infer<typeof TerminationReport>
