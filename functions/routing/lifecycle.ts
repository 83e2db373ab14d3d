// Geometric lifecycle: spawn (from a parent or affinities), migrate (geodesic waypoints), terminate (and check routes).

import type { StepBudget } from '../budget/index.ts'
import { distance, expMap, frechetMean, oneMinusNormSq, type Point, waypoints } from '../geometry/index.ts'
import { checkAnswerSize, VISIT_STEPS } from './budgets.ts'
import { samplePairs } from './evaluate.ts'
import { greedyRoute } from './greedy.ts'
import type { Topology } from './topology.ts'

/**
 * A child at hyperbolic distance `dist` (curvature -kappa) from its parent, along `direction` (Euclidean,
 * any length) or, by default, straight away from the origin: children sit further out, as in a hierarchy.
 */
export function spawnFromParent(
  parent: Point,
  dist: number,
  kappa: number,
  direction?: readonly number[],
): number[] {
  let dir = direction ? [...direction] : [...parent]
  let n = Math.hypot(...dir)
  if (n === 0) {
    dir = parent.map((_, i) => (i === 0 ? 1 : 0))
    n = 1
  }
  // Riemannian length of v at x is 2|v| / (1 - |x|^2) for kappa = 1; curvature -kappa divides lengths by sqrt(kappa)
  const euclid = (dist * Math.sqrt(kappa) * oneMinusNormSq(parent)) / 2
  return expMap(
    parent,
    dir.map((v) => (v / n) * euclid),
  )
}

/** The weighted Fréchet mean of the affinities: the point minimising sum w_i d(x, a_i)^2. */
export const spawnFromAffinities = (
  points: readonly Point[],
  weights: readonly number[],
  budget?: StepBudget,
): number[] => frechetMean(points, weights, { budget })

export interface Migration {
  waypoints: number[][]
  distance: number
  step: number
}

export function migrate(from: Point, to: Point, steps: number, kappa: number): Migration {
  checkAnswerSize('the migration', (steps + 1) * from.length)
  const d = distance(from, to, kappa)
  return { waypoints: waypoints(from, to, steps), distance: d, step: d / steps }
}

export interface TerminationReport {
  connected: boolean
  components: number
  /** Greedy routes checked: every ordered pair of former neighbours, plus a sample of other pairs. */
  checked: number
  failed: number
  failures: { source: string; target: string; stuck_at: string; reason: 'disconnected' | 'local_minimum' }[]
  routes_ok: boolean
  why: string
}

/** Call after removing a node: do greedy routes between its former neighbours (and a sample) still deliver? */
export function terminationReport(
  topo: Topology,
  formerNeighbours: readonly number[],
  sample = 200,
  budget?: StepBudget,
): TerminationReport {
  budget?.spend((topo.slots + 2 * topo.edgeCount) * VISIT_STEPS)
  const { label, sizes } = topo.components()
  const nb = formerNeighbours.slice(0, 40)
  const pairs: [number, number][] = []
  for (const s of nb) for (const t of nb) if (s !== t) pairs.push([s, t])
  pairs.push(...samplePairs(topo, sample, 7))
  const failures: TerminationReport['failures'] = []
  for (const [s, t] of pairs) {
    const r = greedyRoute(topo, s, { node: t }, budget)
    if (r.status === 'delivered') continue
    failures.push({
      source: topo.ids[s] as string,
      target: topo.ids[t] as string,
      stuck_at: topo.ids[r.path.at(-1) as number] as string,
      reason: label[s] !== label[t] ? 'disconnected' : 'local_minimum',
    })
  }
  const disconnected = failures.some((f) => f.reason === 'disconnected')
  const why =
    failures.length === 0
      ? 'every checked greedy route still delivers'
      : disconnected
        ? `removing the node split the graph into ${sizes.length} components: no route can cross between them`
        : 'greedy routing now stops at local minima for some pairs; gradient_flow and multipath_hyperbolic still deliver, or re-embed the topology (POST /v1/embed) to restore greedy delivery'
  return {
    connected: sizes.length <= 1,
    components: sizes.length,
    checked: pairs.length,
    failed: failures.length,
    failures: failures.slice(0, 20),
    routes_ok: failures.length === 0,
    why,
  }
}
