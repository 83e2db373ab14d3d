// The MOM orchestrator's documents: fleet nodes, workloads, metric samples, its configuration, plans and decisions.
import { z } from '@hono/zod-openapi'
import { TenantQuery } from './directory.ts'
import { Point } from './geometry.ts'
import { Receipt } from './ledger.ts'
import { MomConfig } from './mom-config.ts'
import { OrchestrationStrategy } from './orchestration-strategy.ts'

/** Most nodes and workloads one orchestrator manages, and most items per write. */
export const MAX_FLEET_NODES = 5_000
export const MAX_WORKLOADS = 20_000
export const MAX_ITEMS_PER_WRITE = 1_000
export const MAX_SAMPLES_PER_WRITE = 10_000

export const OrchestratorId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, dot, underscore, dash; at most 128')
  .openapi('OrchestratorId')
const ItemId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'letters, digits, . _ : -; at most 128')

export const Health = z.enum(['up', 'degraded', 'down']).openapi('Health')
export const WorkloadType = z
  .enum(['batch', 'streaming', 'interactive', 'ml_training'])
  .openapi('WorkloadType')

const Amounts = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{0,31}$/), z.number().min(0).max(1e12))
  .refine((r) => Object.keys(r).length <= 16, 'at most 16 units')

export const FleetNode = z
  .strictObject({
    id: ItemId,
    coordinates: Point.optional().describe(
      'position in the Poincaré ball; absent: placed by the embedding of `links`',
    ),
    links: z.array(ItemId).max(64).default([]).describe('neighbours in the fleet graph (routes, embedding)'),
    region: z.string().min(1).max(64),
    capacity: Amounts.describe('units this node offers, e.g. {"cpu": 16, "memory": 64}'),
    cost_per_unit_hour: Amounts.default({}).describe('price of one unit of each resource for an hour'),
    availability: z.number().min(0).max(1).default(0.999),
    carbon_intensity: z.number().min(0).max(10_000).default(0).describe('gCO2e per kWh where the node runs'),
    labels: z.record(z.string().max(64), z.string().max(256)).default({}),
    health: Health.default('up'),
  })
  .openapi('FleetNode', { description: 'a resource the orchestrator can place replicas on' })

/** A workload's sealed bid in the capacity auction a tick runs when the fleet cannot host every replica wanted. */
export const WorkloadBid = z
  .strictObject({
    replica_hour: z
      .number()
      .min(0)
      .max(1e9)
      .describe(
        'value of one more replica for an hour (the tenant pays at most this, by the Clarke pivot rule)',
      ),
  })
  .openapi('WorkloadBid')

export const Workload = z
  .strictObject({
    id: ItemId,
    tenant: z.string().min(1).max(128).default('default'),
    type: WorkloadType,
    replica: z
      .strictObject({
        capacity: z
          .number()
          .gt(0)
          .max(1e9)
          .describe('requests per second one replica serves at the SLA target'),
        request: Amounts.describe('resources one replica reserves on its node'),
      })
      .describe('per replica'),
    sla: z
      .strictObject({
        latency_ms: z.number().gt(0).max(1e7).optional(),
        target_utilisation: z
          .number()
          .gt(0)
          .max(1)
          .default(0.7)
          .describe('utilisation at `replica.capacity`'),
      })
      .prefault({}),
    affinity: Point.optional().describe('where its users are, in the ball'),
    strategy: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe('preferred strategy_id (used when its triggers match)'),
    bid: WorkloadBid.optional().describe(
      'sealed bid for scarce capacity (VCG among tenants, docs/orchestrator.md); absent: bids 0, takes what is left',
    ),
  })
  .openapi('Workload', { description: 'a service or agent the orchestrator scales and places' })

