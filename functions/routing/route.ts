// The /v1/route decision: defaults from mom_config, policies from an orchestration_strategy, then one algorithm.
import type { MomConfig } from '../../schemas/mom-config.ts'
import { DEFAULT_MOM_CONFIG } from '../../schemas/mom-config.ts'
import type { OrchestrationStrategy, Situation } from '../../schemas/orchestration-strategy.ts'
import type { RouteRequest, RouteResult } from '../../schemas/routing.ts'
import { BudgetExceededError, type StepBudget } from '../budget/index.ts'
import { checkPoint, distance } from '../geometry/index.ts'
import { CPU_MS, distanceSteps, MAX_PATHS, routeBudget } from './budgets.ts'
import { TopologyError } from './errors.ts'
import { greedyRoute } from './greedy.ts'
import { kNearest } from './nearest.ts'
import { gradientFlow, multipath } from './paths.ts'
import type { Target } from './target.ts'
import type { Topology } from './topology.ts'

export type RouteQuery = Omit<RouteRequest, 'topology' | 'topology_name'>

/** Does the strategy's trigger match the situation? No situation: the strategy always applies. */
function strategyApplies(s: OrchestrationStrategy, now?: Situation): boolean {
  if (!now) return true
  const t = s.trigger_conditions
  if (t.workload_types && (!now.workload_type || !t.workload_types.includes(now.workload_type))) return false
  if (t.resource_pressure && (!now.resource_pressure || !t.resource_pressure.includes(now.resource_pressure)))
    return false
  return t.anomaly_flags.every((f) => now.anomaly_flags.includes(f))
}

const REDUNDANCY_PATHS = { none: 1, n_plus_1: 2, n_plus_2: 3, quorum: 3 } as const

/** Refuses more than MAX_PATHS multipath paths; shells call it before building or loading a topology. */
export function checkPathCount(algorithm: string, k: number | undefined): void {
  if (algorithm === 'multipath_hyperbolic' && k !== undefined && k > MAX_PATHS)
    throw new BudgetExceededError(
      'route_paths',
      MAX_PATHS,
      'paths',
      CPU_MS.route,
      `multipath_hyperbolic finds at most ${MAX_PATHS} paths per request (k = ${k}); each path is a search of the graph`,
    )
}

