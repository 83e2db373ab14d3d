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

  if (topo.edgeCount === 0) {
    const point = 'node' in target ? topo.point(target.node) : target.point
    const sp = strategy?.scaling_policy
    const k = q.k ?? (sp ? Math.min(Math.max(1, sp.min_replicas), sp.max_replicas) : cfg.routing.k_nearest)
    const { accept, preferred } = placementFilter(topo, strategy, kappa, boundary, budget)
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
      nearest: found.map((f) => ({ id: topo.ids[f.node] as string, distance: f.distance * scale })),
    }
  }

  if (q.source === undefined)
    throw new TopologyError('source_required', 'the topology has edges: name a `source` node to route from', {
      pointer: '/source',
    })
  const src = topo.slot(q.source, '/source')
  const algorithm = q.algorithm ?? cfg.geometry.routing_algorithm
  if (algorithm === 'greedy_forwarding') {
    const r = greedyRoute(topo, src, target, budget)
    return {
      mode: algorithm,
      ...base,
      greedy: {
        status: r.status,
        path: names(r.path),
        hops: r.path.length - 1,
        remaining_distance: r.remaining * scale,
        ...(r.status === 'local_minimum' && { stuck_at: topo.ids[r.path.at(-1) as number] as string }),
      },
    }
  }
  // cost-aware algorithms route to a node: a point target means its nearest node
  const dst =
    'node' in target ? target.node : (kNearest(topo, target.point, 1, undefined, budget)[0]?.node as number)
  const unreachable = () =>
    new TopologyError('disconnected', `'${q.source}' and '${topo.ids[dst]}' are in different components`, {
      source: q.source,
      target: topo.ids[dst],
    })
  if (algorithm === 'multipath_hyperbolic') {
    const redundancy = strategy && REDUNDANCY_PATHS[strategy.resilience_policy.redundancy_level]
    const k = q.k ?? redundancy ?? cfg.routing.k_paths
    checkPathCount(algorithm, k)
    const m = multipath(topo, src, dst, k, cfg.routing.path_penalty, budget)
    if (!m) throw unreachable()
    return {
      mode: algorithm,
      ...base,
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
  const g = cfg.optimization_goals
  const f = gradientFlow(
    topo,
    src,
    dst,
    (1 - g.performance) * cfg.routing.load_weight,
    g.performance * scale,
    budget,
  )
  if (!f) throw unreachable()
  return {
    mode: algorithm,
    ...base,
    flow: { path: names(f.path), hops: f.path.length - 1, length: f.length * scale, cost: f.cost },
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