export const WorkloadSample = z.strictObject({
  workload: ItemId,
  at: z.iso.datetime({ offset: true }).optional().describe('default: when the server receives it'),
  request_rate: z.number().min(0).max(1e12),
  latency_ms: z.number().min(0).max(1e9).optional(),
  errors: z.number().min(0).max(1e12).optional(),
  utilisation: z.number().min(0).max(100).optional(),
})
export const NodeSample = z.strictObject({
  node: ItemId,
  at: z.iso.datetime({ offset: true }).optional(),
  utilisation: z.number().min(0).max(100).optional(),
  health: Health.optional(),
})

export const MetricsBatch = z
  .strictObject({
    workloads: z.array(WorkloadSample).max(MAX_SAMPLES_PER_WRITE).default([]),
    nodes: z.array(NodeSample).max(MAX_SAMPLES_PER_WRITE).default([]),
  })
  .openapi('MetricsBatch', { description: 'observations: workload and node samples' })

export const OrchestratorSettings = z
  .strictObject({
    tick_seconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(60)
      .describe('the alarm period: one tick, one step'),
    horizon: z.number().int().min(1).max(96).default(12).describe('steps the forecast and MPC look ahead'),
    season: z.number().int().min(1).max(10_080).default(60).describe('seasonal period in steps (1: none)'),
    retention: z
      .number()
      .int()
      .min(8)
      .max(20_000)
      .default(1_440)
      .describe('steps of metrics kept per series'),
    level: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.95)
      .describe('prediction-interval level: predictive scaling serves the upper bound of this interval'),
    lambda: z.number().min(0).max(1e6).default(0.5).describe('MPC: weight of (u_t - u_{t-1})^2'),
    replica_cost: z.number().min(0).max(1e6).default(1).describe('MPC: cost of a replica for a step'),
    sla_penalty: z
      .number()
      .min(0)
      .max(1e9)
      .default(100)
      .describe('MPC: cost of a replica-worth of unserved demand'),
    startup_steps: z
      .number()
      .int()
      .min(0)
      .max(95)
      .default(0)
      .describe(
        'steps a new replica takes to serve: a scale-up is started for the need that many steps ahead',
      ),
    topology: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe(
        'a stored topology holding the fleet nodes under the same ids: each tick mirrors the replicas onto it as nodes linked to their hosts',
      ),
    anomaly_filter: z
      .enum(['off', 'robust_z'])
      .optional()
      .describe(
        'robust_z: demand spikes and drops (robust z against a causal median/MAD baseline) are replaced by the expected value before the forecast is fitted and recorded in the plan; off (the default when absent)',
      ),
    auto_tick: z.boolean().default(true).describe('run ticks on the alarm; false: only POST .../tick'),
    chunk_workloads: z
      .number()
      .int()
      .min(1)
      .max(MAX_WORKLOADS)
      .default(100)
      .describe('a tick with more workloads is assessed in chunks of this many, one per alarm'),
  })
  .prefault({})
  .openapi('OrchestratorSettings')

export const OrchestratorConfig = z
  .strictObject({
    config: MomConfig.prefault({}),
    strategies: z.array(OrchestrationStrategy).max(64).default([]),
    settings: OrchestratorSettings,
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>()
    c.strategies.forEach((s, i) => {
      if (seen.has(s.strategy_id))
        ctx.addIssue({
          code: 'custom',
          path: ['strategies', i, 'strategy_id'],
          message: 'duplicate strategy_id',
        })
      seen.add(s.strategy_id)
    })
  })
  .openapi('OrchestratorConfig', {
    description: 'PUT /v1/orchestrators/{id}: mom_config, strategies, settings',
  })

export const NodesBody = z
  .strictObject({ nodes: z.array(FleetNode).min(1).max(MAX_ITEMS_PER_WRITE) })
  .openapi('NodesBody')
export const WorkloadsBody = z
  .strictObject({ workloads: z.array(Workload).min(1).max(MAX_ITEMS_PER_WRITE) })
  .openapi('WorkloadsBody')
