// Greedy forwarding: every hop goes to the neighbour closest to the target, until delivery or a local minimum.
import type { StepBudget } from '../budget/index.ts'
import { distanceSteps } from './budgets.ts'
import { type Target, TargetField } from './target.ts'
import type { Topology } from './topology.ts'

type GreedyStatus = 'delivered' | 'arrived' | 'local_minimum'

export interface GreedyResult {
  /** delivered: reached the target node; arrived: reached a node no neighbour of which is closer to the target point; local_minimum: stuck before the target node. */
  status: GreedyStatus
  path: number[]
  /** Distance (curvature -1) from the last node of the path to the target. */
  remaining: number
}

/**
 * Each hop spends one distance per neighbour scanned from `budget` (no budget: unbounded, for tests and benches).
 * `avoid[v]` set: v is never a hop (the target node itself excepted), so greedy may stop at a local minimum.
 */
export function greedyRoute(
  topo: Topology,
  src: number,
  target: Target,
  budget?: StepBudget,
  avoid?: Uint8Array,
): GreedyResult {
  const field = new TargetField(topo, target)
  const perDistance = distanceSteps(topo.dim)
  const goal = 'node' in target ? target.node : -1
  const path = [src]
  let v = src
  let k = field.key(v)
  // strictly decreasing keys: no node repeats, so at most `slots` hops
  while (v !== goal) {
    let best = -1
    let bestKey = k
    const ns = topo.adj[v] as number[]
    budget?.spend(ns.length * perDistance)
    for (const w of ns) {
      if (avoid?.[w] && w !== goal) continue
      const kw = w === goal ? -1 : field.key(w)
      if (kw < bestKey) {
        best = w
        bestKey = kw
      }
    }
    if (best < 0) break
    v = best
    k = bestKey
    path.push(v)
  }
  const status: GreedyStatus = v === goal ? 'delivered' : goal < 0 ? 'arrived' : 'local_minimum'
  return { status, path, remaining: v === goal ? 0 : field.distance(v) }
}
