// The exact placement: a mixed-integer program solved by YALPS (branch and bound over the simplex), kept small.
//
// Variables x[w, n] (binary when w wants distinct nodes, else integer) count the replicas of w on node n;
// a second variable per node w already runs on carries the stability bonus for up to that many replicas.
// Constraints: sum_n x[w, n] <= replicas(w); sum_w request(w, u) x[w, n] <= room(n, u) for every unit u.
import { solve } from 'yalps'
import type { StepBudget } from '../budget/index.ts'
import { blockedBy, copies, type Demand, type Model, surrogate } from './model.ts'

/** Most variables the exact solver takes; larger problems go to the heuristic. */
export const EXACT_MAX_VARS = 120
/** Branch-and-bound iterations before the exact solver gives up (then the heuristic answers). */
export const EXACT_MAX_ITERATIONS = 1000
/** Budget steps charged per variable and constraint (a simplex pivot touches the whole tableau). */
export const EXACT_STEPS_PER_CELL = 8

export interface Candidate {
  w: Demand
  n: number
  stays: boolean
  max: number
}

/** The variables of the program: every pair that no hard constraint forbids and that fits in the empty room. */
export function candidates(m: Model): Candidate[] {
  const out: Candidate[] = []
  for (const w of m.demands)
    for (let n = 0; n < m.nodes.length; n++) {
      if (blockedBy(m, w, n)) continue
      const k = Math.min(copies(m, w, n, m.room), w.d.distinct ? 1 : w.d.replicas)
      if (k < 1) continue
      const cur = Math.min(w.current.get(n) ?? 0, k)
      if (cur > 0) out.push({ w, n, stays: true, max: cur })
      if (k - cur > 0) out.push({ w, n, stays: false, max: k - cur })
    }
  return out
}

/** The optimal pairs (one entry per replica), or undefined when the solver stopped before proving optimality. */
export function solveExact(
  m: Model,
  cands: Candidate[],
  budget?: StepBudget,
): [Demand, number][] | undefined {
  const U = m.units.length
  const constraints = new Map<string, { max: number }>()
  for (const w of m.demands) constraints.set(`d${w.index}`, { max: w.d.replicas })
  const variables = new Map<string, [string, number][]>()
  const used = new Set<number>()
  cands.forEach((c, i) => {
    const coef: [string, number][] = [
      ['J', surrogate(m, c.w, c.n, c.stays)],
      [`d${c.w.index}`, 1],
      [`v${i}`, 1],
    ]
    // distinct: both halves of a pair share one slot on the node
    if (c.w.d.distinct) coef.push([`s${c.w.index}.${c.n}`, 1])
    constraints.set(`v${i}`, { max: c.max })
    if (c.w.d.distinct) constraints.set(`s${c.w.index}.${c.n}`, { max: 1 })
    for (let u = 0; u < U; u++) {
      const r = c.w.req[u] as number
      if (r > 0) {
        coef.push([`c${c.n}.${u}`, r])
        used.add(c.n * U + u)
      }
    }
    variables.set(`x${i}`, coef)
  })
  for (const k of used)
    constraints.set(`c${Math.floor(k / U)}.${k % U}`, { max: Math.max(0, m.room[k] as number) })
  budget?.spend(variables.size * constraints.size * EXACT_STEPS_PER_CELL)
  const s = solve(
    { direction: 'maximize', objective: 'J', constraints, variables, integers: true },
    { maxIterations: EXACT_MAX_ITERATIONS },
  )
  if (s.status !== 'optimal') return undefined
  const pairs: [Demand, number][] = []
  for (const [key, value] of s.variables) {
    const c = cands[Number(key.slice(1))] as Candidate
    for (let j = 0; j < Math.round(value); j++) pairs.push([c.w, c.n])
  }
  return pairs
}