export const NodesPatch = z
  .strictObject({
    upsert: z.array(FleetNode).max(MAX_ITEMS_PER_WRITE).default([]),
    remove: z.array(ItemId).max(MAX_ITEMS_PER_WRITE).default([]),
  })
  .openapi('NodesPatch')
export const WorkloadsPatch = z
  .strictObject({
    upsert: z.array(Workload).max(MAX_ITEMS_PER_WRITE).default([]),
    remove: z.array(ItemId).max(MAX_ITEMS_PER_WRITE).default([]),
  })
  .openapi('WorkloadsPatch')

const Weights = z.object({
  performance: z.number(),
  cost: z.number(),
  reliability: z.number(),
  sustainability: z.number(),
})
const Terms = z.object({ perf: z.number(), rel: z.number(), sust: z.number(), cost: z.number() })

export const Action = z
  .discriminatedUnion('action', [
    z.object({
      action: z.literal('spawn'),
      workload: z.string(),
      node: z.string(),
      coordinates: z.array(z.number()),
    }),
    z.object({
      action: z.literal('migrate'),
      workload: z.string(),
      from: z.string(),
      node: z.string(),
      waypoints: z.array(z.array(z.number())),
      distance: z.number(),
    }),
    z.object({
      action: z.literal('terminate'),
      workload: z.string(),
      node: z.string(),
      routes_ok: z
        .boolean()
        .describe(
          'false: terminating would leave no replica reachable by greedy routing, so the replica was kept',
        ),
    }),
  ])
  .openapi('OrchestratorAction')

export const WorkloadPlan = z
  .object({
    workload: z.string(),
    strategy: z.string().describe('the strategy whose triggers matched, or `default`'),
    situation: z.object({
      workload_type: WorkloadType,
      resource_pressure: z.enum(['low', 'medium', 'high', 'critical']),
      anomaly_flags: z.array(z.string()),
    }),
    method: z.enum(['predictive', 'reactive', 'manual']),
    forecast: z
      .object({
        model: z.string(),
        point: z.array(z.number()),
        upper: z.array(z.number()),
        mase: z.number().nullable(),
      })
      .nullable(),
    current: z.number().int(),
    target: z.number().int().describe('replicas after this tick (MPC u_1, plus redundancy)'),
    mpc: z
      .object({
        replicas: z.array(z.number().int()),
        objective: z.number(),
        sla_feasible: z.boolean(),
      })
      .nullable(),
    failover: z.array(z.object({ node: z.string(), health: Health, action: z.string() })),
    reasons: z.array(z.string()),
    anomalies: z
      .array(
        z.object({
          steps_ago: z.number().int(),
          value: z.number(),
          expected: z.number(),
          score: z.number(),
          kind: z.enum(['spike', 'drop', 'level_shift']),
        }),
      )
      .optional()
      .describe(
        'settings.anomaly_filter: demand anomalies seen this tick, newest first (spikes and drops were replaced by `expected` before the forecast was fitted)',
      ),
  })
  .openapi('WorkloadPlan')

