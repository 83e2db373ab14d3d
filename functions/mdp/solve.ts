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
export function solveFailover(input: FailoverInput, budget: StepBudget = mdpBudget()): FailoverPolicy {
  const discount = input.discount ?? DEFAULT_DISCOUNT
  if (!(Number.isFinite(discount) && discount >= 0 && discount < 1))
    throw new MdpError('the discount lies in [0, 1)', '/discount')
  const epsilon = input.epsilon ?? DEFAULT_EPSILON
  if (!(Number.isFinite(epsilon) && epsilon > 0)) throw new MdpError('epsilon must be positive', '/epsilon')
  const { cost, next } = failoverModel(input)
  const n = STATES.length
  const stop = discount === 0 ? Number.POSITIVE_INFINITY : (epsilon * (1 - discount)) / (2 * discount)
  const perIteration = n * ACTIONS.length * n
  const backup = (v: number[]) =>
    cost.map((row, s) =>
      row.map((c, a) => {
        const p = (next[s] as number[][])[a] as number[]
        let e = 0
        for (let j = 0; j < n; j++) e += (p[j] as number) * (v[j] as number)
        return c + discount * e
      }),
    )
  let v = STATES.map(() => 0)
  let iterations = 0
  let residual = Number.POSITIVE_INFINITY
  while (!(residual < stop)) {
    budget.spend(perIteration)
    const w = backup(v).map((q) => Math.min(...q))
    residual = Math.max(...w.map((x, s) => Math.abs(x - (v[s] as number))))
    v = w
    iterations++
  }
  budget.spend(perIteration)
  const q = backup(v)
  const table = (b: 0 | 1): PolicyTable => {
    const policy = {} as Record<Health, FailoverAction>
    const values = {} as Record<Health, number>
    const qs = {} as Record<Health, Record<FailoverAction, number>>
    HEALTH.forEach((h, i) => {
      const row = q[i * 2 + b] as number[]
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
