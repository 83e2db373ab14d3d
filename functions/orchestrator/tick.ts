// One tick of the MOM loop as a pure function: observe -> predict -> optimise -> (plan to) act. Same input,
// same plan, bit for bit; the object applies the plan, ledgers it and keeps the input for replay.
import type { OrchestrationStrategy } from '../../schemas/orchestration-strategy.ts'
import type { Action, PlanDoc, Replica, WorkloadPlan } from '../../schemas/orchestrator.ts'
import type { StepBudget } from '../budget/index.ts'
import {
  type FailoverAction,
  type FailoverPolicy,
  type Health,
  learnTransitions,
  solveFailover,
} from '../mdp/index.ts'
import {
  type PlacementDemand,
  type PlacementNode,
  type PlacementProblem,
  paretoFrontier,
} from '../placement/index.ts'
import { greedyRoute, Topology } from '../routing/index.ts'
import { applyPlacement } from './act.ts'
import { digestOf } from './digest.ts'
import type { ResolvedNode, TickInput } from './model.ts'
import { fits, placeByMode } from './modes.ts'
import { type Scaled, scale, withRedundancy } from './scale.ts'
import { chooseStrategy, fleetPressure, observe, regionsOut } from './situation.ts'

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

export function planTick(input: TickInput, budget?: StepBudget): TickPlan {
  const { config, settings } = input
  const kappa = config.geometry.curvature
  const nodeById = new Map(input.nodes.map((n) => [n.id, n]))
  const byWorkload = new Map<string, Replica[]>()
  for (const r of input.replicas) byWorkload.set(r.workload, [...(byWorkload.get(r.workload) ?? []), r])

  // OBSERVE: the fleet's pressure, outages, and each workload's situation and matching strategy
  const pressure = fleetPressure(input.nodes, input.replicas, input)
  const outages = regionsOut(input.nodes)

  // failover MDP: transitions learned from every node's health history, one policy per failover strategy
  const transitions = learnTransitions(input.nodes.map((n) => input.health[n.id] ?? []))
  const policies = new Map<string, FailoverPolicy>()
  const policyFor = (s: OrchestrationStrategy): FailoverPolicy => {
    const key = STRATEGY_FAILOVER(s)
    let p = policies.get(key)
    if (!p) {
      p = solveFailover({ transitions, strategy: key }, budget)
      policies.set(key, p)
    }
    return p
  }

  const plans: WorkloadPlan[] = []
  const demands: PlacementDemand[] = []
  const proposals: Record<string, number> = {}
  const live = input.nodes.filter((n) => n.health !== 'down').map(placementNode)
  for (const w of input.workloads) {
    const reasons: string[] = []
    const situation = observe(w, pressure, input, nodeById, outages)
    const s = chooseStrategy(w, situation, input.strategies)
    const mine = byWorkload.get(w.id) ?? []
    const level = s.resilience_policy.redundancy_level
    const series = input.demand[w.id] ?? []
    const lastChange = input.last_change[w.id] ?? Number.NEGATIVE_INFINITY
    const capacityMax = live.reduce(
      (a, n) =>
        a +
        (s.resilience_policy.redundancy_level === 'none'
          ? fits(n, w.replica.request)
          : Math.min(1, fits(n, w.replica.request))),
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
      settings,
      budget,
    )
    let base = scaled.next
    if (!scaled.mpc.sla_feasible)
      reasons.push(
        `SLA cannot hold at steps ${scaled.mpc.infeasible_steps.join(', ')}: too few replicas allowed`,
      )
    if (scaled.method === 'manual') {
      const approved = input.approved[w.id]
      proposals[w.id] = withRedundancy(base, level)
      if (approved !== undefined) {
        base = baseOf(approved, level)
        reasons.push(`manual: applying the ${approved} replicas an admin approved`)
      } else {
        base = baseOf(mine.length, level)
        if (proposals[w.id] !== mine.length)
          reasons.push(`manual: proposes ${proposals[w.id]} replicas, waits for approval`)
      }
    }
    // FAILOVER: each replica on an unhealthy node follows the MDP policy of the strategy
    const policy = policyFor(s)
    const failover: WorkloadPlan['failover'] = []
    const avoid = new Set(s.placement_policy.avoid_nodes)
    let extra = 0
    const keep: string[] = []
    for (const r of mine) {
      const h = (nodeById.get(r.node)?.health ?? 'down') as Health
      const action: FailoverAction = h === 'down' ? 'migrate' : policy.policy[h]
      if (h !== 'up') failover.push({ node: r.node, health: h, action })
      if (action === 'migrate') avoid.add(r.node)
      else keep.push(r.node)
      if (action === 'add_replica' && h !== 'up') extra++
    }
    const target = Math.max(withRedundancy(base, level) + extra, s.scaling_policy.min_replicas)
    if (target !== mine.length) reasons.push(`replicas ${mine.length} -> ${target}`)
    const affinity = s.placement_policy.geometric_affinity?.center ?? w.affinity
    demands.push({
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
      distinct: level !== 'none' || s.resilience_policy.failover_strategy === 'active_active',
      current: keep,
    })
    plans.push({
      workload: w.id,
      strategy: s.strategy_id,
      situation,
      method: scaled.method,
      forecast: scaled.forecast && {
        model: scaled.forecast.model,
        point: scaled.forecast.point,
        upper: scaled.forecast.upper,
        mase: scaled.forecast.backtest.find((b) => b.model === scaled.forecast?.model)?.mase ?? null,
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
    })
  }

  // OPTIMISE placement under the orchestration mode
  const problem: PlacementProblem = {
    nodes: input.nodes.map(placementNode),
    demands,
    weights: config.optimization_goals,
    kappa,
  }
  const placed = placeByMode(config.orchestration_mode, problem, config.routing.k_nearest, budget)
  const pairs = demands.reduce((a, d) => a + d.replicas, 0) * input.nodes.length
  const pareto = pairs <= PARETO_MAX_PAIRS && demands.length > 0 ? paretoFrontier(problem, budget).points : []

  // ACT (as a plan): diff each workload's replicas against its placement
  const graph = fleetGraph(input.nodes)
  const routable = (w: string) => (remaining: readonly string[]) => {
    if (!graph) return true
    const wl = input.workloads.find((x) => x.id === w)
    const from = wl?.affinity ?? input.nodes[0]?.coordinates
    if (!from) return true
    // clients enter at the node nearest the workload's affinity and must reach a replica's node greedily
    let entry = 0
    let best = Number.POSITIVE_INFINITY
    for (let i = 0; i < graph.slots; i++) {
      const d = graph.coords
        .slice(i * graph.dim, (i + 1) * graph.dim)
        .reduce((a, x, j) => a + (x - (from[j] ?? 0)) ** 2, 0)
      if (d < best) {
        best = d
        entry = i
      }
    }
    return remaining.some(
      (n) => greedyRoute(graph, entry, { node: graph.slot(n) }, budget).status === 'delivered',
    )
  }
  const targets = new Map<string, string[]>()
  for (const a of placed.placement.assignments)
    targets.set(a.workload, [...(targets.get(a.workload) ?? []), a.node])
  const actions: Action[] = []
  const replicas: Replica[] = []
  const changed: string[] = []
  for (const w of input.workloads) {
    const mine = byWorkload.get(w.id) ?? []
    const applied = applyPlacement(
      w.id,
      mine,
      targets.get(w.id) ?? [],
      nodeById,
      kappa,
      input.tick,
      routable(w.id),
    )
    actions.push(...applied.actions)
    replicas.push(...applied.replicas)
    if (applied.replicas.length !== mine.length) changed.push(w.id)
  }
  const doc: Omit<PlanDoc, 'plan_digest'> = {
    orchestrator: input.orchestrator,
    tick: input.tick,
    at: input.at,
    mode: config.orchestration_mode,
    inputs_digest: digestOf(input),
    workloads: plans,
    actions,
    objective: {
      J: placed.placement.J,
      terms: placed.placement.terms,
      method: placed.placement.method,
      ...(placed.placement.bound !== undefined && { bound: placed.placement.bound }),
    },
    unplaced: placed.placement.unplaced,
    pareto,
    ...(placed.regions && { regions: placed.regions }),
    transitions,
  }
  return { doc: { ...doc, plan_digest: digestOf(doc) }, replicas, changed, proposals }
}