const Res = z.record(z.string(), z.number())
export const Allocation = z
  .object({
    tick_hours: z
      .number()
      .describe('hours one tick lasts: what an auction payment (per hour) is charged for'),
    usage: z
      .array(
        z.object({
          tenant: z.string(),
          workload: z.string(),
          replicas: z.number().int(),
          rate: z.number().describe('what its replicas reserve, priced at their nodes, per hour'),
        }),
      )
      .describe('replicas after the tick per tenant and workload'),
    cost: z
      .object({ rate: z.number(), nodes: z.array(z.string()) })
      .describe("the fleet's cost per hour: every node hosting a replica, whole"),
    shares: z
      .object({
        game: z
          .record(z.string(), z.unknown())
          .describe('the pool cost game (POST /v1/markets/shapley recomputes it)'),
        result: z.object({
          shares: z.array(
            z.object({
              player: z.string(),
              share: z.number().describe('per hour'),
              ci95: z.tuple([z.number(), z.number()]).optional(),
            }),
          ),
          total: z.number(),
          method: z.enum(['exact', 'sampled']),
          samples: z.number().int().optional(),
          seed: z.number().int().optional(),
          steps: z.number(),
        }),
      })
      .nullable()
      .describe(
        'Shapley shares of the cost rate among the tenants using the fleet; null when it costs nothing',
      ),
    auction: z
      .object({
        supply: Res,
        demand: Res,
        bids: z.array(
          z.object({ bidder: z.string(), bundles: z.array(z.object({ bundle: Res, value: z.number() })) }),
        ),
        bundles: z.record(
          z.string(),
          z.array(z.array(z.object({ workload: z.string(), replicas: z.number() }))),
        ),
        result: z
          .object({
            awards: z.array(
              z.object({
                bidder: z.string(),
                bundle_index: z.number().int(),
                bundle: Res,
                value: z.number(),
                payment: z.number(),
              }),
            ),
            welfare: z.number(),
            method: z.string(),
            bound: z.number().optional(),
            payments_total: z.number(),
            steps: z.number(),
          })
          .describe('VCG: welfare-maximising awards, Clarke pivot payments per hour'),
        leftover: z.array(z.object({ workload: z.string(), replicas: z.number().int() })),
      })
      .nullable()
      .describe('the capacity auction; null when the extra replicas fit the free capacity (no auction ran)'),
  })
  .openapi('OrchestratorAllocation', {
    description: 'who got scarce capacity (VCG) and how the fleet cost is shared (Shapley) this tick',
  })

export const PlanDoc = z
  .object({
    orchestrator: z.string(),
    tick: z.number().int(),
    at: z.string(),
    mode: z.string(),
    inputs_digest: z.string().describe('SHA3-256 of the canonical inputs of this tick'),
    plan_digest: z.string().describe('SHA3-256 of the canonical plan (replay compares it)'),
    workloads: z.array(WorkloadPlan),
    actions: z.array(Action),
    objective: z
      .object({
        J: z.number(),
        terms: Terms,
        method: z.string().describe('how this tick placed its new replicas: exact (MIP) or heuristic'),
        kept: z.number().int().describe('replicas that stay where they run'),
        placed: z.number().int().describe('replicas the optimiser placed this tick'),
        bound: z.number().optional().describe('upper bound on the mean J of the replicas placed this tick'),
      })
      .describe('J and its terms, means over every replica the plan asks for (unplaced ones count 0)'),
    unplaced: z.array(z.object({ workload: z.string(), replicas: z.number().int(), reason: z.string() })),
    pareto: z
      .array(z.object({ weights: Weights, terms: Terms, J: z.number(), chosen: z.boolean() }))
      .describe('the non-dominated placements the weights chose from (empty when over the frontier budget)'),
    regions: z
      .record(z.string(), z.object({ budget: z.number().int(), placed: z.number().int() }))
      .optional()
      .describe('federated mode: the coordinator budget and the placed replicas per region'),
    transitions: z
      .array(z.array(z.number()))
      .describe('learned node-health transition matrix (up, degraded, down)'),
    allocation: Allocation.optional(),
  })
  .openapi('OrchestratorPlan')

export const Replica = z.object({
  workload: z.string(),
  slot: z.number().int(),
  node: z.string(),
  coordinates: z.array(z.number()),
  since_tick: z.number().int(),
})
export const PlacementsDoc = z
  .object({ orchestrator: z.string(), tick: z.number().int(), replicas: z.array(Replica) })
  .openapi('OrchestratorPlacements')

export const DecisionDoc = z
  .object({
    index: z.number().int(),
    tick: z.number().int(),
    kind: z.string(),
    at: z.string(),
    data: z.record(z.string(), z.unknown()),
    receipt: Receipt.optional(),
  })
  .openapi('OrchestratorDecision')

export const DecisionsPage = z
  .object({ decisions: z.array(DecisionDoc), next: z.number().int().nullable() })
  .openapi('OrchestratorDecisions')

