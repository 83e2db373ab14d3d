// The heuristic placement: greedy (largest requests first, best node by the surrogate) then relocation search.
//
// Deterministic: demands, cells and nodes are visited in fixed orders and ties keep the lowest node index.
// Each search opens the cells of the spatial prefilter in order of their upper bound and stops once no
// unopened cell can beat the best node found; a cell whose largest room in some unit is below the request is
// skipped whole. One decision so costs about sqrt(N) distances, not N.
import type { StepBudget } from '../budget/index.ts'
import { distanceSteps } from '../geometry/index.ts'
import type { Cells } from './cells.ts'
import {
  blockedBy,
  copies,
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
  take,
} from './model.ts'

/** A node's cheap bound (a subtraction, an exp, the cost), relative to a distance evaluation. */
const CHEAP_STEPS = 0.3

/** Passes of swap moves over every placed replica. */
export const SWAP_PASSES = 1

/** Allowed nodes (and occupants per node) the local search tries for each replica left unplaced. */
export const EJECT_NODES = 8

interface Placed {
  w: Demand
  n: number
  stays: boolean
}

/** Would w fit on n once one replica of q left it? */
function fitsWithout(m: Model, w: Demand, q: Demand, n: number, room: Float64Array): boolean {
  const U = m.units.length
  for (let u = 0; u < U; u++)
    if ((w.req[u] as number) > (room[n * U + u] as number) + (q.req[u] as number) + 1e-9) return false
  return true
}

