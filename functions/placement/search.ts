// One placement search: the best nodes for a demand, opening the cells of the spatial prefilter best bound first.
//
// Cells are opened in order of their upper bound and the search stops once no unopened cell can beat the
// k-th best node found; inside a cell each node is bounded before its distance is computed, and a cell whose
// largest room in some unit is below the request is skipped whole. One decision so costs about sqrt(N)
// distances, not N. Ties keep the lowest node index.
import type { StepBudget } from '../budget/index.ts'
import { distanceSteps } from '../geometry/index.ts'
import type { Cells } from './cells.ts'
import {
  type Demand,
  distTo,
  fits,
  jValue,
  type Model,
  PLACE_VALUE,
  type PlacementNode,
  PREFER_BONUS,
  replicaTerms,
  STAY_BONUS,
  surrogate,
} from './model.ts'

/** A node's cheap bound (a subtraction, an exp, the cost), relative to a distance evaluation. */
export const CHEAP_STEPS = 0.3

export interface View {
  w: Demand
  /** Cells worth opening, best upper bound first; ub[i] and dp[i] belong to cell order[i]. */
  order: Int32Array
  /** Upper bound on the J value of any node of the cell (add `extra` for the surrogate). */
  ub: Float64Array
  /** d(affinity, pivot) of the cell (0 without affinity). */
  dp: Float64Array
  /** PLACE_VALUE and the bonuses w may earn, added to every bound of a surrogate search. */
  extra: number
  /** Some cell was dropped whole for max_distance or a locality bound. */
  distanceDropped: boolean
}

/** One view per demand, shared by the placement and the bound: a pivot distance per cell, then a sort. */
export function viewOf(m: Model, cells: Cells, w: Demand, budget?: StepBudget): View {
  const P = cells.pivots.length
  budget?.spend(P * distanceSteps(m.dim) * (1 + w.near.length))
  const wt = m.weights
  const extra = PLACE_VALUE + (w.prefer === 'soft' ? PREFER_BONUS : 0) + (w.current.size ? STAY_BONUS : 0)
  const ubs = new Float64Array(P)
  const dps = new Float64Array(P)
  const keep: number[] = []
  let distanceDropped = false
  const U = m.units.length
  for (let c = 0; c < P; c++) {
    const p = cells.pivots[c] as number
    const R = cells.radius[c] as number
    let perf = 1
    if (w.affinity) {
      const dp = distTo(m, p, w.affinity, w.affRoom)
      dps[c] = dp
      const lb = Math.max(0, dp - R)
      if (w.d.max_distance !== undefined && lb > w.d.max_distance) {
        distanceDropped = true
        continue
      }
      perf = Math.exp(-lb)
    }
    let near = true
    for (const q of w.near) if (distTo(m, p, q.point, q.room) - R > q.max) near = false
    if (!near) {
      distanceDropped = true
      continue
    }
    let cost = 0
    for (let u = 0; u < U; u++) cost += (cells.minPrice[c * U + u] as number) * (w.req[u] as number)
    const costLb = w.cmax > 0 ? cost / w.cmax : 0
    ubs[c] = wt.performance * perf + (cells.staticMax[c] as number) - wt.cost * costLb
    keep.push(c)
  }
  keep.sort((a, b) => (ubs[b] as number) - (ubs[a] as number) || a - b)
  const order = Int32Array.from(keep)
  return {
    w,
    order,
    ub: Float64Array.from(keep, (c) => ubs[c] as number),
    dp: Float64Array.from(keep, (c) => dps[c] as number),
    extra,
    distanceDropped,
  }
}

export interface State {
  taken: Set<number>
  stayLeft: Map<number, number>
}

/** What the last search rejected, to say why a replica stayed unplaced. */
export interface Seen {
  capacity: boolean
  distance: boolean
  distinct: boolean
}

/** Per cell and unit, the largest room of a node of the cell: cells that cannot fit a request are skipped. */
export class CellRoom {
  readonly max: Float64Array
  private readonly m: Model
  private readonly cells: Cells
  private readonly room: Float64Array

  constructor(m: Model, cells: Cells, room: Float64Array) {
    this.m = m
    this.cells = cells
    this.room = room
    this.max = new Float64Array(cells.pivots.length * m.units.length)
    for (let c = 0; c < cells.pivots.length; c++) this.refresh(c)
  }