export const OrchestratorInfo = z
  .object({
    id: z.string(),
    created_at: z.string(),
    tick: z.number().int(),
    nodes: z.number().int(),
    workloads: z.number().int(),
    replicas: z.number().int(),
    mode: z.string(),
    ledger: z.object({ size: z.number().int(), verifier_key: z.string(), checkpoint: z.string().nullable() }),
    pending_approval: z.boolean(),
    storage_bytes: z.number().int().describe("size of the object's SQLite database"),
    topology: z
      .object({
        name: z.string(),
        tick: z.number().int(),
        ok: z.boolean(),
        version: z.number().int().optional(),
        routes_ok: z.boolean().optional().describe('after removals: greedy routes around them still deliver'),
        route_failures: z
          .array(
            z.object({ source: z.string(), target: z.string(), stuck_at: z.string(), reason: z.string() }),
          )
          .optional()
          .describe('the first routes that did not deliver, when routes_ok is false'),
        error: z.string().optional(),
      })
      .optional()
      .describe('the last mirroring of the replicas onto the stored topology'),
    next_tick_at: z.string().nullable(),
  })
  .openapi('OrchestratorInfo')

export type FleetNode = z.infer<typeof FleetNode>
export type Workload = z.infer<typeof Workload>
export type MetricsBatch = z.infer<typeof MetricsBatch>
export type OrchestratorConfig = z.infer<typeof OrchestratorConfig>
export type OrchestratorSettings = z.infer<typeof OrchestratorSettings>
export type Action = z.infer<typeof Action>
export type WorkloadPlan = z.infer<typeof WorkloadPlan>
export type PlanDoc = z.infer<typeof PlanDoc>
export type Replica = z.infer<typeof Replica>
export type DecisionDoc = z.infer<typeof DecisionDoc>
export type OrchestratorInfo = z.infer<typeof OrchestratorInfo>
export type Health = z.infer<typeof Health>

export const OrchestratorParams = z.object({ id: OrchestratorId })
export const OrchestratorListQuery = z.object({
  after: OrchestratorId.optional().describe('list the ids after this one (exclusive)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  tenant: TenantQuery.shape.tenant,
})
export const OrchestratorList = z
  .object({
    orchestrators: z.array(z.object({ id: z.string(), registered_at: z.string(), tenant: z.string() })),
    next_after: z.string().nullable(),
  })
  .openapi('OrchestratorList')
export const DecisionsQuery = z.object({
  from: z.coerce.number().int().min(0).default(0).describe('first ledger index'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})
export const ApproveBody = z
  .strictObject({
    workloads: z.array(ItemId).min(1).max(MAX_ITEMS_PER_WRITE).optional().describe('default: every proposal'),
  })
  .openapi('ApproveBody')
export const TickProgress = z
  .object({
    running: z.object({ tick: z.number().int(), assessed: z.number().int(), total: z.number().int() }),
  })
  .openapi('OrchestratorTickProgress', {
    description: 'a large tick runs in chunks on alarms: how far it got',
  })
export const ReplayDoc = z
  .object({
    ticks: z.array(
      z.object({
        tick: z.number().int(),
        plan_digest: z
          .string()
          .describe('as ledgered (or as kept, for a tick the verification level did not ledger)'),
        replayed: z.string().describe('the digest of the plan recomputed from the kept inputs'),
        ledgered: z.boolean(),
        match: z.boolean(),
      }),
    ),
    not_replayed: z
      .array(z.number().int())
      .describe('kept ticks past the request budget (chunk_workloads workloads in all): replay them offline'),
  })
  .openapi('OrchestratorReplay')
export type ReplayDoc = z.infer<typeof ReplayDoc>
export const TickParams = OrchestratorParams.extend({ tick: z.coerce.number().int().min(1) })
export const WorkloadParams = OrchestratorParams.extend({ workload: ItemId })
