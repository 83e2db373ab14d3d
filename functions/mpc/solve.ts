// Finite-horizon model-predictive control of one workload's replica count, solved exactly by dynamic programming.
//
// The decision is one integer per step and the coupling between steps is only through the previous count and
// the cooldown clock, so a DP over (step, previous count, cooldown steps left) enumerates every feasible plan
// implicitly and is exact; a MIP solver would add nothing but a dependency. Costs are compared
// lexicographically: total SLA shortfall first (zero whenever some plan reaches zero: the hard SLA), then the
// objective, then fewer replica-steps, then fewer changes, then the lexicographically smallest plan.
import type { StepBudget } from '../budget/index.ts'
import { mpcBudget } from './budget.ts'
import { MpcError } from './errors.ts'

export interface MpcProblem {
  demand: number[]
  upper?: number[]
  robust?: boolean
  per_replica: number
  current: number
  min: number
  max: number
  capacity_max?: number
  cooldown_steps: number
  since_change: number
  lambda: number
  replica_cost: number
  sla_penalty: number
}

export interface MpcPlan {
  /** u_1..u_H */
  replicas: number[]
  /** u_1: what to apply now */
  next: number
  objective: number
  terms: { cost: number; sla: number; smoothness: number }
  sla_feasible: boolean
  /** Indices into `replicas` (0-based) where even the best plan leaves a shortfall. */
  infeasible_steps: number[]
  /** Per step: unserved demand in replicas, max(0, demand - u * per_replica) / per_replica. */
  shortfall?: number[]
  /** Steps where the count changes (u_t != u_{t-1}). */
  changes?: number
  /** The bounds the plan kept: min and min(max, capacity_max). */
  bounds?: { min: number; max: number }
  /** DP candidate evaluations spent (what the budget counts). */
  steps?: number
}

/** Relative tolerance under which two float sums count as equal, so rounding cannot pick between equal plans. */
const TIE = 1e-9
const below = (a: number, b: number) => a < b - TIE * (1 + Math.abs(a) + Math.abs(b))
const near = (a: number, b: number) => !below(a, b) && !below(b, a)

/** The work a problem costs in DP candidate evaluations, known before any is done (the budget's unit). */
export function mpcSteps(horizon: number, counts: number, cooldown: number): number {
  const c = Math.min(cooldown, horizon)
  return horizon * counts * (c + counts)
}

const isCount = (x: number) => Number.isSafeInteger(x) && x >= 0
const isAmount = (x: number) => Number.isFinite(x) && x >= 0

function check(p: MpcProblem): { lo: number; hi: number; demand: number[] } {
  const H = p.demand.length
  if (H === 0) throw new MpcError('the forecast is empty: nothing to plan', '/demand')
  const bad = p.demand.findIndex((d) => !isAmount(d))
  if (bad >= 0) throw new MpcError('demand must be finite and non-negative', `/demand/${bad}`)
  if (p.upper !== undefined) {
    if (p.upper.length !== H) throw new MpcError(`upper has ${p.upper.length} steps, demand ${H}`, '/upper')
    const u = p.upper.findIndex((d) => !isAmount(d))
    if (u >= 0) throw new MpcError('upper must be finite and non-negative', `/upper/${u}`)
  }
  if (p.robust && p.upper === undefined)
    throw new MpcError('robust planning needs the forecast upper bound `upper`', '/upper')
  if (!(Number.isFinite(p.per_replica) && p.per_replica > 0))
    throw new MpcError('per_replica must be positive', '/per_replica')
  for (const k of ['current', 'min', 'max', 'cooldown_steps', 'since_change'] as const)
    if (!isCount(p[k])) throw new MpcError(`${k} must be a non-negative integer`, `/${k}`)
  if (p.capacity_max !== undefined && !isCount(p.capacity_max))
    throw new MpcError('capacity_max must be a non-negative integer', '/capacity_max')
  for (const k of ['lambda', 'replica_cost', 'sla_penalty'] as const)
    if (!isAmount(p[k])) throw new MpcError(`${k} must be finite and non-negative`, `/${k}`)
  if (p.min > p.max) throw new MpcError(`min ${p.min} exceeds max ${p.max}`, '/min')
  const hi = Math.min(p.max, p.capacity_max ?? p.max)
  if (hi < p.min)
    throw new MpcError(`capacity allows ${hi} replicas, fewer than min ${p.min}`, '/capacity_max')
  const demand = p.robust ? (p.upper as number[]) : p.demand
  return { lo: p.min, hi, demand }
}

/**
 * Solves the problem exactly. `cooldown_steps` after a change keep the count; `since_change` of them have
 * passed. A `current` count outside the bounds is corrected at the first step whatever the cooldown (bounds are
 * constraints, the cooldown only damps the controller's own changes).
 */
