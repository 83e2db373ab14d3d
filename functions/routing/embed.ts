// A greedy embedding of a spanning tree in the hyperbolic plane (Sarkar's construction, cone widths by subtree size).
//
// Every tree edge (v, c) gets a cap: the half-plane of points closer to c than to v. Seen from v it spans
// the half-angle Pi(s) = 2 atan(e^-s), s = d(v, c) / 2. Sarkar's argument: if at every node the caps of its
// tree neighbours are pairwise disjoint, each subtree lies inside its cap, so from any node a tree neighbour
// is strictly closer to any target: greedy routing succeeds on the tree, and so on any graph containing it
// (Kleinberg 2007). Giving each child an angular sector proportional to its subtree size makes the radius
// of every node at most 2 ln(n) + 2 depth (ln(4/pi) + margin), so depth alone does not exhaust precision.
import { distance, gyroDiff, mobiusAdd } from '../geometry/index.ts'
import { VISIT_STEPS } from './budgets.ts'
import { TopologyError } from './errors.ts'
import { requireConnected, type Topology } from './topology.ts'

/** Extra half-length per edge beyond the minimum that separates the caps (hyperbolic units). */
export const EMBED_MARGIN = 0.05
/** Largest radius (distance from the origin) we place nodes at: 1 - |x| is then above 1e-13, so doubles still separate neighbours. */
export const MAX_EMBED_RADIUS = 30

export interface TreeEmbedding {
  /** Slot -> coordinates in the plane (dimension 2), for live slots. */
  coords: (number[] | undefined)[]
  root: number
  parent: Int32Array
  depth: number
  /** Largest hyperbolic distance from the origin among the placed nodes. */
  max_radius: number
  /** The a-priori bound 2 ln(n) + 2 depth (ln(4/pi) + margin) the construction guarantees. */
  radius_bound: number
}

/** BFS tree from `root`: parents, BFS order, depth. */
function bfsFrom(topo: Topology, root: number) {
  const parent = new Int32Array(topo.slots).fill(-1)
  const depthOf = new Int32Array(topo.slots)
  const order = [root]
  parent[root] = root
  for (let h = 0; h < order.length; h++) {
    const v = order[h] as number
    for (const w of topo.adj[v] as number[])
      if (parent[w] === -1) {
        parent[w] = v
        depthOf[w] = (depthOf[v] as number) + 1
        order.push(w)
      }
  }
  return { root, parent, order, depth: depthOf[order.at(-1) as number] as number }
}

/**
 * The shallower of two BFS trees: from the highest-degree node (best for scale-free graphs) and from
 * the middle of a double-sweep diameter path (best for long, thin graphs). Depth drives the radius bound.
 */
function bfsTree(topo: Topology) {
  let hub = -1
  for (let i = 0; i < topo.slots; i++)
    if (topo.alive(i) && (hub < 0 || (topo.adj[i] as number[]).length > (topo.adj[hub] as number[]).length))
      hub = i
  const fromHub = bfsFrom(topo, hub)
  const a = bfsFrom(topo, fromHub.order.at(-1) as number)
  const path = [a.order.at(-1) as number]
  while (path.at(-1) !== a.root) path.push(a.parent[path.at(-1) as number] as number)
  const fromCentre = bfsFrom(topo, path[path.length >> 1] as number)
  return fromCentre.depth < fromHub.depth ? fromCentre : fromHub
}

/** Steps embedTree takes: four graph traversals (components and three BFS) and ~100 steps per node placed (arrays, Möbius additions, trigonometry). */
export const embedSteps = (topo: Topology): number =>
  4 * (topo.slots + 2 * topo.edgeCount) * VISIT_STEPS + 100 * topo.size

export function embedTree(topo: Topology): TreeEmbedding {
  requireConnected(topo)
  const { root, parent, order, depth } = bfsTree(topo)
  const n = order.length
  const size = new Float64Array(topo.slots).fill(1)
  for (let h = n - 1; h > 0; h--) {
    const v = order[h] as number
    size[parent[v] as number] = (size[parent[v] as number] as number) + (size[v] as number)
  }
  const children: number[][] = Array.from({ length: topo.slots }, () => [])
  for (let h = 1; h < n; h++)
    (children[parent[order[h] as number] as number] as number[]).push(order[h] as number)

  const radiusBound = 2 * Math.log(n) + 2 * depth * (Math.log(4 / Math.PI) + EMBED_MARGIN)
  const coords: (number[] | undefined)[] = new Array(topo.slots)
  const halfLen = new Float64Array(topo.slots) // s = d(parent, v) / 2
  coords[root] = [0, 0]
  let maxRadius = 0
  for (const v of order) {
    const kids = children[v] as number[]
    if (kids.length === 0) continue
    const pv = coords[v] as number[]
    let start = 0
    let free = 2 * Math.PI
    if (v !== root) {
      const u = gyroDiff(pv, coords[parent[v] as number] as number[])
      const capP = 2 * Math.atan(Math.exp(-(halfLen[v] as number)))
      start = Math.atan2(u[1] as number, u[0] as number) + capP
      free -= 2 * capP
    }
    const total = kids.reduce((s, c) => s + (size[c] as number), 0)
    for (const c of kids) {
      const omega = (free * (size[c] as number)) / total
      const s = Math.max(-Math.log(Math.tan(Math.min(omega, Math.PI) / 4)), 0) + EMBED_MARGIN
      const phi = start + omega / 2
      start += omega
      halfLen[c] = s
      const r = Math.tanh(s) // the point at distance 2s from the origin
      coords[c] = mobiusAdd(pv, [r * Math.cos(phi), r * Math.sin(phi)])
      const radius = distance([0, 0], coords[c] as number[])
      if (radius > MAX_EMBED_RADIUS)
        throw new TopologyError(
          'embedding_precision',
          `the spanning tree (n = ${n}, depth ${depth}) needs radius ${radius.toFixed(1)} > ${MAX_EMBED_RADIUS}, beyond what double precision separates`,
          { nodes: n, depth, radius_bound: radiusBound, max_radius: MAX_EMBED_RADIUS },
        )
      maxRadius = Math.max(maxRadius, radius)
    }
  }
  return { coords, root, parent, depth, max_radius: maxRadius, radius_bound: radiusBound }
}
