// A mutable graph of nodes with Poincaré coordinates, loads and undirected edges; flat arrays for fast scans.

import type { Boundary } from '../geometry/index.ts'
import { checkPoint, oneMinusNormSq } from '../geometry/index.ts'
import { TopologyError } from './errors.ts'

export interface NodeInput {
  id: string
  coords: readonly number[]
  load?: number | undefined
  region?: string | undefined
}

export class Topology {
  readonly dim: number
  /** Slot -> id; null for a removed node (slots are never reused, so indexes stay valid). */
  ids: (string | null)[] = []
  readonly index = new Map<string, number>()
  coords: Float64Array
  /** 1 - |x|^2 per slot, computed exactly once (the distance hot loop needs it). */
  room: Float64Array
  load: number[] = []
  region: (string | undefined)[] = []
  adj: number[][] = []
  edgeCount = 0

  constructor(dim: number, capacity = 16) {
    this.dim = dim
    this.coords = new Float64Array(capacity * dim)
    this.room = new Float64Array(capacity)
  }

  get size(): number {
    return this.index.size
  }

  get slots(): number {
    return this.ids.length
  }

  slot(id: string, pointer = ''): number {
    const i = this.index.get(id)
    if (i === undefined)
      throw new TopologyError('unknown_node', `unknown node id '${id}'`, { node: id, pointer })
    return i
  }

  point(i: number): number[] {
    return Array.from(this.coords.subarray(i * this.dim, (i + 1) * this.dim))
  }

  private grow(): void {
    const cap = Math.max(16, this.room.length * 2)
    const c = new Float64Array(cap * this.dim)
    c.set(this.coords)
    const r = new Float64Array(cap)
    r.set(this.room)
    this.coords = c
    this.room = r
  }

  addNode(n: NodeInput, boundary: Boundary = 'reject', pointer = ''): number {
    if (this.index.has(n.id))
      throw new TopologyError('duplicate_node', `duplicate node id '${n.id}'`, { node: n.id, pointer })
    const x = checkPoint(n.coords, this.dim, boundary, `${pointer}/coords`)
    const i = this.ids.length
    if (i >= this.room.length) this.grow()
    this.coords.set(x, i * this.dim)
    this.room[i] = oneMinusNormSq(x)
    this.ids.push(n.id)
    this.index.set(n.id, i)
    this.load.push(n.load ?? 0)
    this.region.push(n.region)
    this.adj.push([])
    return i
  }

  /** Appends a removed slot: reloading a stored topology keeps slot numbers stable across removals. */
  skipSlot(): void {
    if (this.ids.length >= this.room.length) this.grow()
    this.ids.push(null)
    this.load.push(0)
    this.region.push(undefined)
    this.adj.push([])
  }

  /** Moves a node (migration); its edges stay. */
  moveNode(i: number, coords: readonly number[], boundary: Boundary = 'reject', pointer = ''): void {
    const x = checkPoint(coords, this.dim, boundary, pointer)
    this.coords.set(x, i * this.dim)
    this.room[i] = oneMinusNormSq(x)
  }

  /** Removes a node and its edges; returns its former neighbours. */
  removeNode(i: number): number[] {
    return this.removeNodes([i])
  }

  /**
   * Removes nodes and their edges; returns their former neighbours (those still alive, each once). Every
   * affected adjacency list is filtered once: removing a hub's leaves one by one rescanned the hub's list
   * per leaf, O(leaves x degree).
   */
  removeNodes(slots: readonly number[]): number[] {
    const affected = new Set<number>()
    for (const i of slots) {
      const id = this.ids[i]
      if (id == null) continue
      for (const j of this.adj[i] as number[]) affected.add(j)
      this.ids[i] = null
      this.index.delete(id)
    }
    for (const i of slots) {
      // edges between two removed nodes are counted from both ends: count only those to live nodes, then
      // the edges among removed nodes once each
      for (const j of this.adj[i] as number[]) if (this.alive(j) || i < j) this.edgeCount--
      this.adj[i] = []
    }
    const former: number[] = []
    for (const j of affected) {
      if (!this.alive(j)) continue
      this.adj[j] = (this.adj[j] as number[]).filter((k) => this.alive(k))
      former.push(j)
    }
    return former
  }

