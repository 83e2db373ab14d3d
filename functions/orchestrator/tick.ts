// One tick of the MOM loop as a pure function: observe -> predict -> optimise -> (plan to) act. Same input,
// same plan, bit for bit; the object applies the plan, ledgers it and keeps the input for replay.
import type { OrchestrationStrategy } from '../../schemas/orchestration-strategy.ts'
import type { Action, PlanDoc, Replica, Workload, WorkloadPlan } from '../../schemas/orchestrator.ts'
import { BudgetExceededError, StepBudget } from '../budget/index.ts'
import { distance } from '../geometry/index.ts'
import {
  type FailoverAction,
  type FailoverPolicy,
  type Health,
  learnTransitions,
  solveFailover,
} from '../mdp/index.ts'
import {
  PLACEMENT_STEPS_PER_MS,
  type PlacementDemand,
  type PlacementNode,
  type PlacementProblem,
  paretoBudget,
  paretoFrontier,
  scorePlacement,
} from '../placement/index.ts'
import { greedyRoute, Topology } from '../routing/index.ts'
import { applyPlacement } from './act.ts'
import { auctionScarce, shareCost } from './allocate.ts'
import { filterDemand } from './anomaly.ts'
import { digestOf } from './digest.ts'
import type { ResolvedNode, TickInput } from './model.ts'
import { fits, placeByMode } from './modes.ts'
import { type Scaled, scale, withRedundancy } from './scale.ts'
import { chooseStrategy, fleetPressure, observe, regionsOut } from './situation.ts'

/**
 * The placement and route checks of one tick (every workload at once, under the orchestration mode): 10 s of CPU
 * at the placement's calibration. Forecasts, MPC and failover each run within their own per-call budgets.
 */
export const TICK_PLACEMENT_CPU_MS = 30_000
export const tickPlacementBudget = (): StepBudget =>
  new StepBudget(
    'tick_placement_steps',
    TICK_PLACEMENT_CPU_MS * PLACEMENT_STEPS_PER_MS,
    TICK_PLACEMENT_CPU_MS,
  )

/** The Pareto frontier is computed when the problem has at most this many replica x node pairs. */
export const PARETO_MAX_PAIRS = 2_000

export interface TickPlan {
  doc: PlanDoc
  /** the replicas after the plan is applied */
  replicas: Replica[]
  /** workloads whose replica count changed (their cooldown restarts) */
  changed: string[]
  /** manual workloads' proposals waiting for an admin: workload -> replicas */
  proposals: Record<string, number>
}

const STRATEGY_FAILOVER = (s: OrchestrationStrategy) => s.resilience_policy.failover_strategy

function placementNode(n: ResolvedNode): PlacementNode {
  return {
    id: n.id,
    point: n.coordinates,
    region: n.region,
    capacity: n.capacity,
    cost_per_unit_hour: n.cost_per_unit_hour,
    availability: n.availability,
    carbon_intensity: n.carbon_intensity,
    health: n.health,
  }
}

/** Largest base count whose redundancy-padded count does not exceed `count`. */
function baseOf(
  count: number,
  level: OrchestrationStrategy['resilience_policy']['redundancy_level'],
): number {
  let n = count
  while (n > 0 && withRedundancy(n, level) > count) n--
  return n
}

/** The fleet graph (nodes and their links), for route checks; null when no node has links. */
function fleetGraph(nodes: readonly ResolvedNode[]): Topology | null {
  if (!nodes.some((n) => n.links.length > 0)) return null
  const dim = nodes[0]?.coordinates.length ?? 2
  const topo = new Topology(dim, nodes.length)
  for (const n of nodes) topo.addNode({ id: n.id, coords: n.coordinates })
  const ids = new Set(nodes.map((n) => n.id))
  for (const n of nodes)
    for (const l of n.links) if (ids.has(l) && l !== n.id) topo.link(topo.slot(n.id), topo.slot(l))
  return topo
}

/** What the whole tick shares: indexes, the fleet's pressure and outages, failover policies per strategy. */
export class TickContext {
  readonly input: TickInput
  readonly nodeById: Map<string, ResolvedNode>
  readonly byWorkload = new Map<string, Replica[]>()
  readonly pressure: ReturnType<typeof fleetPressure>
  readonly outages: string[]
  readonly transitions: number[][]
  readonly live: PlacementNode[]
  private readonly policies = new Map<string, FailoverPolicy>()

