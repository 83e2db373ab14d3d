// Failover policy by value iteration on the failover MDP (Bellman backups until Puterman's epsilon-optimal stop).
import type { StepBudget } from '../budget/index.ts'
import { mdpBudget } from './budget.ts'
import { MdpError } from './errors.ts'
import { HEALTH, type Health } from './learn.ts'
import {
  ACTIONS,
  type FailoverAction,
  type FailoverCosts,
  type FailoverStrategy,
  failoverModel,
  STATES,
} from './model.ts'

export interface FailoverInput {
  transitions: number[][]
  strategy: FailoverStrategy
  costs?: Partial<FailoverCosts>
  discount?: number
  /** The policy is epsilon-optimal: its values are within epsilon of the optimum (default 1e-6). */
  epsilon?: number
  /** Fraction of a step a standby or spare needs to take over (default 0.5). */
  switchover?: number
}

export interface PolicyTable {
  policy: Record<Health, FailoverAction>
  values: Record<Health, number>
  q: Record<Health, Record<FailoverAction, number>>
}

export interface FailoverPolicy extends PolicyTable {
  iterations: number
  residual: number
  /** The same for the states where the takeover replica is gone (after a standby took over, say). */
  unprotected?: PolicyTable
}

/** What solveFailover returns: the policy with every optional member filled. */
export type FailoverSolution = Required<FailoverPolicy>

export const DEFAULT_DISCOUNT = 0.95
export const DEFAULT_EPSILON = 1e-6

/** Q-values within this (relative) count as equal, so the earlier action (stay, migrate, add_replica) wins. */
const TIE = 1e-9

/**
 * Value iteration (Bellman 1957) from V = 0, stopped when the sup-norm change falls below
 * epsilon (1 - discount) / (2 discount): the greedy policy of the last iterate is then epsilon-optimal
 * (Puterman 1994, Theorem 6.3.1). `policy`, `values` and `q` are for the protected states, the strategy's
 * normal condition (standby, second replica or spare in place); `unprotected` for the others.
 */
export function solveFailover(input: FailoverInput, budget: StepBudget = mdpBudget()): FailoverSolution {
  const discount = input.discount ?? DEFAULT_DISCOUNT
  if (!(Number.isFinite(discount) && discount >= 0 && discount < 1))
    throw new MdpError('the discount lies in [0, 1)', '/discount')
  const epsilon = input.epsilon ?? DEFAULT_EPSILON
  if (!(Number.isFinite(epsilon) && epsilon > 0)) throw new MdpError('epsilon must be positive', '/epsilon')
  const { cost, next } = failoverModel(input)
  const n = STATES.length
  const stop = discount === 0 ? Number.POSITIVE_INFINITY : (epsilon * (1 - discount)) / (2 * discount)
  const m = ACTIONS.length
  const perIteration = n * m * n
  // flat copies for the inner loop: c[s m + a], p[(s m + a) n + j]
  const c = Float64Array.from(cost.flat())
  const p = Float64Array.from(next.flat(2))
  const backup = (v: Float64Array, q: Float64Array) => {
    for (let sa = 0; sa < n * m; sa++) {
      let e = 0
      for (let j = 0; j < n; j++) e += (p[sa * n + j] as number) * (v[j] as number)
      q[sa] = (c[sa] as number) + discount * e
    }
  }
  let v = new Float64Array(n)
  let w = new Float64Array(n)
  const q = new Float64Array(n * m)
  let iterations = 0
  let residual = Number.POSITIVE_INFINITY
  while (!(residual < stop)) {
    budget.spend(perIteration)
    backup(v, q)
    residual = 0
    for (let s = 0; s < n; s++) {
      let x = q[s * m] as number
      for (let a = 1; a < m; a++) x = Math.min(x, q[s * m + a] as number)
      w[s] = x
      residual = Math.max(residual, Math.abs(x - (v[s] as number)))
    }
    ;[v, w] = [w, v]
    iterations++
  }
  budget.spend(perIteration)
  backup(v, q)
  const table = (b: 0 | 1): PolicyTable => {
    const policy = {} as Record<Health, FailoverAction>
    const values = {} as Record<Health, number>
    const qs = {} as Record<Health, Record<FailoverAction, number>>
    HEALTH.forEach((h, i) => {
      const row = Array.from(q.subarray((i * 2 + b) * m, (i * 2 + b + 1) * m))
      let best = 0
      row.forEach((x, a) => {
        const y = row[best] as number
        if (x < y - TIE * (1 + Math.abs(x) + Math.abs(y))) best = a
      })
      policy[h] = ACTIONS[best] as FailoverAction
      values[h] = row[best] as number
      qs[h] = Object.fromEntries(ACTIONS.map((a, k) => [a, row[k] as number])) as Record<
        FailoverAction,
        number
      >
    })
    return { policy, values, q: qs }
  }
  return { ...table(1), iterations, residual, unprotected: table(0) }
}