/** One routing decision within `budget` (default: the route_steps budget); exceeding it throws BudgetExceededError. */
export function route(topo: Topology, q: RouteQuery, budget: StepBudget = routeBudget()): RouteResult {
  const cfg: MomConfig = q.config ?? DEFAULT_MOM_CONFIG
  const kappa = q.kappa ?? cfg.geometry.curvature
  const boundary = q.boundary ?? cfg.geometry.boundary
  const strategy = q.strategy && strategyApplies(q.strategy, q.situation) ? q.strategy : undefined
  const scale = 1 / Math.sqrt(kappa)
  const names = (p: number[]) => p.map((i) => topo.ids[i] as string)
  const target: Target =
    'node' in q.target
      ? { node: topo.slot(q.target.node, '/target/node') }
      : { point: checkPoint(q.target.point, topo.dim, boundary, '/target/point') }
  const base = { kappa, strategy_applied: strategy !== undefined }
  const report = new StrategyReport(strategy)

  if (topo.edgeCount === 0) {
    const point = 'node' in target ? topo.point(target.node) : target.point
    const sp = strategy?.scaling_policy
    const k = q.k ?? (sp ? Math.min(Math.max(1, sp.min_replicas), sp.max_replicas) : cfg.routing.k_nearest)
    const { accept, preferred } = placementFilter(topo, strategy, kappa, boundary, budget)
    report.placement(true)
    if (q.k === undefined) report.applied('scaling_policy')
    else report.skip('scaling_policy', 'the request gives `k`, which takes precedence over min_replicas')
    report.skip('resilience_policy.redundancy_level', 'k-nearest returns nodes, not paths to spread over')
    // preferred regions first; when they hold fewer than k acceptable nodes, the nearest others fill up
    let found = kNearest(topo, point, k, (i) => accept(i) && (!preferred || preferred(i)), budget)
    if (preferred && found.length < k)
      found = [
        ...found,
        ...kNearest(topo, point, k - found.length, (i) => accept(i) && !preferred(i), budget),
      ]
    return {
      mode: 'k_nearest',
      ...base,
      ...report.done(),
      nearest: found.map((f) => ({ id: topo.ids[f.node] as string, distance: f.distance * scale })),
    }
  }

  if (q.source === undefined)
    throw new TopologyError('source_required', 'the topology has edges: name a `source` node to route from', {
      pointer: '/source',
    })
  const src = topo.slot(q.source, '/source')
  const algorithm = q.algorithm ?? cfg.geometry.routing_algorithm
  report.skip('scaling_policy', "a route is one path (or k paths); replica counts are the orchestrator's")
  const avoid = avoidMask(topo, strategy)
  const avoided = (i: number) => avoid?.[i] === 1
  if (avoided(src)) report.skip('placement_policy.avoid_nodes', `the source '${q.source}' is itself avoided`)
  if (algorithm === 'greedy_forwarding') {
    if ('node' in target && avoided(target.node))
      report.skip('placement_policy.avoid_nodes', 'the target node is itself avoided')
    report.placement(false, 'greedy forwarding routes to the given target; no node is chosen by placement')
    if (strategy && strategy.resilience_policy.redundancy_level !== 'none')
      report.skip(
        'resilience_policy.redundancy_level',
        'greedy forwarding finds one path; use multipath_hyperbolic',
      )
    const r = greedyRoute(topo, src, target, budget, avoid)
    return {
      mode: algorithm,
      ...base,
      ...report.done(),
      greedy: {
        status: r.status,
        path: names(r.path),
        hops: r.path.length - 1,
        remaining_distance: r.remaining * scale,
        ...(r.status === 'local_minimum' && { stuck_at: topo.ids[r.path.at(-1) as number] as string }),
      },
    }
  }
  // cost-aware algorithms route to a node: a point target means the nearest node the placement policy allows
  let dst: number
  if ('node' in target) {
    dst = target.node
    if (avoided(dst)) report.skip('placement_policy.avoid_nodes', 'the target node is itself avoided')
    report.placement(
      false,
      'the target is a named node; placement constraints choose a node only for a point target',
    )
  } else {
    const { accept, preferred } = placementFilter(topo, strategy, kappa, boundary, budget)
    const pick = (f: (i: number) => boolean) => kNearest(topo, target.point, 1, f, budget)[0]?.node
    const chosen = (preferred && pick((i) => accept(i) && preferred(i))) ?? pick(accept) ?? undefined
    if (chosen === undefined)
      throw new TopologyError('no_allowed_node', "no node satisfies the strategy's placement policy", {
        pointer: '/strategy/placement_policy',
      })
    dst = chosen
    report.placement(true)
  }
  const unreachable = () =>
    new TopologyError(
      'disconnected',
      avoid
        ? `'${q.source}' and '${topo.ids[dst]}' are in different components once the avoided nodes are left out`
        : `'${q.source}' and '${topo.ids[dst]}' are in different components`,
      { source: q.source, target: topo.ids[dst] },
    )
  if (algorithm === 'multipath_hyperbolic') {
    const redundancy = strategy && REDUNDANCY_PATHS[strategy.resilience_policy.redundancy_level]
    const k = q.k ?? redundancy ?? cfg.routing.k_paths
    if (strategy)
      if (q.k === undefined) report.applied('resilience_policy.redundancy_level')
      else report.skip('resilience_policy.redundancy_level', 'the request gives `k`, which takes precedence')
    checkPathCount(algorithm, k)
    const m = multipath(topo, src, dst, k, cfg.routing.path_penalty, budget, avoid)
    if (!m) throw unreachable()
    return {
      mode: algorithm,
      ...base,
      ...report.done(),
      paths: m.paths.map((p) => ({
        path: names(p.path),
        hops: p.path.length - 1,
        length: p.length * scale,
        share: p.share,
      })),
      max_edge_share: m.max_edge_share,
    }
  }
  // gradient_flow: performance weighs distance, the other goals weigh load
  if (strategy && strategy.resilience_policy.redundancy_level !== 'none')
    report.skip(
      'resilience_policy.redundancy_level',
      'gradient flow finds one path; use multipath_hyperbolic',
    )
  const g = cfg.optimization_goals
  const f = gradientFlow(
    topo,
    src,
    dst,
    (1 - g.performance) * cfg.routing.load_weight,
    g.performance * scale,
    budget,
    avoid,
  )
  if (!f) throw unreachable()
  return {
    mode: algorithm,
    ...base,
    ...report.done(),
    flow: { path: names(f.path), hops: f.path.length - 1, length: f.length * scale, cost: f.cost },
  }
}

