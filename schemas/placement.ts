// /v1/pareto: a placement problem (nodes, demands, weights) and its Pareto frontier with the chosen placement.
import { z } from '@hono/zod-openapi'
import { NodeId, Point } from './geometry.ts'
import { MomConfig } from './mom-config.ts'

const Unit = z.string().min(1).max(32)
const MAX_UNITS = 16
const perUnit = (what: string) =>
  z
    .record(Unit, z.number().min(0).max(1e12))
    .refine((r) => Object.keys(r).length <= MAX_UNITS, { message: `at most ${MAX_UNITS} units` })
    .describe(`${what}, by unit (cpu, memory, gpu, ...: any names)`)

export const PlacementWeights = z
  .strictObject({
    performance: z.number().min(0).max(1),
    cost: z.number().min(0).max(1),
    reliability: z.number().min(0).max(1),
    sustainability: z.number().min(0).max(1),
  })
  .superRefine((g, ctx) => {
    const sum = g.performance + g.cost + g.reliability + g.sustainability
    if (Math.abs(sum - 1) > 1e-9)
      ctx.addIssue({ code: 'custom', message: `weights must sum to 1 (they sum to ${sum})` })
  })
  .openapi('PlacementWeights', {
    description: 'weights of J = w_perf Perf + w_rel Rel + w_sust Sust - w_cost Cost',
  })

export const PlacementNodeInput = z
  .strictObject({
    id: NodeId,
    point: Point.describe('coordinates in the Poincaré ball'),
    region: z.string().max(64).default(''),
    capacity: perUnit('what the node offers'),
    cost_per_unit_hour: perUnit('price of one unit for one hour').default({}),
    availability: z.number().min(0).max(1).default(1).describe('fraction of time up; Rel of a replica on it'),
    carbon_intensity: z.number().min(0).max(1e6).default(0).describe('gCO2e/kWh'),
    health: z.enum(['up', 'degraded', 'down']).default('up'),
  })
  .openapi('PlacementNode')

export const PlacementDemandInput = z
  .strictObject({
    workload: z.string().min(1).max(128),
    replicas: z.number().int().min(0).max(100),
    request: perUnit('what one replica needs'),
    affinity: Point.optional().describe('where the workload wants to run; Perf = exp(-d(node, affinity))'),
    max_distance: z.number().gt(0).optional().describe('hard bound on d(node, affinity), curvature -kappa'),
    preferred_regions: z.array(z.string().max(64)).max(100).default([]),
    avoid_nodes: z.array(NodeId).max(1000).default([]),
    locality: z
      .array(z.strictObject({ near: NodeId, max_distance: z.number().gt(0) }))
      .max(20)
      .default([])
      .describe('every replica within max_distance of node `near`'),
    distinct: z.boolean().default(true).describe('replicas on distinct nodes (redundancy)'),
    current: z
      .array(NodeId)
      .max(100)
      .default([])
      .describe('nodes the replicas run on now (kept when allowed)'),
  })
  .openapi('PlacementDemand')

export const ParetoRequest = z
  .strictObject({
    nodes: z.array(PlacementNodeInput).min(1).max(1000),
    demands: z.array(PlacementDemandInput).min(1).max(2000),
    weights: PlacementWeights.optional().describe('default: config.optimization_goals'),
    kappa: z
      .number()
      .gt(0)
      .max(1e6)
      .optional()
      .describe('curvature -kappa; default: config.geometry.curvature'),
    used: z
      .record(NodeId, perUnit('capacity already in use'))
      .optional()
      .describe('capacity already used on nodes, by node id'),
    config: MomConfig.optional().describe('mom_config; absent: the defaults'),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>()
    b.demands.forEach((d, i) => {
      if (seen.has(d.workload))
        ctx.addIssue({ code: 'custom', message: 'duplicate workload', path: ['demands', i, 'workload'] })
      seen.add(d.workload)
    })
    if (b.demands.some((d) => d.max_distance !== undefined && !d.affinity))
      ctx.addIssue({ code: 'custom', message: 'max_distance needs an affinity point', path: ['demands'] })
  })
  .openapi('ParetoRequest')

const Terms = z
  .object({ perf: z.number(), rel: z.number(), sust: z.number(), cost: z.number() })
  .openapi('PlacementTerms', { description: 'each term averaged over the requested replicas, in [0, 1]' })

export const PlacementResult = z
  .object({
    assignments: z.array(z.object({ workload: z.string(), node: z.string() })),
    terms: Terms,
    J: z.number(),
    unplaced: z.array(
      z.object({
        workload: z.string(),
        replicas: z.number().int(),
        reason: z
          .string()
          .describe('capacity, policy (down, avoided, preferred regions), distance or distinct'),
        detail: z.string().optional(),
      }),
    ),
    method: z.enum(['exact', 'heuristic']),
    bound: z.number().optional().describe('heuristic: an upper bound on J over every feasible placement'),
    moved: z.number().int().describe('replicas placed on a node they did not run on (`current`)'),
  })
  .openapi('PlacementResult')

export const ParetoResult = z
  .object({
    weights: z.object({
      performance: z.number(),
      cost: z.number(),
      reliability: z.number(),
      sustainability: z.number(),
    }),
    kappa: z.number(),
    points: z.array(
      z.object({
        weights: z.object({
          performance: z.number(),
          cost: z.number(),
          reliability: z.number(),
          sustainability: z.number(),
        }),
        terms: Terms,
        J: z.number().describe("this point's terms under the request's weights"),
        chosen: z.boolean(),
        dominated: z.boolean().optional().describe('on the chosen point only: another point dominates it'),
      }),
    ),
    chosen: PlacementResult,
  })
  .openapi('ParetoResult', {
    description: 'the non-dominated term vectors and the placement the weights chose',
  })

export type ParetoRequest = z.infer<typeof ParetoRequest>
