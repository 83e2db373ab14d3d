// /v1/mpc and /v1/mdp: replica-count MPC and failover MDP requests and answers (functions/mpc, functions/mdp).
import { z } from '@hono/zod-openapi'

/** Longest forecast an MPC request may plan over (a day at 90 s, a week at 10 min); more is a 400. */
export const MAX_HORIZON = 1000
export const MAX_REPLICAS = 10_000
/** Health histories: at most this many sequences, entries per sequence, and entries in all. */
export const MAX_HISTORIES = 1000
export const MAX_HISTORY_LENGTH = 10_000
export const MAX_HISTORY_ENTRIES = 100_000

const amount = z.number().min(0).max(1e12)
const count = (max: number) => z.number().int().min(0).max(max)
const weight = z.number().min(0).max(1e9)

export const MpcRequest = z
  .strictObject({
    demand: z
      .array(amount)
      .min(1, 'the forecast needs at least one step')
      .max(MAX_HORIZON, `at most ${MAX_HORIZON} steps`)
      .describe('forecast demand per step (requests, load units), t = 1..H'),
    upper: z
      .array(amount)
      .max(MAX_HORIZON)
      .optional()
      .describe('upper bound of the forecast interval, one per step; planned against when `robust`'),
    robust: z.boolean().optional().describe('plan for `upper` instead of `demand`'),
    per_replica: z.number().gt(0).max(1e12).describe('demand one replica serves'),
    current: count(100_000).describe('replicas running now, u_0'),
    min: count(MAX_REPLICAS),
    max: count(MAX_REPLICAS),
    capacity_max: count(MAX_REPLICAS).optional().describe('replicas the nodes can hold; caps `max`'),
    cooldown_steps: count(MAX_HORIZON).describe('after a change, this many steps keep the count'),
    since_change: count(1_000_000).describe('steps already passed since the last change'),
    lambda: weight.describe('weight of (u_t - u_{t-1})^2'),
    replica_cost: weight.describe('cost of one replica for one step'),
    sla_penalty: weight.describe(
      'cost of one replica-step of unserved demand (the SLA is hard when it can be met)',
    ),
  })
  .openapi('MpcRequest')

export const MpcResult = z
  .object({
    replicas: z.array(z.number().int()).describe('u_1..u_H'),
    next: z.number().int().describe('u_1: what to apply now'),
    objective: z.number(),
    terms: z.object({ cost: z.number(), sla: z.number(), smoothness: z.number() }),
    sla_feasible: z.boolean(),
    infeasible_steps: z
      .array(z.number().int())
      .describe('0-based steps where demand exceeds what any plan serves'),
    infeasible_reasons: z
      .array(z.enum(['bounds', 'cooldown']))
      .describe('per infeasible step: demand above min(max, capacity_max), or the cooldown held the count'),
    shortfall: z.array(z.number()).describe('unserved demand per step, in replicas'),
    changes: z.number().int(),
    bounds: z.object({ min: z.number().int(), max: z.number().int() }),
    steps: z.number().int().describe('DP candidate evaluations (the mpc_steps budget counts these)'),
  })
  .openapi('MpcResult')

// not exported: the orchestrator's schemas own the names Health and FailoverStrategy
const Health = z.enum(['up', 'degraded', 'down'])
const FailoverStrategy = z.enum(['active_passive', 'active_active', 'n_plus_1'])
const FailoverAction = z.enum(['stay', 'migrate', 'add_replica'])

const Row = z.array(z.number().min(0).max(1)).length(3)

export const MdpRequest = z
  .strictObject({
    history: z
      .array(z.array(Health).max(MAX_HISTORY_LENGTH))
      .min(1)
      .max(MAX_HISTORIES)
      .optional()
      .describe('observed health per node, oldest first; the transitions are learned from consecutive pairs'),
    prior: z
      .number()
      .min(0)
      .max(1e6)
      .optional()
      .describe('symmetric Dirichlet prior added to each count (default 1)'),
    transitions: z
      .array(Row)
      .length(3)
      .optional()
      .describe('row-stochastic 3x3 matrix over (up, degraded, down); or give `history`'),
    strategy: FailoverStrategy,
    costs: z
      .strictObject({ downtime: weight, degraded: weight, migrate: weight, replica: weight })
      .partial()
      .optional()
      .describe('per step of outage, of degraded service, per migration or replica start, per replica-step'),
    discount: z
      .number()
      .min(0)
      .max(0.9999)
      .optional()
      .describe('default 0.95; near 1, value iteration may exceed its budget (422)'),
    epsilon: z
      .number()
      .min(1e-9)
      .max(1e6)
      .optional()
      .describe('the policy is epsilon-optimal (default 1e-6)'),
    switchover: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('fraction of a step a standby or spare needs to take over'),
  })
  .superRefine((b, ctx) => {
    if ((b.history === undefined) === (b.transitions === undefined))
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of `history` and `transitions`',
        path: ['history'],
      })
    const entries = b.history?.reduce((n, s) => n + s.length, 0) ?? 0
    if (entries > MAX_HISTORY_ENTRIES)
      ctx.addIssue({
        code: 'custom',
        message: `at most ${MAX_HISTORY_ENTRIES} health entries in all (got ${entries})`,
        path: ['history'],
      })
  })
  .openapi('MdpRequest')

const byHealth = <T extends z.ZodType>(t: T) => z.object({ up: t, degraded: t, down: t })
const PolicyTable = z.object({
  policy: byHealth(FailoverAction),
  values: byHealth(z.number()),
  q: byHealth(z.object({ stay: z.number(), migrate: z.number(), add_replica: z.number() })),
})

export const MdpResult = z
  .object({
    ...PolicyTable.shape,
    iterations: z.number().int(),
    residual: z.number(),
    unprotected: PolicyTable.describe('the same where the standby, second replica or spare is gone'),
    transitions: z
      .array(z.array(z.number()))
      .describe('the matrix used (learned, or the one given, renormalised)'),
    strategy: FailoverStrategy,
    discount: z.number(),
  })
  .openapi('MdpResult')

export type MpcRequest = z.infer<typeof MpcRequest>
export type MdpRequest = z.infer<typeof MdpRequest>