  refresh(c: number): void {
    const U = this.m.units.length
    for (let u = 0; u < U; u++) {
      let best = Number.NEGATIVE_INFINITY
      for (const n of this.cells.members[c] as number[]) best = Math.max(best, this.room[n * U + u] as number)
      this.max[c * U + u] = best
    }
  }

  canFit(c: number, w: Demand): boolean {
    const U = this.m.units.length
    for (let u = 0; u < U; u++)
      if ((w.req[u] as number) > (this.max[c * U + u] as number) + 1e-9) return false
    return true
  }
}

/**
 * The k best nodes for more replicas of v.w given `room` (best first, ties by lower index), fewer when fewer are
 * allowed and fit. For a distinct demand the k best at once equal k searches one after another: a replica only
 * changes the room of its own node, which the next replica may not use anyway.
 */
export function search(
  m: Model,
  cells: Cells,
  v: View,
  room: Float64Array,
  cellRoom: CellRoom | undefined,
  s: State,
  pure: boolean,
  seen: Seen,
  budget: StepBudget | undefined,
  k = 1,
): { nodes: number[]; scores: number[] } {
  const w = v.w
  const per = distanceSteps(m.dim) * (1 + w.near.length)
  const hard = w.prefer === 'hard'
  const maxD = w.affinity ? (w.d.max_distance ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY
  const nodes: number[] = []
  const scores: number[] = []
  let bar = Number.NEGATIVE_INFINITY // the k-th best score so far: what a node must reach
  const extra = pure ? 0 : v.extra
  const wt = m.weights
  const U = m.units.length
  const consider = (n: number, dp: number) => {
    if (!m.usable[n] || w.avoid.has(n)) return
    if (dp >= 0) {
      // cheap bound before any distance: |d(a, p) - d(n, p)| <= d(a, n), and the cost exactly
      const lb = w.affinity ? Math.abs(dp - (cells.toPivot[n] as number)) : 0
      let c = 0
      for (let u = 0; u < U; u++) c += (m.price[n * U + u] as number) * (w.req[u] as number)
      const cost = w.cmax > 0 ? c / w.cmax : 0
      if (extra + wt.performance * Math.exp(-lb) + (cells.staticOf[n] as number) - wt.cost * cost < bar)
        return
    }
    if (hard && !w.regions.has((m.nodes[n] as PlacementNode).region)) return
    if (w.d.distinct && s.taken.has(n)) {
      seen.distinct = true
      return
    }
    if (!fits(m, w, n, room)) {
      seen.capacity = true
      return
    }
    budget?.spend(per)
    const d = w.affinity ? distTo(m, n, w.affinity, w.affRoom) : 0
    if (d > maxD) {
      seen.distance = true
      return
    }
    for (const q of w.near)
      if (distTo(m, n, q.point, q.room) > q.max) {
        seen.distance = true
        return
      }
    let sc = jValue(m.weights, replicaTerms(m, w, n, d))
    if (!pure) sc = surrogate(m, w, n, (s.stayLeft.get(n) ?? 0) > 0, sc)
    if (nodes.length === k && (sc < bar || (sc === bar && n > (nodes[k - 1] as number)))) return
    if (nodes.includes(n)) return
    let i = nodes.length
    while (
      i > 0 &&
      ((scores[i - 1] as number) < sc || (scores[i - 1] === sc && (nodes[i - 1] as number) > n))
    )
      i--
    nodes.splice(i, 0, n)
    scores.splice(i, 0, sc)
    if (nodes.length > k) {
      nodes.pop()
      scores.pop()
    }
    if (nodes.length === k) bar = scores[k - 1] as number
  }
  // nodes the demand runs on first: their stability bonus makes them likely winners, which prunes more cells
  if (!pure) for (const n of w.current.keys()) consider(n, -1)
  for (let i = 0; i < v.order.length; i++) {
    const c = v.order[i] as number
    const dp = v.dp[i] as number
    if (extra + (v.ub[i] as number) < bar) break
    if (cellRoom && !cellRoom.canFit(c, w)) {
      seen.capacity = true
      continue
    }
    const ms = cells.members[c] as number[]
    budget?.spend(ms.length * CHEAP_STEPS)
    for (const n of ms) consider(n, dp)
  }
  if (nodes.length < k && v.distanceDropped) seen.distance = true
  return { nodes, scores }
}
