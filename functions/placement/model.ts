// A placement problem checked and precomputed: normalised per-replica terms, hard constraints, room per node.
//
// Every per-replica term lies in [0, 1] (docs/placement.md, "Terms"):
//   perf = exp(-d_kappa(node, affinity))       (1 when the demand has no affinity point)
//   rel  = availability * (0.5 if degraded)    (down nodes are never used)
//   sust = 1 - carbon / max carbon of the fleet's usable nodes
//   cost = sum_u price_u * request_u / sum_u max_price_u * request_u
import { checkPoint, distanceOf, oneMinusNormSq } from '../geometry/index.ts'
import { PlacementError } from './errors.ts'
import type { PlacementDemand, PlacementNode, PlacementProblem, Weights } from './types.ts'

export type { PlacementNode }

/** Reliability factor of a degraded node. */
export const DEGRADED_FACTOR = 0.5
/** Surrogate bonus per replica kept on a node it already runs on (anti-churn; not part of J). */
export const STAY_BONUS = 0.01
/** Surrogate bonus per replica in a preferred region when the regions are a preference, not a filter. */
export const PREFER_BONUS = 0.5
/** Surrogate value of any placed replica: larger than every spread of J + bonuses, so the count comes first. */
export const PLACE_VALUE = 4
/** Slack of capacity comparisons (requests are sums of decimals). */
const EPS = 1e-9

export interface Demand {
  d: PlacementDemand
  index: number
  /** Request per unit, aligned with Model.units. */
  req: Float64Array
  cmax: number
  affinity?: readonly number[]
  /** 1 - |affinity|^2, for distances. */
  affRoom: number
  near: { point: readonly number[]; room: number; max: number }[]
  avoid: Set<number>
  /** How many replicas of this demand run on each node now. */
  current: Map<number, number>
  /** `hard`: only preferred-region nodes; `soft`: they earn PREFER_BONUS; `none`: no regions given. */
  prefer: 'hard' | 'soft' | 'none'
  regions: Set<string>
}

export interface Model {
  nodes: readonly PlacementNode[]
  weights: Weights
  kappa: number
  /** 1 / sqrt(kappa): distances are computed for curvature -1 and scaled. */
  scale: number
  /** Node coordinates, flat (dim per node), and 1 - |x|^2 per node. */
  coords: Float64Array
  room1: Float64Array
  dim: number
  units: string[]
  /** room[n * units.length + u]: capacity minus used, the starting room of every solver. */
  room: Float64Array
  usable: Uint8Array
  rel: Float64Array
  sust: Float64Array
  price: Float64Array
  demands: Demand[]
  totalReplicas: number
}

/** Checks ids, points and references, and precomputes everything the solvers share. */
export function buildModel(p: PlacementProblem): Model {
  const slot = new Map<string, number>()
  p.nodes.forEach((n, i) => {
    if (slot.has(n.id))
      throw new PlacementError('duplicate_node', `node '${n.id}' occurs twice`, `/nodes/${i}/id`)
    slot.set(n.id, i)
  })
  const dim = p.nodes[0]?.point.length
  const point = (x: readonly number[], at: string) => {
    try {
      return checkPoint(x, dim, 'reject', at)
    } catch (e) {
      throw new PlacementError('invalid_point', (e as Error).message, at)
    }
  }
  p.nodes.forEach((n, i) => {
    point(n.point, `/nodes/${i}/point`)
  })
  const unitSet = new Set<string>()
  for (const n of p.nodes) for (const u of Object.keys(n.capacity)) unitSet.add(u)
  for (const d of p.demands) for (const u of Object.keys(d.request)) unitSet.add(u)
  const units = [...unitSet].sort()
  const U = units.length
  const N = p.nodes.length
  const room = new Float64Array(N * U)
  const price = new Float64Array(N * U)
  const usable = new Uint8Array(N)
  const rel = new Float64Array(N)
  const sust = new Float64Array(N)
  let maxCarbon = 0
  p.nodes.forEach((n, i) => {
    usable[i] = n.health === 'down' ? 0 : 1
    if (usable[i]) maxCarbon = Math.max(maxCarbon, n.carbon_intensity)
  })
  const maxPrice = new Float64Array(U)
  p.nodes.forEach((n, i) => {
    const used = p.used?.[n.id] ?? {}
    units.forEach((u, k) => {
      room[i * U + k] = (n.capacity[u] ?? 0) - (used[u] ?? 0)
      price[i * U + k] = n.cost_per_unit_hour[u] ?? 0
      if (usable[i]) maxPrice[k] = Math.max(maxPrice[k] as number, price[i * U + k] as number)
    })
    rel[i] = Math.min(1, Math.max(0, n.availability)) * (n.health === 'degraded' ? DEGRADED_FACTOR : 1)
    sust[i] = maxCarbon > 0 ? 1 - n.carbon_intensity / maxCarbon : 1
  })
  if (p.used)
    for (const id of Object.keys(p.used))
      if (!slot.has(id))
        throw new PlacementError('unknown_node', `used names unknown node '${id}'`, `/used/${id}`)
  let totalReplicas = 0
  const demands = p.demands.map((d, index): Demand => {
    const at = `/demands/${index}`
    const req = new Float64Array(units.map((u) => d.request[u] ?? 0))
    const cmax = units.reduce((s, _, k) => s + (maxPrice[k] as number) * (req[k] as number), 0)
    if (d.max_distance !== undefined && !d.affinity)
      throw new PlacementError(
        'invalid_problem',
        'max_distance needs an affinity point',
        `${at}/max_distance`,
      )
    const affinity = d.affinity && point(d.affinity, `${at}/affinity`)
    const near = d.locality.map((c, j) => {
      const s = slot.get(c.near)
      if (s === undefined)
        throw new PlacementError(
          'unknown_node',
          `locality names unknown node '${c.near}'`,
          `${at}/locality/${j}/near`,
        )
      const q = (p.nodes[s] as PlacementNode).point
      return { point: q, room: oneMinusNormSq(q), max: c.max_distance }
    })
    // avoiding or running on a node that does not exist is harmless: nothing to avoid, nothing to keep
    const avoid = new Set(d.avoid_nodes.flatMap((id) => slot.get(id) ?? []))
    const current = new Map<number, number>()
    for (const id of d.current) {
      const s = slot.get(id)
      if (s !== undefined) current.set(s, (current.get(s) ?? 0) + 1)
    }
    totalReplicas += d.replicas
    const regions = new Set(d.preferred_regions)
    const affRoom = affinity ? oneMinusNormSq(affinity) : 1
    return { d, index, req, cmax, affinity, affRoom, near, avoid, current, prefer: 'none', regions }
  })
  const D = dim ?? 2
  const coords = new Float64Array(N * D)
  const room1 = new Float64Array(N)
  p.nodes.forEach((n, i) => {
    coords.set(n.point, i * D)
    room1[i] = oneMinusNormSq(n.point)
  })
  const m: Model = {
    nodes: p.nodes,
    weights: p.weights,
    kappa: p.kappa,
    scale: 1 / Math.sqrt(p.kappa),
    coords,
    room1,
    dim: D,
    units,
    room,
    usable,
    rel,
    sust,
    price,
    demands,
    totalReplicas,
  }
  for (const w of demands) if (w.regions.size) w.prefer = preferredCanHost(m, w) ? 'hard' : 'soft'
  return m
}

