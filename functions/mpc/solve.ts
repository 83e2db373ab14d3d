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
  /**
   * Why each of `infeasible_steps` falls short: `bounds` when demand exceeds what min(max, capacity_max)
   * replicas serve, `cooldown` when the bounds would allow it but the cooldown holds the count.
   */
  infeasible_reasons?: ('bounds' | 'cooldown')[]
  /** Per step: unserved demand in replicas, max(0, demand - u * per_replica) / per_replica. */
  shortfall?: number[]
  /** Steps where the count changes (u_t != u_{t-1}). */
  changes?: number
  /** The bounds the plan kept: min and min(max, capacity_max). */
  bounds?: { min: number; max: number }
  /** DP candidate evaluations spent (what the budget counts). */
  steps?: number
}

/** What solveMpc returns: the plan with every optional member filled. */
export type MpcSolution = Required<MpcPlan>

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
export function solveMpc(p: MpcProblem, budget: StepBudget = mpcBudget()): MpcSolution {
  const { lo, hi, demand } = check(p)
  const H = demand.length
  const R = hi - lo + 1
  const C = Math.min(p.cooldown_steps, H) // a wait longer than the horizon forbids the same changes
  const steps = mpcSteps(H, R, p.cooldown_steps)
  budget.spend(steps)
  const W = C + 1
  const pr = p.per_replica
  // the current step's shortfall and its cost without the smoothness term, per count index
  const stageSf = new Float64Array(R)
  const stageOb = new Float64Array(R)
  const enter = (t: number) => {
    for (let i = 0; i < R; i++) {
      const short = Math.max(0, (demand[t] as number) - (lo + i) * pr) / pr
      stageSf[i] = short
      stageOb[i] = p.replica_cost * (lo + i) + p.sla_penalty * short
    }
  }

  // cost-to-go from step t on, per (previous count index, cooldown steps left); terminal: zero
  let next: Layer = layer(R * W)
  const choice: Int32Array[] = [] // per step t >= 1, the best count index from a state with no wait left
  const g: Stage = { lo, C, W, lambda: p.lambda, sf: stageSf, ob: stageOb }
  const out = new Float64Array(5)

  for (let t = H - 1; t >= 1; t--) {
    const here = layer(R * W)
    const pick = new Int32Array(R)
    enter(t)
    for (let i = 0; i < R; i++) {
      const prev = lo + i
      for (let wait = 0; wait < W; wait++) {
        if (wait > 0) best(g, next, prev, prev, prev, wait, out)
        else best(g, next, lo, hi, prev, 0, out)
        const k = i * W + wait
        here.sf[k] = out[0] as number
        here.ob[k] = out[1] as number
        here.rp[k] = out[2] as number
        here.ch[k] = out[3] as number
        if (wait === 0) pick[i] = out[4] as number
      }
    }
    choice[t] = pick
    next = here
  }

  // the first step, from the current count (possibly outside the bounds)
  const wait0 = Math.min(Math.max(0, p.cooldown_steps - p.since_change), C)
  const outside = p.current < lo || p.current > hi
  enter(0)
  if (!outside && wait0 > 0) best(g, next, p.current, p.current, p.current, wait0, out)
  else best(g, next, lo, hi, p.current, outside ? 0 : wait0, out)
  const first = out[4] as number

  const replicas: number[] = [first]
  let prev = first
  let wait = first !== p.current ? C : Math.max(0, wait0 - 1)
  for (let t = 1; t < H; t++) {
    const u = wait > 0 ? prev : ((choice[t] as Int32Array)[prev - lo] as number)
    wait = u !== prev ? C : Math.max(0, wait - 1)
    replicas.push(u)
    prev = u
  }
  return planOf(p, demand, replicas, lo, hi, steps)
}

interface Layer {
  sf: Float64Array
  ob: Float64Array
  rp: Float64Array
  ch: Float64Array
}
const layer = (n: number): Layer => ({
  sf: new Float64Array(n),
  ob: new Float64Array(n),
  rp: new Float64Array(n),
  ch: new Float64Array(n),
})

/** One step's costs per count index (shortfall; cost without smoothness) and the layout of the states. */
interface Stage {
  lo: number
  C: number
  W: number
  lambda: number
  sf: Float64Array
  ob: Float64Array
}

/**
 * The best count in [from, to] from count `prev` with `wait` cooldown steps left, given the cost-to-go `next`:
 * writes [shortfall, objective, replica-steps, changes, count] to `out`. Ties go to the earlier (smaller)
 * count, so the plan is the lexicographically smallest among equals.
 */
function best(
  g: Stage,
  next: Layer,
  from: number,
  to: number,
  prev: number,
  wait: number,
  out: Float64Array,
) {
  let bs = 0
  let bo = 0
  let br = 0
  let bc = 0
  let bu = -1
  for (let u = from; u <= to; u++) {
    const changed = u !== prev
    const i = u - g.lo
    const j = i * g.W + (changed ? g.C : Math.max(0, wait - 1))
    const s = (g.sf[i] as number) + (next.sf[j] as number)
    const o = (g.ob[i] as number) + g.lambda * (u - prev) * (u - prev) + (next.ob[j] as number)
    const r = u + (next.rp[j] as number)
    const c = (changed ? 1 : 0) + (next.ch[j] as number)
    if (bu >= 0) {
      if (below(bs, s)) continue
      if (near(bs, s)) {
        if (below(bo, o)) continue
        if (near(bo, o) && (br < r || (br === r && bc <= c))) continue
      }
    }
    bs = s
    bo = o
    br = r
    bc = c
    bu = u
  }
  out[0] = bs
  out[1] = bo
  out[2] = br
  out[3] = bc
  out[4] = bu
}

/** The plan's terms, summed forward from the chosen counts (the DP only chose them). */
function planOf(
  p: MpcProblem,
  demand: number[],
  replicas: number[],
  lo: number,
  hi: number,
  steps: number,
): MpcSolution {
  let cost = 0
  let sla = 0
  let smoothness = 0
  let changes = 0
  let prev = p.current
  const shortfall: number[] = []
  const infeasible_steps: number[] = []
  const infeasible_reasons: ('bounds' | 'cooldown')[] = []
  replicas.forEach((u, t) => {
    const s = Math.max(0, (demand[t] as number) - u * p.per_replica) / p.per_replica
    shortfall.push(s)
    if (s > 0) {
      infeasible_steps.push(t)
      infeasible_reasons.push((demand[t] as number) > hi * p.per_replica ? 'bounds' : 'cooldown')
    }
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
    infeasible_reasons,
    shortfall,
    changes,
    bounds: { min: lo, max: hi },
    steps,
  }
}
