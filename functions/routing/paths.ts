// Cost-aware paths: multipath_hyperbolic (k penalised A* paths, load spread) and gradient_flow (cost-to-go descent).
import type { StepBudget } from '../budget/index.ts'
import { distanceSteps, FILL_STEPS, SEARCH_STEPS } from './budgets.ts'
import { MinHeap } from './heap.ts'
import { nodeDistance, TargetField } from './target.ts'
import type { Topology } from './topology.ts'

interface CostedPath {
  path: number[]
  /** Hyperbolic length (curvature -1): the sum of the edges' geodesic lengths. */
  length: number
}

/**
 * A* from src to dst with edge cost d(u, v) * (1 + penalty(u, v)); the heuristic d(v, dst) is admissible
 * because every cost is at least the edge's geodesic length (triangle inequality).
 */
function astar(
  topo: Topology,
  src: number,
  dst: number,
  penalty: (u: number, v: number) => number,
  budget?: StepBudget,
  avoid?: Uint8Array,
): number[] | null {
  const field = new TargetField(topo, { node: dst })
  const perDistance = SEARCH_STEPS * distanceSteps(topo.dim)
  // per-slot typed arrays, not maps: several times faster on 200,000 nodes, and a fill is a memset
  budget?.spend(topo.slots * FILL_STEPS)
  const g = new Float64Array(topo.slots).fill(Number.POSITIVE_INFINITY)
  const prev = new Int32Array(topo.slots)
  const done = new Uint8Array(topo.slots)
  g[src] = 0
  const open = new MinHeap()
  open.push(field.distance(src), src)
  while (open.size) {
    const v = open.pop()
    if (done[v]) continue
    if (v === dst) break
    done[v] = 1
    const gv = g[v] as number
    const ns = topo.adj[v] as number[]
    // every neighbour costs an edge length, every improvement a heuristic distance and a heap push
    budget?.spend(1 + ns.length * perDistance)
    for (const w of ns) {
      if (done[w] || (avoid?.[w] && w !== dst)) continue
      const cost = gv + nodeDistance(topo, v, w) * (1 + penalty(v, w))
      if (cost < (g[w] as number)) {
        g[w] = cost
        prev[w] = v
        budget?.spend(perDistance)
        open.push(cost + field.distance(w), w)
      }
    }
  }
  if (g[dst] === Number.POSITIVE_INFINITY) return null
  const path = [dst]
  while ((path.at(-1) as number) !== src) path.push(prev[path.at(-1) as number] as number)
  return path.reverse()
}

const pathLength = (topo: Topology, p: number[]) =>
  p.reduce((s, v, i) => (i === 0 ? 0 : s + nodeDistance(topo, p[i - 1] as number, v)), 0)

export interface Multipath {
  paths: (CostedPath & { share: number })[]
  /** The largest fraction of the traffic any one edge carries (1 for a single path). */
  max_edge_share: number
}

/**
 * Up to k distinct paths: each round runs A* with every edge already used penalised by `penalty` per use,
 * so later paths avoid earlier ones where the graph allows. Traffic is spread in inverse proportion to
 * path length. Fewer than k paths come back when the graph has no more distinct ones within 4k rounds.
 */
export function multipath(
  topo: Topology,
  src: number,
  dst: number,
  k: number,
  penalty = 1,
  budget?: StepBudget,
  avoid?: Uint8Array,
): Multipath | null {
  const uses = new Map<number, number>()
  const edgeKey = (u: number, v: number) => (u < v ? u * topo.slots + v : v * topo.slots + u)
  const found: CostedPath[] = []
  const seen = new Set<string>()
  for (let round = 0; round < 4 * k && found.length < k; round++) {
    const p = astar(
      topo,
      src,
      dst,
      (u, v) => penalty * (uses.get(edgeKey(u, v)) ?? 0) * (1 + round / k),
      budget,
      avoid,
    )
    if (!p) return null
    for (let i = 1; i < p.length; i++) {
      const e = edgeKey(p[i - 1] as number, p[i] as number)
      uses.set(e, (uses.get(e) ?? 0) + 1)
    }
    const sig = p.join(',')
    if (seen.has(sig)) continue
    seen.add(sig)
    found.push({ path: p, length: pathLength(topo, p) })
  }
  const inv = found.map((p) => 1 / Math.max(p.length, 1e-12))
  const total = inv.reduce((a, b) => a + b, 0)
  const paths = found.map((p, i) => ({ ...p, share: (inv[i] as number) / total }))
  const edgeShare = new Map<number, number>()
  for (const p of paths)
    for (let i = 1; i < p.path.length; i++) {
      const e = edgeKey(p.path[i - 1] as number, p.path[i] as number)
      edgeShare.set(e, (edgeShare.get(e) ?? 0) + p.share)
    }
  return { paths, max_edge_share: Math.max(0, ...edgeShare.values()) }
}

export interface FlowPath extends CostedPath {
  /** The cost-to-go potential at the source: sum of d(u, v) + load_weight * load(v) along the path. */
  cost: number
}

/**
 * gradient_flow: the potential V(v) = least cost from v to dst, where entering node w over edge (v, w)
 * costs distWeight * d(v, w) + loadWeight * load(w), is computed by Dijkstra from dst; the route then follows the
 * steepest descent of V (each hop to the neighbour minimising edge cost + V), the discrete gradient flow
 * of the cost field. It reaches dst from anywhere in dst's component; null when src is not there.
 */
export function gradientFlow(
  topo: Topology,
  src: number,
  dst: number,
  loadWeight: number,
  distWeight = 1,
  budget?: StepBudget,
  avoid?: Uint8Array,
): FlowPath | null {
  const perDistance = SEARCH_STEPS * distanceSteps(topo.dim)
  const enter = (v: number, w: number) =>
    distWeight * nodeDistance(topo, v, w) + loadWeight * (topo.load[w] as number)
  budget?.spend(topo.slots * FILL_STEPS)
  const V = new Float64Array(topo.slots).fill(Number.POSITIVE_INFINITY)
  V[dst] = 0
  // the neighbour each node descends to: the argmin of (hop cost + V) as Dijkstra settles it, so ties
  // (zero-cost hops when distance has no weight) still lead to dst instead of wandering
  const down = new Int32Array(topo.slots)
  const done = new Uint8Array(topo.slots)
  const open = new MinHeap()
  open.push(0, dst)
  while (open.size) {
    const v = open.pop()
    if (done[v]) continue
    done[v] = 1
    if (v === src) break
    const vv = V[v] as number
    const ns = topo.adj[v] as number[]
    budget?.spend(1 + ns.length * perDistance)
    for (const w of ns) {
      // an avoided node never carries the flow; the source may be one (it is where the flow starts)
      if (done[w] || (avoid?.[w] && w !== src)) continue
      const c = vv + enter(w, v) // cost of the hop w -> v
      if (c < (V[w] as number)) {
        V[w] = c
        down[w] = v
        open.push(c, w)
      }
    }
  }
  if (!done[src]) return null
  const path = [src]
  while ((path.at(-1) as number) !== dst) path.push(down[path.at(-1) as number] as number)
  return { path, length: pathLength(topo, path), cost: V[src] as number }
}