  /** Is there an edge a-b? Scans the shorter adjacency list: a hub's list may hold every node. */
  hasEdge(a: number, b: number): boolean {
    const na = this.adj[a] as number[]
    const nb = this.adj[b] as number[]
    return na.length <= nb.length ? na.includes(b) : nb.includes(a)
  }

  /** Adds an undirected edge; false when it existed or is a self-loop. */
  addEdge(a: number, b: number): boolean {
    if (a === b || this.hasEdge(a, b)) return false
    this.link(a, b)
    return true
  }

  /** Adds an edge known to be new and not a loop (rows of a stored edge table, deduplicated input). */
  link(a: number, b: number): void {
    ;(this.adj[a] as number[]).push(b)
    ;(this.adj[b] as number[]).push(a)
    this.edgeCount++
  }

  removeEdge(a: number, b: number): boolean {
    return this.removeEdges([[a, b]]) === 1
  }

  /** Removes edges (missing ones are ignored); each affected adjacency list is filtered once. Returns how many went. */
  removeEdges(pairs: readonly (readonly [number, number])[]): number {
    const gone = new Map<number, Set<number>>()
    const mark = (a: number, b: number) => {
      const s = gone.get(a)
      if (s) s.add(b)
      else gone.set(a, new Set([b]))
    }
    for (const [a, b] of pairs)
      if (a !== b && !gone.get(a)?.has(b) && this.hasEdge(a, b)) {
        mark(a, b)
        mark(b, a)
      }
    let removed = 0
    for (const [a, s] of gone) {
      this.adj[a] = (this.adj[a] as number[]).filter((k) => !s.has(k))
      removed += s.size
    }
    this.edgeCount -= removed / 2
    return removed / 2
  }

  alive(i: number): boolean {
    return this.ids[i] != null
  }

  /** Connected components as a slot -> component label array (-1 for removed slots) and their sizes. */
  components(): { label: Int32Array; sizes: number[] } {
    const label = new Int32Array(this.slots).fill(-1)
    const sizes: number[] = []
    const stack: number[] = []
    for (let s = 0; s < this.slots; s++) {
      if (!this.alive(s) || label[s] !== -1) continue
      const c = sizes.length
      let n = 0
      label[s] = c
      stack.push(s)
      while (stack.length) {
        const v = stack.pop() as number
        n++
        for (const w of this.adj[v] as number[])
          if (label[w] === -1) {
            label[w] = c
            stack.push(w)
          }
      }
      sizes.push(n)
    }
    return { label, sizes }
  }
}

export interface TopologyInput {
  nodes: readonly NodeInput[]
  edges?: readonly (readonly [string, string])[] | undefined
}

/** Builds a topology from request data; every bad id or point is named with its JSON pointer. */
export function buildTopology(
  t: TopologyInput,
  boundary: Boundary = 'reject',
  pointer = '/topology',
  dimension?: number,
): Topology {
  const dim = dimension ?? t.nodes[0]?.coords.length ?? 2
  const topo = new Topology(dim, t.nodes.length)
  t.nodes.forEach((n, i) => {
    topo.addNode(n, boundary, `${pointer}/nodes/${i}`)
  })
  // duplicates are dropped through a set of edge keys: scanning adjacency lists for them cost O(degree)
  // per edge, seconds for a request repeating one hub-to-hub edge
  const seen = new Set<number>()
  const n = topo.slots
  for (const [k, [a, b]] of (t.edges ?? []).entries()) {
    const x = topo.slot(a, `${pointer}/edges/${k}/0`)
    const y = topo.slot(b, `${pointer}/edges/${k}/1`)
    const key = x < y ? x * n + y : y * n + x
    if (x === y || seen.has(key)) continue
    seen.add(key)
    topo.link(x, y)
  }
  return topo
}

/** Throws `disconnected` naming the component sizes, when the graph is not connected. */
export function requireConnected(topo: Topology): void {
  const { sizes } = topo.components()
  if (sizes.length > 1) {
    const sorted = [...sizes].sort((a, b) => b - a)
    throw new TopologyError(
      'disconnected',
      `the graph has ${sizes.length} connected components (sizes ${sorted.slice(0, 5).join(', ')}${sizes.length > 5 ? ', ...' : ''}); it must be connected`,
      { components: sizes.length, component_sizes: sorted.slice(0, 20) },
    )
  }
}