export function solveMpc(p: MpcProblem, budget: StepBudget = mpcBudget()): MpcPlan {
  const { lo, hi, demand } = check(p)
  const H = demand.length
  const R = hi - lo + 1
  const C = Math.min(p.cooldown_steps, H) // a wait longer than the horizon forbids the same changes
  const steps = mpcSteps(H, R, p.cooldown_steps)
  budget.spend(steps)
  const W = C + 1
  const pr = p.per_replica
  const shortOf = (t: number, u: number) => Math.max(0, (demand[t] as number) - u * pr) / pr
  const stage = (t: number, u: number, prev: number) => {
    const sf = shortOf(t, u)
    return { sf, ob: p.replica_cost * u + p.sla_penalty * sf + p.lambda * (u - prev) ** 2 }
  }

  // cost-to-go from step t on, per (previous count index, cooldown steps left); terminal: zero
  let sf = new Float64Array(R * W)
  let ob = new Float64Array(R * W)
  let rp = new Float64Array(R * W)
  let ch = new Float64Array(R * W)
  const choice: Int32Array[] = [] // per step t >= 1, the best count index from a state with no wait left

  // best candidate over a set of counts, from previous count `prev` with `wait` steps left
  let bs = 0
  let bo = 0
  let br = 0
  let bc = 0
  let bu = -1
  const consider = (t: number, u: number, prev: number, wait: number) => {
    const { sf: s0, ob: o0 } = stage(t, u, prev)
    const changed = u !== prev
    const j = (u - lo) * W + (changed ? C : Math.max(0, wait - 1))
    const s = s0 + (sf[j] as number)
    const o = o0 + (ob[j] as number)
    const r = u + (rp[j] as number)
    const c = (changed ? 1 : 0) + (ch[j] as number)
    if (bu >= 0) {
      if (below(bs, s)) return
      if (near(bs, s)) {
        if (below(bo, o)) return
        if (near(bo, o) && (br < r || (br === r && bc <= c))) return
      }
    }
    bs = s
    bo = o
    br = r
    bc = c
    bu = u
  }
  const reset = () => {
    bu = -1
  }

  for (let t = H - 1; t >= 1; t--) {
    const nsf = new Float64Array(R * W)
    const nob = new Float64Array(R * W)
    const nrp = new Float64Array(R * W)
    const nch = new Float64Array(R * W)
    const pick = new Int32Array(R)
    for (let i = 0; i < R; i++) {
      const prev = lo + i
      for (let wait = 0; wait < W; wait++) {
        reset()
        if (wait > 0) consider(t, prev, prev, wait)
        else for (let u = lo; u <= hi; u++) consider(t, u, prev, 0)
        const k = i * W + wait
        nsf[k] = bs
        nob[k] = bo
        nrp[k] = br
        nch[k] = bc
        if (wait === 0) pick[i] = bu
      }
    }
    choice[t] = pick
    sf = nsf
    ob = nob
    rp = nrp
    ch = nch
  }

  // the first step, from the current count (possibly outside the bounds)
  const wait0 = Math.min(Math.max(0, p.cooldown_steps - p.since_change), C)
  const outside = p.current < lo || p.current > hi
  reset()
  if (!outside && wait0 > 0) consider(0, p.current, p.current, wait0)
  else for (let u = lo; u <= hi; u++) consider(0, u, p.current, outside ? 0 : wait0)

  const replicas: number[] = [bu]
  let prev = bu
  let wait = bu !== p.current ? C : Math.max(0, wait0 - 1)
  for (let t = 1; t < H; t++) {
    const u = wait > 0 ? prev : ((choice[t] as Int32Array)[prev - lo] as number)
    wait = u !== prev ? C : Math.max(0, wait - 1)
    replicas.push(u)
    prev = u
  }
  return planOf(p, demand, replicas, lo, hi, steps)
}

/** The plan's terms, summed forward from the chosen counts (the DP only chose them). */
function planOf(
  p: MpcProblem,
  demand: number[],
  replicas: number[],
  lo: number,
  hi: number,
  steps: number,
): MpcPlan {
  let cost = 0
  let sla = 0
  let smoothness = 0
  let changes = 0
  let prev = p.current
  const shortfall: number[] = []
  const infeasible_steps: number[] = []
  replicas.forEach((u, t) => {
    const s = Math.max(0, (demand[t] as number) - u * p.per_replica) / p.per_replica
    shortfall.push(s)
    if (s > 0) infeasible_steps.push(t)
    cost += p.replica_cost * u
    sla += p.sla_penalty * s
    smoothness += p.lambda * (u - prev) ** 2
    if (u !== prev) changes++
    prev = u
  })
  return {
    replicas,
    next: replicas[0] as number,
    objective: cost + sla + smoothness,
    terms: { cost, sla, smoothness },
    sla_feasible: infeasible_steps.length === 0,
    infeasible_steps,
    shortfall,
    changes,
    bounds: { min: lo, max: hi },
    steps,
  }
}
