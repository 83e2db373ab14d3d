// The heuristic placement: greedy (largest requests first, best node by the surrogate) then relocation search.
//
// Deterministic: demands, cells and nodes are visited in fixed orders and ties keep the lowest node index.
// Each search opens the cells of the spatial prefilter in order of their upper bound and stops once no
// unopened cell can beat the best node found, so one decision costs about sqrt(N) distances, not N.
import type { StepBudget } from '../budget/index.ts'
import { distance, distanceSteps } from '../geometry/index.ts'
import type { Cells } from './cells.ts'
import {
  blockedBy,
  type Demand,
  fits,
  jValue,
  type Model,
  PLACE_VALUE,
  PREFER_BONUS,
  replicaTerms,
  STAY_BONUS,
  surrogate,
  take,
} from './model.ts'
import type { PlacementNode } from './types.ts'

/** Relocation passes over the greedy result. */
export const LOCAL_SEARCH_PASSES = 1

interface View {
  w: Demand
  /** Cells worth opening, best upper bound first, with that bound (surrogate scale, or J scale when pure). */
  order: { c: number; ub: number }[]
}

/** Orders the cells for demand w; cells that break max_distance or a locality bound are dropped whole. */
function viewOf(m: Model, cells: Cells, w: Demand, pure: boolean, budget?: StepBudget): View {
  const pt = (n: number) => (m.nodes[n] as PlacementNode).point
  const per = distanceSteps(pt(cells.pivots[0] ?? 0)?.length ?? 2)
  budget?.spend(cells.pivots.length * per * (1 + w.near.length))
  const wt = m.weights
  const extra = pure
    ? 0
    : PLACE_VALUE + (w.prefer === 'soft' ? PREFER_BONUS : 0) + (w.current.size ? STAY_BONUS : 0)
  const order: View['order'] = []
  cells.pivots.forEach((p, c) => {
    const R = cells.radius[c] as number
    let perf = 1
    if (w.affinity) {
      const lb = Math.max(0, distance(pt(p), w.affinity, m.kappa) - R)
      if (w.d.max_distance !== undefined && lb > w.d.max_distance) return
      perf = Math.exp(-lb)
    }
    for (const q of w.near) if (distance(pt(p), q.point, m.kappa) - R > q.max) return
    order.push({ c, ub: extra + wt.performance * perf + (cells.staticMax[c] as number) })
  })
  order.sort((a, b) => b.ub - a.ub || a.c - b.c)
  return { w, order }
}

interface State {
  taken: Set<number>
  stayLeft: Map<number, number>
}

const scoreOf = (m: Model, w: Demand, n: number, s: State, pure: boolean) =>
  pure ? jValue(m.weights, replicaTerms(m, w, n)) : surrogate(m, w, n, (s.stayLeft.get(n) ?? 0) > 0)

/** The best node for one more replica of v.w given `room`, or -1 when none is allowed and fits. */
function search(
  m: Model,
  cells: Cells,
  v: View,
  room: Float64Array,
  s: State,
  pure: boolean,
  budget?: StepBudget,
): { n: number; score: number } {
  const w = v.w
  const dim = (m.nodes[0] as PlacementNode).point.length
  const per = distanceSteps(dim) * (2 + w.near.length)
  let best = -1
  let bestScore = Number.NEGATIVE_INFINITY
  const consider = (n: number) => {
    if (w.d.distinct && s.taken.has(n)) return
    if (!fits(m, w, n, room) || blockedBy(m, w, n)) return
    const sc = scoreOf(m, w, n, s, pure)
    if (sc > bestScore || (sc === bestScore && n < best)) {
      best = n
      bestScore = sc
    }
  }
  // nodes the demand runs on first: their stability bonus makes them likely winners, which prunes more cells
  if (!pure) for (const n of w.current.keys()) consider(n)
  for (const { c, ub } of v.order) {
    if (ub < bestScore) break
    const ms = cells.members[c] as number[]
    budget?.spend(ms.length * per)
    for (const n of ms) consider(n)
  }
  return { n: best, score: bestScore }
}

export interface HeuristicResult {
  pairs: [Demand, number][]
  /** Upper bound on J: each replica's best allowed value (or 0: left unplaced), capacity interactions ignored. */
  bound: number
}

export function solveHeuristic(m: Model, cells: Cells, budget?: StepBudget): HeuristicResult {
  const room = m.room.slice()
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
  const placed: { w: Demand; n: number; stays: boolean }[] = []
  const put = (w: Demand, n: number, s: State) => {
    const left = s.stayLeft.get(n) ?? 0
    if (left > 0) s.stayLeft.set(n, left - 1)
    s.taken.add(n)
    take(m, w, n, room)
    return { w, n, stays: left > 0 }
  }
  const fill = (w: Demand, s: State, v: View, have: number) => {
    for (let r = have; r < w.d.replicas; r++) {
      const { n } = search(m, cells, v, room, s, false, budget)
      if (n < 0) break
      placed.push(put(w, n, s))
    }
  }
  for (const w of order) {
    const s: State = { taken: new Set(), stayLeft: new Map(w.current) }
    const v = viewOf(m, cells, w, false, budget)
    states.set(w, s)
    views.set(w, v)
    fill(w, s, v, 0)
  }
  for (let pass = 0; pass < LOCAL_SEARCH_PASSES; pass++) {
    let improved = false
    for (let i = 0; i < placed.length; i++) {
      const p = placed[i] as { w: Demand; n: number; stays: boolean }
      const s = states.get(p.w) as State
      const before = surrogate(m, p.w, p.n, p.stays)
      // lift the replica out, look for the best node, and put it back where that is
      take(m, p.w, p.n, room, -1)
      if (p.w.d.distinct) s.taken.delete(p.n)
      if (p.stays) s.stayLeft.set(p.n, (s.stayLeft.get(p.n) ?? 0) + 1)
      const { n, score } = search(m, cells, views.get(p.w) as View, room, s, false, budget)
      const to = n >= 0 && score > before + 1e-12 ? n : p.n
      if (to !== p.n) improved = true
      placed[i] = put(p.w, to, s)
    }
    // relocations may have freed room for replicas the greedy pass could not place
    const count = new Map<Demand, number>()
    for (const p of placed) count.set(p.w, (count.get(p.w) ?? 0) + 1)
    for (const w of order) {
      const have = count.get(w) ?? 0
      if (have < w.d.replicas) fill(w, states.get(w) as State, views.get(w) as View, have)
    }
    if (!improved) break
  }
  return { pairs: placed.map((p) => [p.w, p.n]), bound: upperBound(m, cells, budget) }
}

function upperBound(m: Model, cells: Cells, budget?: StepBudget): number {
  let total = 0
  for (const w of m.demands) {
    const v = viewOf(m, cells, w, true, budget)
    const s: State = { taken: new Set(), stayLeft: new Map() }
    const rounds = w.d.distinct ? w.d.replicas : Math.min(1, w.d.replicas)
    let sum = 0
    let last = 0
    for (let r = 0; r < rounds; r++) {
      const { n, score } = search(m, cells, v, m.room, s, true, budget)
      if (n < 0 || score <= 0) break
      sum += score
      last = score
      s.taken.add(n)
    }
    // not distinct: every replica may take the single best node (its room ignored)
    total += w.d.distinct ? sum : last * w.d.replicas
  }
  return total / Math.max(1, m.totalReplicas)
}
