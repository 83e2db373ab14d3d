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
const EMBED_MARGIN = 0.05
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

/** Steps a placed node costs (arrays, a Möbius addition, trigonometry). */
export const PLACE_STEPS = 100

/** Steps planning costs: four graph traversals (components and three BFS). */
export const planSteps = (topo: Topology): number => 4 * (topo.slots + 2 * topo.edgeCount) * VISIT_STEPS

/** Steps embedTree takes: planning and ~100 steps per node placed. */
export const embedSteps = (topo: Topology): number => planSteps(topo) + PLACE_STEPS * topo.size

/**
 * The spanning tree an embedding places, in BFS order: everything placement needs of the graph, so a long
 * embedding can be stored with it and resumed after its object was evicted (the graph's adjacency order, and
 * so a recomputed BFS, may differ after a reload).
 */
export interface EmbedPlan {
  slots: number
  root: number
  /** Slot -> parent slot (the root is its own parent; -1 for removed slots). */
  parent: Int32Array
  /** Live slots in BFS order, the root first. */
  order: Int32Array
  depth: number
  /** The a-priori bound 2 ln(n) + 2 depth (ln(4/pi) + margin) the construction guarantees. */
  radius_bound: number
}

/** The shallower BFS spanning tree of a connected graph (throws `disconnected` otherwise). */
export function planEmbedding(topo: Topology): EmbedPlan {
  requireConnected(topo)
  const { root, parent, order, depth } = bfsTree(topo)
  const n = order.length
  return {
    slots: topo.slots,
    root,
    parent,
    order: Int32Array.from(order),
    depth,
    radius_bound: 2 * Math.log(n) + 2 * depth * (Math.log(4 / Math.PI) + EMBED_MARGIN),
  }
}

/** How far a placement got: children [0, child) of order[parent] are placed, and all children of earlier ones. */
export interface PlaceCursor {
  parent: number
  child: number
}

/**
 * Sarkar's placement along a plan's BFS order, resumable: `place(quota)` places up to `quota` more nodes and
 * returns their slots. Each node needs only its parent's point, its grandparent's point and its parent's half
 * edge length, all placed before it, so a resumed placement computes exactly what one pass computes.
 */
export class Placement {
  readonly plan: EmbedPlan
  /** Slot -> x, y (plane coordinates) of placed slots. */
  readonly xy: Float64Array
  /** Slot -> s = d(parent, v) / 2. */
  readonly halfLen: Float64Array
  readonly cursor: PlaceCursor = { parent: 0, child: 0 }
  maxRadius = 0
  placed = 1
  private readonly size: Float64Array
  private readonly children: number[][]

  constructor(plan: EmbedPlan) {
    this.plan = plan
    const { order, parent, slots } = plan
    const n = order.length
    this.size = new Float64Array(slots).fill(1)
    const size = this.size
    for (let h = n - 1; h > 0; h--) {
      const v = order[h] as number
      size[parent[v] as number] = (size[parent[v] as number] as number) + (size[v] as number)
    }
    this.children = Array.from({ length: slots }, () => [])
    for (let h = 1; h < n; h++)
      (this.children[parent[order[h] as number] as number] as number[]).push(order[h] as number)
    this.xy = new Float64Array(2 * slots)
    this.halfLen = new Float64Array(slots)
  }

  get nodes(): number {
    return this.plan.order.length
  }

  get done(): boolean {
    return this.cursor.parent >= this.nodes
  }

  point(i: number): number[] {
    return [this.xy[2 * i] as number, this.xy[2 * i + 1] as number]
  }

  /** Restores a stored state: the cursor, the largest radius so far and the placed nodes' points and half lengths. */
  resume(
    cursor: PlaceCursor,
    maxRadius: number,
    placed: Iterable<{ slot: number; x: number; y: number; half: number }>,
  ) {
    this.cursor.parent = cursor.parent
    this.cursor.child = cursor.child
    this.maxRadius = maxRadius
    this.placed = 0
    for (const p of placed) {
      this.xy[2 * p.slot] = p.x
      this.xy[2 * p.slot + 1] = p.y
      this.halfLen[p.slot] = p.half
      this.placed++
    }
  }

  /** Places up to `quota` more nodes (throws `embedding_precision` past the largest radius); returns their slots. */
  place(quota: number): number[] {
    const { order, parent, root, depth } = this.plan
    const { size, children, xy, halfLen } = this
    const out: number[] = []
    while (this.cursor.parent < order.length && out.length < quota) {
      const v = order[this.cursor.parent] as number
      const kids = children[v] as number[]
      if (kids.length === 0) {
        this.cursor.parent++
        continue
      }
      const pv = this.point(v)
      let start = 0
      let free = 2 * Math.PI
      if (v !== root) {
        const u = gyroDiff(pv, this.point(parent[v] as number))
        const capP = 2 * Math.atan(Math.exp(-(halfLen[v] as number)))
        start = Math.atan2(u[1] as number, u[0] as number) + capP
        free -= 2 * capP
      }
      const total = kids.reduce((s, c) => s + (size[c] as number), 0)
      // a resumed parent: the sectors of the children already placed, summed as one pass sums them
      for (let k = 0; k < this.cursor.child; k++)
        start += (free * (size[kids[k] as number] as number)) / total
      for (; this.cursor.child < kids.length && out.length < quota; this.cursor.child++) {
        const c = kids[this.cursor.child] as number
        const omega = (free * (size[c] as number)) / total
        const s = Math.max(-Math.log(Math.tan(Math.min(omega, Math.PI) / 4)), 0) + EMBED_MARGIN
        const phi = start + omega / 2
        start += omega
        halfLen[c] = s
        const r = Math.tanh(s) // the point at distance 2s from the origin
        const pc = mobiusAdd(pv, [r * Math.cos(phi), r * Math.sin(phi)])
        xy[2 * c] = pc[0] as number
        xy[2 * c + 1] = pc[1] as number
        const radius = distance([0, 0], pc)
        if (radius > MAX_EMBED_RADIUS)
          throw new TopologyError(
            'embedding_precision',
            `the spanning tree (n = ${order.length}, depth ${depth}) needs radius ${radius.toFixed(1)} > ${MAX_EMBED_RADIUS}, beyond what double precision separates`,
            {
              nodes: order.length,
              depth,
              radius_bound: this.plan.radius_bound,
              max_radius: MAX_EMBED_RADIUS,
            },
          )
        this.maxRadius = Math.max(this.maxRadius, radius)
        out.push(c)
        this.placed++
      }
      if (this.cursor.child >= kids.length) {
        this.cursor.parent++
        this.cursor.child = 0
      }
    }
    return out
  }

  /** The finished embedding, in embedTree's form. */
  result(): TreeEmbedding {
    const coords: (number[] | undefined)[] = new Array(this.plan.slots)
    for (const v of this.plan.order) coords[v] = this.point(v)
    const { root, parent, depth, radius_bound } = this.plan
    return { coords, root, parent, depth, max_radius: this.maxRadius, radius_bound }
  }
}

export function embedTree(topo: Topology): TreeEmbedding {
  const p = new Placement(planEmbedding(topo))
  p.place(Number.POSITIVE_INFINITY)
  return p.result()
}
