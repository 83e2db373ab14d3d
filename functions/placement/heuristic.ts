// The heuristic placement: greedy (largest requests first, best nodes by the surrogate), then local search
// (ejections for unplaced replicas, swaps), and the bound. Deterministic: demands and replicas are visited in
// fixed orders, and every search keeps the lowest node index among ties.
import type { StepBudget } from '../budget/index.ts'
import type { Cells } from './cells.ts'
import { blockedBy, copies, type Demand, fits, type Model, surrogate, take } from './model.ts'
import { CellRoom, CHEAP_STEPS, type Seen, type State, search, type View, viewOf } from './search.ts'

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