  constructor(input: TickInput) {
    this.input = input
    this.nodeById = new Map(input.nodes.map((n) => [n.id, n]))
    for (const r of input.replicas) {
      const list = this.byWorkload.get(r.workload)
      if (list) list.push(r)
      else this.byWorkload.set(r.workload, [r])
    }
    // OBSERVE: the fleet's pressure and outages
    this.pressure = fleetPressure(input.nodes, input.replicas, input)
    this.outages = regionsOut(input.nodes)
    // failover MDP: transitions learned from every node's health history
    this.transitions = learnTransitions(input.nodes.map((n) => input.health[n.id] ?? []))
    this.live = input.nodes.filter((n) => n.health !== 'down').map(placementNode)
  }

  /** The failover policy of a strategy's failover kind, solved once per tick. */
  policyFor(s: OrchestrationStrategy): FailoverPolicy {
    const key = STRATEGY_FAILOVER(s)
    let p = this.policies.get(key)
    if (!p) {
      p = solveFailover({ transitions: this.transitions, strategy: key })
      this.policies.set(key, p)
    }
    return p
  }
}

/** One workload's part of a tick: its plan (situation, strategy, forecast, MPC, failover) and placement demand. */
export interface Assessed {
  plan: WorkloadPlan
  demand: PlacementDemand
  /** manual workloads: the replicas proposed to an admin */
  proposal?: number
}

/**
 * OBSERVE + PREDICT + OPTIMISE the replica count of one workload. Independent of the other workloads, so a
 * large fleet is assessed in chunks (one per alarm) with the same result as all at once.
 */
export function assessWorkload(ctx: TickContext, w: Workload): Assessed {
  const { input } = ctx
  const reasons: string[] = []
  const situation = observe(w, ctx.pressure, input, ctx.nodeById, ctx.outages)
  const s = chooseStrategy(w, situation, input.strategies)
  const mine = ctx.byWorkload.get(w.id) ?? []
  const level = s.resilience_policy.redundancy_level
  const observed = input.demand[w.id] ?? []
  // opt-in: one-off spikes and drops do not enter the forecast's fit (functions/orchestrator/anomaly.ts)
  const filtered =
    input.settings.anomaly_filter === 'robust_z' ? filterDemand(observed, input.settings.season) : null
  const series = filtered ? filtered.series : observed
  const lastChange = input.last_change[w.id] ?? Number.NEGATIVE_INFINITY
  const spread = level !== 'none' || s.resilience_policy.failover_strategy === 'active_active'
  // replicas the fleet could host for this workload alone (one per node when they must be on distinct nodes)
  const capacityMax = ctx.live.reduce(
    (a, n) => a + (spread ? Math.min(1, fits(n, w.replica.request)) : fits(n, w.replica.request)),
    0,
  )
  // PREDICT + OPTIMISE: forecast chosen by backtest, MPC over the horizon (u_1 applies now)
  const scaled: Scaled = scale(
    w,
    s,
    series,
    baseOf(mine.length, level),
    input.tick - lastChange,
    capacityMax,
    input.settings,
  )
  let base = scaled.next
  let proposal: number | undefined
  if (!scaled.mpc.sla_feasible)
    reasons.push(
      `SLA cannot hold at steps ${scaled.mpc.infeasible_steps.join(', ')}: too few replicas allowed`,
    )
  if (scaled.method === 'manual') {
    const approved = input.approved[w.id]
    proposal = withRedundancy(base, level)
    if (approved !== undefined) {
      base = baseOf(approved, level)
      reasons.push(`manual: applying the ${approved} replicas an admin approved`)
    } else {
      base = baseOf(mine.length, level)
      if (proposal !== mine.length) reasons.push(`manual: proposes ${proposal} replicas, waits for approval`)
    }
  }
  // FAILOVER: each replica on an unhealthy node follows the MDP policy of the strategy
  const policy = ctx.policyFor(s)
  const failover: WorkloadPlan['failover'] = []
  const avoid = new Set(s.placement_policy.avoid_nodes)
  let extra = 0
  const keep: string[] = []
  for (const r of mine) {
    const h = (ctx.nodeById.get(r.node)?.health ?? 'down') as Health
    const action: FailoverAction = h === 'down' ? 'migrate' : policy.policy[h]
    if (h !== 'up') failover.push({ node: r.node, health: h, action })
    if (action === 'migrate') avoid.add(r.node)
    else keep.push(r.node)
    if (action === 'add_replica' && h !== 'up') extra++
  }
  const target = Math.max(withRedundancy(base, level) + extra, s.scaling_policy.min_replicas)
  if (target !== mine.length) reasons.push(`replicas ${mine.length} -> ${target}`)
  const affinity = s.placement_policy.geometric_affinity?.center ?? w.affinity
  const demand: PlacementDemand = {
    workload: w.id,
    replicas: target,
    request: w.replica.request,
    ...(affinity && { affinity }),
    ...(s.placement_policy.geometric_affinity && {
      max_distance: s.placement_policy.geometric_affinity.max_distance,
    }),
    preferred_regions: s.placement_policy.preferred_regions,
    avoid_nodes: [...avoid].sort(),
    locality: s.placement_policy.locality_constraints,
    distinct: spread,
    current: keep,
  }
  const f = scaled.forecast
  const plan: WorkloadPlan = {
    workload: w.id,
    strategy: s.strategy_id,
    situation,
    method: scaled.method,
    forecast: f && {
      model: f.model,
      point: f.point,
      upper: f.upper,
      mase: f.backtest.find((b) => b.model === f.model)?.mase ?? null,
    },
    current: mine.length,
    target,
    mpc: {
      replicas: scaled.mpc.replicas,
      objective: scaled.mpc.objective,
      sla_feasible: scaled.mpc.sla_feasible,
    },
    failover,
    reasons,
    ...(filtered && filtered.anomalies.length > 0 && { anomalies: filtered.anomalies }),
  }
  return { plan, demand, ...(proposal !== undefined && { proposal }) }
}