/** Avoided nodes as a per-slot mask (ids not in the topology avoid nothing); undefined when none are. */
function avoidMask(topo: Topology, s: OrchestrationStrategy | undefined): Uint8Array | undefined {
  const ids = s?.placement_policy.avoid_nodes ?? []
  if (!ids.length) return undefined
  const mask = new Uint8Array(topo.slots)
  for (const id of ids) {
    const i = topo.index.get(id)
    if (i !== undefined) mask[i] = 1
  }
  return mask
}

type PlacementField =
  | 'placement_policy.avoid_nodes'
  | 'placement_policy.geometric_affinity'
  | 'placement_policy.preferred_regions'
  | 'placement_policy.locality_constraints'

/**
 * Which strategy fields this answer honoured and which it could not, with why: the answer must never claim a
 * policy it did not apply. Fields left at their empty defaults are not listed (they constrain nothing).
 */
class StrategyReport {
  private readonly s: OrchestrationStrategy | undefined
  private readonly ok = new Set<string>()
  private readonly not = new Map<string, string>()

  constructor(s: OrchestrationStrategy | undefined) {
    this.s = s
  }

  applied(field: string): void {
    if (this.s && !this.not.has(field)) this.ok.add(field)
  }

  skip(field: string, reason: string): void {
    if (!this.s) return
    this.ok.delete(field)
    if (!this.not.has(field)) this.not.set(field, reason)
  }

  /** The placement fields that are set: applied (nodes were chosen by them) or skipped with `reason`. */
  placement(applied: boolean, reason = ''): void {
    const p = this.s?.placement_policy
    if (!p) return
    const set: [PlacementField, boolean][] = [
      ['placement_policy.avoid_nodes', p.avoid_nodes.length > 0],
      ['placement_policy.geometric_affinity', p.geometric_affinity !== undefined],
      ['placement_policy.preferred_regions', p.preferred_regions.length > 0],
      ['placement_policy.locality_constraints', p.locality_constraints.length > 0],
    ]
    for (const [field, on] of set) {
      if (!on) continue
      // avoid_nodes also holds on every path: no avoided node is ever a hop
      if (applied || field === 'placement_policy.avoid_nodes') this.applied(field)
      else this.skip(field, reason)
    }
  }

  done(): { strategy_fields?: { applied: string[]; not_applied: { field: string; reason: string }[] } } {
    if (!this.s) return {}
    if (this.s.resilience_policy.failover_strategy)
      this.skip(
        'resilience_policy.failover_strategy',
        "failover is the orchestrator's decision (its MDP), not a route's",
      )
    return {
      strategy_fields: {
        applied: [...this.ok].sort(),
        not_applied: [...this.not].map(([field, reason]) => ({ field, reason })),
      },
    }
  }
}

/** Placement policy as predicates: hard constraints (`accept`) and the preferred regions. */
function placementFilter(
  topo: Topology,
  s: OrchestrationStrategy | undefined,
  kappa: number,
  boundary: 'reject' | 'project',
  budget: StepBudget,
): { accept: (i: number) => boolean; preferred?: (i: number) => boolean } {
  if (!s) return { accept: () => true }
  const p = s.placement_policy
  const avoid = new Set(p.avoid_nodes)
  const ptr = '/strategy/placement_policy'
  const aff = p.geometric_affinity
  const center = aff && checkPoint(aff.center, topo.dim, boundary, `${ptr}/geometric_affinity/center`)
  const near = p.locality_constraints.map((c, i) => ({
    at: topo.point(topo.slot(c.near, `${ptr}/locality_constraints/${i}/near`)),
    max: c.max_distance,
  }))
  const perCheck = distanceSteps(topo.dim) * (near.length + (center ? 1 : 0))
  const accept = (i: number) => {
    budget.spend(perCheck)
    if (avoid.has(topo.ids[i] as string)) return false
    const x = topo.point(i)
    if (center && aff && distance(x, center, kappa) > aff.max_distance) return false
    return near.every((c) => distance(x, c.at, kappa) <= c.max)
  }
  const regions = new Set(p.preferred_regions)
  return regions.size ? { accept, preferred: (i) => regions.has(topo.region[i] ?? '') } : { accept }
}
