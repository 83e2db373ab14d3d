// mom_config: how the orchestrator runs (MOM v2 seed); routing, embedding and consensus read their defaults here.
import { z } from '@hono/zod-openapi'

export const RoutingAlgorithm = z
  .enum(['greedy_forwarding', 'multipath_hyperbolic', 'gradient_flow'])
  .openapi('RoutingAlgorithm')

export const BoundaryPolicy = z.enum(['reject', 'project']).openapi('BoundaryPolicy', {
  description:
    'points on or outside the unit ball: `reject` (400) or `project` (scaled onto radius 1 - 1e-9, explicitly)',
})

const weight = z.number().min(0).max(1)

const OptimizationGoals = z
  .strictObject({
    performance: weight.default(0.4).describe('latency: the distance part of routing costs'),
    cost: weight.default(0.2),
    reliability: weight.default(0.3),
    sustainability: weight.default(0.1),
  })
  .superRefine((g, ctx) => {
    const sum = g.performance + g.cost + g.reliability + g.sustainability
    if (Math.abs(sum - 1) > 1e-9)
      ctx.addIssue({
        code: 'custom',
        message: `optimization goal weights must sum to 1 (they sum to ${sum})`,
      })
  })
  .describe('multi-objective weights; they must sum to 1 (checked by the server)')
  .openapi('OptimizationGoals', { description: 'multi-objective weights; they must sum to 1' })

export const MomConfig = z
  .strictObject({
    version: z.string().default('2.0'),
    paradigm: z
      .literal('autonomous_geometric_distributed_orchestration')
      .default('autonomous_geometric_distributed_orchestration'),
    orchestration_mode: z
      .enum(['centralized', 'federated', 'fully_distributed', 'geometric_mesh'])
      .default('geometric_mesh'),
    optimization_goals: OptimizationGoals.prefault({}).describe(
      'weights of performance, cost, reliability, sustainability; they must sum to 1 (within 1e-9)',
    ),
    geometry: z
      .strictObject({
        curvature: z.number().gt(0).max(1e6).default(1).describe('kappa: the space has curvature -kappa'),
        embedding_dimension: z
          .number()
          .int()
          .min(2)
          .max(512)
          .default(2)
          .describe('dimension of /v1/embed and /v1/spawn output'),
        routing_algorithm: RoutingAlgorithm.default('greedy_forwarding'),
        boundary: BoundaryPolicy.default('reject'),
      })
      .prefault({}),
    routing: z
      .strictObject({
        k_paths: z.number().int().min(1).max(16).default(3).describe('multipath_hyperbolic: paths per route'),
        k_nearest: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(5)
          .describe('placement: nodes returned without adjacency'),
        load_weight: z
          .number()
          .min(0)
          .max(1e6)
          .default(1)
          .describe('gradient_flow: cost of a unit of node load'),
        path_penalty: z
          .number()
          .min(0)
          .max(1e3)
          .default(1)
          .describe('multipath_hyperbolic: cost factor per reuse of an edge'),
      })
      .prefault({}),
    consensus: z
      .strictObject({
        quorum: z.number().gt(0).max(1).default(0.5).describe('fraction of total weight that must vote'),
        threshold: z.number().min(0).lt(1).default(0.5).describe('accepted when yes / (yes + no) exceeds it'),
      })
      .prefault({}),
    verification: z
      .strictObject({
        receipts: z.boolean().default(true),
        level: z.enum(['none', 'sample', 'full_audit']).default('sample'),
        sample_rate: z.number().gt(0).max(1).default(0.1),
      })
      .prefault({}),
  })
  .openapi('MomConfig', {
    description: 'mom_config: the MOM v2 global configuration (every member has a default)',
  })

export type MomConfig = z.infer<typeof MomConfig>

/** The configuration used when a request brings none. */
export const DEFAULT_MOM_CONFIG: MomConfig = MomConfig.parse({})