/** Clients enter at the node nearest the workload's affinity and must reach a replica's node greedily. */
function routeCheck(
  ctx: TickContext,
  budget?: StepBudget,
): (w: Workload) => (remaining: readonly string[]) => boolean {
  const graph = fleetGraph(ctx.input.nodes)
  return (w) => (remaining) => {
    if (!graph) return true
    const from = w.affinity ?? ctx.input.nodes[0]?.coordinates
    if (!from) return true
    let entry = 0
    let best = Number.POSITIVE_INFINITY
    for (let i = 0; i < graph.slots; i++) {
      let d = 0
      for (let j = 0; j < graph.dim; j++)
        d += ((graph.coords[i * graph.dim + j] as number) - (from[j] ?? 0)) ** 2
      if (d < best) {
        best = d
        entry = i
      }
    }
    return remaining.some(
      (n) => greedyRoute(graph, entry, { node: graph.slot(n) }, budget).status === 'delivered',
    )
  }
}

/**
 * Replicas that may stay where they run (healthy enough, not avoided, not over the new count) stay; the ones
 * kept are those nearest the workload's affinity. The rest of each demand is left to the optimiser, on top of
 * the capacity the kept ones use (and, for replicas that must be on distinct nodes, away from them).
 */
function keepRunning(
  ctx: TickContext,
  demands: readonly PlacementDemand[],
): {
  kept: { workload: string; node: string }[]
  fresh: PlacementDemand[]
  used: Record<string, Record<string, number>>
} {
  const kept: { workload: string; node: string }[] = []
  const used: Record<string, Record<string, number>> = {}
  const kappa = ctx.input.config.geometry.curvature
  const fresh = demands.map((d) => {
    const avoid = new Set(d.avoid_nodes)
    const allowed = d.current.filter((n) => {
      const node = ctx.nodeById.get(n)
      return node !== undefined && node.health !== 'down' && !avoid.has(n)
    })
    const near = (n: string) =>
      d.affinity ? distance(ctx.nodeById.get(n)?.coordinates as number[], d.affinity, kappa) : 0
    const stay = allowed
      .map((n) => ({ n, d: near(n) }))
      .sort((a, b) => a.d - b.d || (a.n < b.n ? -1 : a.n > b.n ? 1 : 0))
      .slice(0, d.replicas)
      .map((x) => x.n)
    for (const n of stay) {
      kept.push({ workload: d.workload, node: n })
      const u = used[n] ?? {}
      for (const [k, v] of Object.entries(d.request)) u[k] = (u[k] ?? 0) + v
      used[n] = u
    }
    return {
      ...d,
      replicas: d.replicas - stay.length,
      current: [],
      avoid_nodes: d.distinct ? [...new Set([...d.avoid_nodes, ...stay])].sort() : d.avoid_nodes,
    }
  })
  return { kept, fresh, used }
}