interface View {
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
function viewOf(m: Model, cells: Cells, w: Demand, budget?: StepBudget): View {
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

interface State {
  taken: Set<number>
  stayLeft: Map<number, number>
}

/** What the last search rejected, to say why a replica stayed unplaced. */
interface Seen {
  capacity: boolean
  distance: boolean
  distinct: boolean
}

/** Per cell and unit, the largest room of a node of the cell: cells that cannot fit a request are skipped. */
class CellRoom {
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
function search(
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

export interface HeuristicResult {
  pairs: [Demand, number][]
  /** Upper bound on J: each replica's best allowed value (or 0: left unplaced), capacity interactions ignored. */
  bound: number
  /** Why each demand with unplaced replicas has them (the last failed search's evidence). */
  reasons: Map<Demand, 'capacity' | 'policy' | 'distance' | 'distinct'>
}

export function solveHeuristic(m: Model, cells: Cells, budget?: StepBudget): HeuristicResult {
  const room = m.room.slice()
  const cellRoom = new CellRoom(m, cells, room)
  const U = m.units.length
  // largest request (as a share of the largest capacity of its unit) first: first-fit decreasing
  const maxCap = new Float64Array(U)
  for (let n = 0; n < m.nodes.length; n++)
    for (let u = 0; u < U; u++) maxCap[u] = Math.max(maxCap[u] as number, m.room[n * U + u] as number)
  const size = (w: Demand) => {
    let s = 0
    for (let u = 0; u < U; u++) s = Math.max(s, (w.req[u] as number) / Math.max(maxCap[u] as number, 1e-300))
    return s
  }
  const sizes = m.demands.map(size)
  const order = [...m.demands].sort(
    (a, b) => (sizes[b.index] as number) - (sizes[a.index] as number) || a.index - b.index,
  )
  const states = new Map<Demand, State>()
  const views = new Map<Demand, View>()
  const reasons: HeuristicResult['reasons'] = new Map()
  const placed: Placed[] = []
  const move = (w: Demand, n: number, sign: 1 | -1) => {
    take(m, w, n, room, sign)
    const c = cells.cellOf[n] as number
    budget?.spend((cells.members[c] as number[]).length * CHEAP_STEPS)
    cellRoom.refresh(c)
  }
  const put = (w: Demand, n: number, s: State) => {
    const left = s.stayLeft.get(n) ?? 0
    if (left > 0) s.stayLeft.set(n, left - 1)
    s.taken.add(n)
    move(w, n, 1)
    return { w, n, stays: left > 0 }
  }
  const fill = (w: Demand, s: State, v: View, have: number) => {
    // distinct: all the missing replicas in one search; otherwise one at a time (they may share a node)
    for (let r = have; r < w.d.replicas; ) {
      const seen: Seen = { capacity: false, distance: false, distinct: false }
      const want = w.d.distinct ? w.d.replicas - r : 1
      const { nodes } = search(m, cells, v, room, cellRoom, s, false, seen, budget, want)
      for (const n of nodes) placed.push(put(w, n, s))
      r += nodes.length
      if (nodes.length < want) {
        reasons.set(
          w,
          seen.capacity ? 'capacity' : seen.distinct ? 'distinct' : seen.distance ? 'distance' : 'policy',
        )
        return
      }
    }
    reasons.delete(w)
  }
  for (const w of order) {
    const s: State = { taken: new Set(), stayLeft: new Map(w.current) }
    const v = viewOf(m, cells, w, budget)
    states.set(w, s)
    views.set(w, v)
    fill(w, s, v, 0)
  }
  // Local search. Moving one replica alone cannot improve a greedy result (room only shrinks while greedy
  // runs, so a node with room now had room when the replica chose it), so the search ejects instead: for a
  // replica left unplaced for capacity, an occupant of an allowed node moves to its own next-best node
  // when that frees enough room. Each success places one more replica, which the surrogate values first.
  const occupants = new Map<number, number[]>()
  const occupy = (i: number) => {
    const n = (placed[i] as Placed).n
    const list = occupants.get(n)
    if (list) list.push(i)
    else occupants.set(n, [i])
  }
  for (let i = 0; i < placed.length; i++) occupy(i)
  const lift = (i: number) => {
    const p = placed[i] as Placed
    const s = states.get(p.w) as State
    move(p.w, p.n, -1)
    s.taken.delete(p.n)
    if (p.stays) s.stayLeft.set(p.n, (s.stayLeft.get(p.n) ?? 0) + 1)
    const list = occupants.get(p.n) as number[]
    list.splice(list.indexOf(i), 1)
  }
  const ignore: Seen = { capacity: false, distance: false, distinct: false }
  const eject = (w: Demand, s: State, v: View): boolean => {
    let tried = 0
    for (const c of v.order)
      for (const n of cells.members[c] as number[]) {
        if (tried >= EJECT_NODES) return false
        if ((w.d.distinct && s.taken.has(n)) || copies(m, w, n, m.room) < 1 || blockedBy(m, w, n)) continue
        tried++
        for (const i of [...(occupants.get(n) ?? [])].slice(0, EJECT_NODES)) {
          const q = placed[i] as Placed
          if (q.w === w || !fitsWithout(m, w, q.w, n, room)) continue
          lift(i)
          const pw = put(w, n, s)
          budget?.spend(1)
          const to = search(
            m,
            cells,
            views.get(q.w) as View,
            room,
            cellRoom,
            states.get(q.w) as State,
            false,
            ignore,
            budget,
          ).nodes[0]
          if (to !== undefined && to !== n) {
            placed[i] = put(q.w, to, states.get(q.w) as State)
            occupy(i)
            placed.push(pw)
            occupy(placed.length - 1)
            return true
          }
          // no other home for the occupant: undo
          move(w, n, -1)
          s.taken.delete(n)
          if (pw.stays) s.stayLeft.set(n, (s.stayLeft.get(n) ?? 0) + 1)
          placed[i] = put(q.w, n, states.get(q.w) as State)
          occupy(i)
        }
      }
    return false
  }
  const count = new Map<Demand, number>()
  for (const p of placed) count.set(p.w, (count.get(p.w) ?? 0) + 1)
  for (const w of order) {
    if (reasons.get(w) !== 'capacity') continue
    let have = count.get(w) ?? 0
    while (have < w.d.replicas && eject(w, states.get(w) as State, views.get(w) as View)) have++
    if (have === w.d.replicas) reasons.delete(w)
  }
  // Swaps: a replica whose best node (capacity aside) is full takes it when an occupant can move to its own
  // best other node and the two moves together raise the surrogate (also plain moves into room ejections freed)
  const unput = (w: Demand, n: number, pw: Placed, s: State) => {
    move(w, n, -1)
    s.taken.delete(n)
    if (pw.stays) s.stayLeft.set(n, (s.stayLeft.get(n) ?? 0) + 1)
  }
  const score = (p: Placed) => surrogate(m, p.w, p.n, p.stays)
  const improve = (i: number) => {
    const p = placed[i] as Placed
    const s = states.get(p.w) as State
    const before = score(p)
    lift(i)
    const star = search(m, cells, views.get(p.w) as View, m.room, undefined, s, false, ignore, budget)
      .nodes[0]
    const keep = () => {
      placed[i] = put(p.w, p.n, s)
      occupy(i)
    }
    if (star === undefined || star === p.n) return keep()
    if (fits(m, p.w, star, room)) {
      const pw = put(p.w, star, s)
      if (score(pw) > before + 1e-12) {
        placed[i] = pw
        return occupy(i)
      }
      unput(p.w, star, pw, s)
      return keep()
    }
    for (const j of [...(occupants.get(star) ?? [])].slice(0, EJECT_NODES)) {
      const q = placed[j] as Placed
      if (q.w === p.w || !fitsWithout(m, p.w, q.w, star, room)) continue
      const qBefore = score(q)
      const qs = states.get(q.w) as State
      lift(j)
      const pw = put(p.w, star, s)
      const r = search(m, cells, views.get(q.w) as View, room, cellRoom, qs, false, ignore, budget)
      const to = r.nodes[0]
      if (to !== undefined && to !== star && score(pw) + (r.scores[0] as number) > before + qBefore + 1e-12) {
        placed[i] = pw
        occupy(i)
        placed[j] = put(q.w, to, qs)
        occupy(j)
        return
      }
      unput(p.w, star, pw, s)
      placed[j] = put(q.w, star, qs)
      occupy(j)
    }
    keep()
  }
  for (let pass = 0; pass < SWAP_PASSES; pass++) for (let i = 0; i < placed.length; i++) improve(i)
  return { pairs: placed.map((p) => [p.w, p.n]), bound: upperBound(m, cells, views, budget), reasons }
}

function upperBound(m: Model, cells: Cells, views: Map<Demand, View>, budget?: StepBudget): number {
  let total = 0
  const ignore: Seen = { capacity: false, distance: false, distinct: false }
  for (const w of m.demands) {
    const v = views.get(w) as View
    const s: State = { taken: new Set(), stayLeft: new Map() }
    if (w.d.replicas === 0) continue
    const k = w.d.distinct ? w.d.replicas : 1
    const { scores } = search(m, cells, v, m.room, undefined, s, true, ignore, budget, k)
    const best = scores.map((x) => Math.max(0, x))
    // not distinct: every replica may take the single best node (its room ignored)
    total += w.d.distinct ? best.reduce((a, b) => a + b, 0) : (best[0] ?? 0) * w.d.replicas
  }
  return total / Math.max(1, m.totalReplicas)
}