/** Preferred regions are a hard filter when their allowed nodes could hold every replica on their own. */
function preferredCanHost(m: Model, w: Demand): boolean {
  let slots = 0
  for (let n = 0; n < m.nodes.length; n++) {
    if (!w.regions.has((m.nodes[n] as PlacementNode).region) || blockedBy(m, w, n)) continue
    const k = copies(m, w, n, m.room)
    slots += w.d.distinct ? Math.min(1, k) : k
    if (slots >= w.d.replicas) return true
  }
  return false
}

/** How many replicas of w fit on n given `room` (Infinity for a request of nothing). */
export function copies(m: Model, w: Demand, n: number, room: Float64Array): number {
  const U = m.units.length
  let k = Number.POSITIVE_INFINITY
  for (let u = 0; u < U; u++) {
    const r = w.req[u] as number
    if (r > 0) k = Math.min(k, Math.floor(((room[n * U + u] as number) + EPS) / r))
  }
  return Math.max(0, k)
}

export const fits = (m: Model, w: Demand, n: number, room: Float64Array): boolean =>
  copies(m, w, n, room) >= 1

export function take(m: Model, w: Demand, n: number, room: Float64Array, sign = 1): void {
  const U = m.units.length
  for (let u = 0; u < U; u++) room[n * U + u] = (room[n * U + u] as number) - sign * (w.req[u] as number)
}

/** The first hard constraint node n breaks for demand w, or undefined when it is allowed (capacity aside). */
export function blockedBy(m: Model, w: Demand, n: number): 'policy' | 'distance' | undefined {
  if (!m.usable[n] || w.avoid.has(n)) return 'policy'
  if (w.prefer === 'hard' && !w.regions.has((m.nodes[n] as PlacementNode).region)) return 'policy'
  if (w.affinity && w.d.max_distance !== undefined && distTo(m, n, w.affinity, w.affRoom) > w.d.max_distance)
    return 'distance'
  for (const c of w.near) if (distTo(m, n, c.point, c.room) > c.max) return 'distance'
  return undefined
}

/**
 * d_kappa(node n, p) from the cached 1 - |x|^2 of both points (geometry's distanceOf, 2 asinh form); the
 * difference is a plain sum of squares, enough for placement, where points keep away from the boundary.
 */
export function distTo(m: Model, n: number, p: readonly number[], pRoom: number): number {
  const D = m.dim
  const o = n * D
  let s = 0
  for (let i = 0; i < D; i++) {
    const t = (m.coords[o + i] as number) - (p[i] as number)
    s += t * t
  }
  return distanceOf(Math.sqrt(s), m.room1[n] as number, pRoom) * m.scale
}

export interface ReplicaTerms {
  perf: number
  rel: number
  sust: number
  cost: number
}

export function replicaTerms(m: Model, w: Demand, n: number, d?: number): ReplicaTerms {
  const U = m.units.length
  let c = 0
  for (let u = 0; u < U; u++) c += (m.price[n * U + u] as number) * (w.req[u] as number)
  return {
    perf: w.affinity ? Math.exp(-(d ?? distTo(m, n, w.affinity, w.affRoom))) : 1,
    rel: m.rel[n] as number,
    sust: m.sust[n] as number,
    cost: w.cmax > 0 ? c / w.cmax : 0,
  }
}

/** The J contribution of one replica: w_perf perf + w_rel rel + w_sust sust - w_cost cost, in [-1, 1]. */
export const jValue = (wt: Weights, t: ReplicaTerms): number =>
  wt.performance * t.perf + wt.reliability * t.rel + wt.sustainability * t.sust - wt.cost * t.cost

/** What a solver maximises for one replica of w on n: count first, then preference, J and stability. */
export function surrogate(m: Model, w: Demand, n: number, stays: boolean, value?: number): number {
  const pref = w.prefer === 'soft' && w.regions.has((m.nodes[n] as PlacementNode).region) ? PREFER_BONUS : 0
  return PLACE_VALUE + pref + (value ?? jValue(m.weights, replicaTerms(m, w, n))) + (stays ? STAY_BONUS : 0)
}