/** OPTIMISE placement under the orchestration mode, then ACT (as a plan): the actions and resulting replicas. */
export function finishTick(
  ctx: TickContext,
  assessed: readonly Assessed[],
  budget: StepBudget = tickPlacementBudget(),
): TickPlan {
  const { input } = ctx
  const kappa = input.config.geometry.curvature
  const demands = assessed.map((a) => a.demand)
  const problem: PlacementProblem = {
    nodes: input.nodes.map(placementNode),
    demands,
    weights: input.config.optimization_goals,
    kappa,
  }
  // running replicas stay where they are (moving one costs a start-up); the optimiser places the new ones
  const { kept, fresh, used } = keepRunning(ctx, demands)
  // ALLOCATE: when the new replicas do not all fit the free capacity, a VCG auction among tenants decides
  const auctioned = auctionScarce(input.tick, input.workloads, input.nodes, fresh, used)
  const placed = placeByMode(
    input.config.orchestration_mode,
    { ...problem, demands: auctioned.demands.filter((d) => d.replicas > 0), used },
    input.config.routing.k_nearest,
    budget,
  )
  const assignments = [...kept, ...placed.placement.assignments]
  const score = scorePlacement(problem, assignments)
  const pairs = demands.reduce((a, d) => a + d.replicas, 0) * input.nodes.length
  const pareto = pairs <= PARETO_MAX_PAIRS && demands.length > 0 ? frontier(problem) : []

  const routable = routeCheck(ctx, budget)
  const targets = new Map<string, string[]>()
  for (const a of assignments) {
    const list = targets.get(a.workload)
    if (list) list.push(a.node)
    else targets.set(a.workload, [a.node])
  }
  const actions: Action[] = []
  const replicas: Replica[] = []
  const changed: string[] = []
  for (const w of input.workloads) {
    const mine = ctx.byWorkload.get(w.id) ?? []
    const applied = applyPlacement(
      w.id,
      mine,
      targets.get(w.id) ?? [],
      ctx.nodeById,
      kappa,
      input.tick,
      routable(w),
    )
    actions.push(...applied.actions)
    replicas.push(...applied.replicas)
    if (applied.replicas.length !== mine.length) changed.push(w.id)
  }
  const proposals: Record<string, number> = {}
  for (const a of assessed) if (a.proposal !== undefined) proposals[a.plan.workload] = a.proposal
  const lost = new Map(auctioned.unplaced.map((u) => [u.workload, u.reason]))
  const plans = assessed.map((a) => {
    const why = lost.get(a.plan.workload)
    return why ? { ...a.plan, reasons: [...a.plan.reasons, why] } : a.plan
  })
  const allocation = shareCost(
    input.tick,
    input.settings.tick_seconds,
    input.workloads,
    ctx.nodeById,
    replicas,
    auctioned.record,
  )
  const doc: Omit<PlanDoc, 'plan_digest'> = {
    orchestrator: input.orchestrator,
    tick: input.tick,
    at: input.at,
    mode: input.config.orchestration_mode,
    inputs_digest: digestOf(input),
    workloads: plans,
    actions,
    objective: {
      J: score.J,
      terms: score.terms,
      method: placed.placement.method,
      kept: kept.length,
      placed: placed.placement.assignments.length,
      ...(placed.placement.bound !== undefined && { bound: placed.placement.bound }),
    },
    unplaced: [...placed.placement.unplaced, ...auctioned.unplaced],
    pareto,
    ...(placed.regions && { regions: placed.regions }),
    transitions: ctx.transitions,
    allocation,
  }
  return { doc: { ...doc, plan_digest: digestOf(doc) }, replicas, changed, proposals }
}

/** The whole tick at once: every workload assessed, then placed and diffed. */
export function planTick(input: TickInput, budget?: StepBudget): TickPlan {
  const ctx = new TickContext(input)
  return finishTick(
    ctx,
    input.workloads.map((w) => assessWorkload(ctx, w)),
    budget,
  )
}

/** The Pareto frontier within its own budget; empty when that budget does not suffice. */
function frontier(problem: PlacementProblem): PlanDoc['pareto'] {
  try {
    return paretoFrontier(problem, paretoBudget()).points
  } catch (e) {
    if (e instanceof BudgetExceededError) return []
    throw e
  }
}
