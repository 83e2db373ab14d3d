// Congestion games in flat arrays: edge latencies, the compiled graph and the shortest-path search the
// dynamics and the optimum share.
import { MinHeap } from '../routing/heap.ts'

/** BPR latency: free * (1 + alpha * (x / capacity)^beta); defaults alpha 0.15, beta 4. */
export interface CongestionEdge {
  from: number
  to: number
  free: number
  capacity: number
  alpha?: number
  beta?: number
}

/**
 * Polynomial latency a + b * x^power (power 1 by default: the linear a + b x of Pigou's and Braess's examples,
 * where a may be 0, which BPR cannot express).
 */
export interface PolynomialEdge {
  from: number
  to: number
  a: number
  b: number
  power?: number
}

export type GameEdge = CongestionEdge | PolynomialEdge

export interface CongestionGame {
  nodes: number
  edges: GameEdge[]
  /** Default true; undirected edges carry the load of both directions. */
  directed?: boolean
  /** Atomic agents with weight `demand` (default 1), each routing from `from` to `to` on one path. */
  agents: { id: string; from: number; to: number; demand?: number }[]
}

export type CongestionIssue = 'unknown_node' | 'duplicate_node' | 'disconnected' | 'invalid_edge'

export class CongestionError extends Error {
  override name = 'CongestionError'
  readonly issue: CongestionIssue
  readonly pointer: string
  constructor(issue: CongestionIssue, message: string, pointer: string) {
    super(message)
    this.issue = issue
    this.pointer = pointer
  }
}

/** The latency of one edge at load x. */
export function latency(e: GameEdge, x: number): number {
  if ('a' in e) return e.a + e.b * x ** (e.power ?? 1)
  return e.free * (1 + (e.alpha ?? 0.15) * (x / e.capacity) ** (e.beta ?? 4))
}

/** A game in flat arrays: l_e(x) = c0[e] + c1[e] * x^p[e], arcs in CSR form. */
export interface Compiled {
  n: number
  m: number
  c0: Float64Array
  c1: Float64Array
  p: Float64Array
  start: Int32Array
  arcEdge: Int32Array
  arcHead: Int32Array
  arcTail: Int32Array
  from: Int32Array
  to: Int32Array
  demand: Float64Array
}

export const lat = (c: Compiled, e: number, x: number): number =>
  (c.c0[e] as number) + (c.c1[e] as number) * x ** (c.p[e] as number)

export function compile(g: CongestionGame): Compiled {
  const n = g.nodes
  const m = g.edges.length
  const c0 = new Float64Array(m)
  const c1 = new Float64Array(m)
  const p = new Float64Array(m)
  const directed = g.directed ?? true
  const degree = new Int32Array(n + 1)
  const node = (v: number, at: string) => {
    if (!Number.isInteger(v) || v < 0 || v >= n)
      throw new CongestionError('unknown_node', `node ${v} is not in 0..${n - 1}`, at)
    return v
  }
  g.edges.forEach((e, i) => {
    const u = node(e.from, `/edges/${i}/from`)
    const v = node(e.to, `/edges/${i}/to`)
    const [a, b, q] =
      'a' in e
        ? [e.a, e.b, e.power ?? 1]
        : [e.free, (e.free * (e.alpha ?? 0.15)) / e.capacity ** (e.beta ?? 4), e.beta ?? 4]
    // non-negative, non-decreasing latencies: Dijkstra is exact and the potential argument holds
    if (!(a >= 0 && b >= 0 && q > 0 && Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(q)))
      throw new CongestionError(
        'invalid_edge',
        `edge ${i}: latency must be finite, non-negative and non-decreasing`,
        `/edges/${i}`,
      )
    c0[i] = a
    c1[i] = b
    p[i] = q
    ;(degree[u + 1] as number)++
    if (!directed) (degree[v + 1] as number)++
  })
  for (let v = 0; v < n; v++) (degree[v + 1] as number) += degree[v] as number
  const start = degree
  const fill = start.slice(0, n)
  const arcs = start[n] as number
  const arcEdge = new Int32Array(arcs)
  const arcHead = new Int32Array(arcs)
  const arcTail = new Int32Array(arcs)
  g.edges.forEach((e, i) => {
    const a = (fill[e.from] as number)++
    arcEdge[a] = i
    arcHead[a] = e.to
    arcTail[a] = e.from
    if (!directed) {
      const b = (fill[e.to] as number)++
      arcEdge[b] = i
      arcHead[b] = e.from
      arcTail[b] = e.to
    }
  })
  const from = new Int32Array(g.agents.length)
  const to = new Int32Array(g.agents.length)
  const demand = new Float64Array(g.agents.length)
  g.agents.forEach((a, i) => {
    from[i] = node(a.from, `/agents/${i}/from`)
    to[i] = node(a.to, `/agents/${i}/to`)
    demand[i] = a.demand ?? 1
  })
  return { n, m, c0, c1, p, start, arcEdge, arcHead, arcTail, from, to, demand }
}

/** Reusable shortest-path workspace; `weight(e)` is what an agent would pay on edge e. */
export class Searcher {
  private readonly dist: Float64Array
  private readonly via: Int32Array
  private readonly seen: Int32Array
  private stamp = 0
  private readonly c: Compiled
  constructor(c: Compiled) {
    this.c = c
    this.dist = new Float64Array(c.n)
    this.via = new Int32Array(c.n)
    this.seen = new Int32Array(c.n)
  }

  /** Steps one search costs at most: every node popped and every arc relaxed once. */
  get cost(): number {
    return this.c.n + this.c.arcEdge.length
  }

  /** The cheapest path as edge indices and its cost, or undefined when `t` is unreachable. */
  shortest(
    s: number,
    t: number,
    weight: (e: number) => number,
  ): { edges: number[]; cost: number } | undefined {
    const { c, dist, via, seen } = this
    const stamp = ++this.stamp
    const heap = new MinHeap()
    dist[s] = 0
    via[s] = -1
    seen[s] = stamp
    heap.push(0, s)
    while (heap.size > 0) {
      const du = heap.peekKey()
      const u = heap.pop()
      if (du > (dist[u] as number)) continue
      if (u === t) break
      for (let a = c.start[u] as number; a < (c.start[u + 1] as number); a++) {
        const v = c.arcHead[a] as number
        const d = du + weight(c.arcEdge[a] as number)
        if (seen[v] !== stamp || d < (dist[v] as number)) {
          seen[v] = stamp
          dist[v] = d
          via[v] = a
          heap.push(d, v)
        }
      }
    }
    if (seen[t] !== stamp) return undefined
    const edges: number[] = []
    for (let v = t; v !== s; ) {
      const a = via[v] as number
      edges.push(c.arcEdge[a] as number)
      v = c.arcTail[a] as number
    }
    return { edges: edges.reverse(), cost: dist[t] as number }
  }
}
