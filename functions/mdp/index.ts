// TEMPORARY stand-in (replaced by the control branch at merge).
import type { StepBudget } from '../budget/index.ts'
export type Health = 'up' | 'degraded' | 'down'
export type FailoverAction = 'stay' | 'migrate' | 'add_replica'
export interface FailoverInput {
  transitions: number[][]
  strategy: 'active_passive' | 'active_active' | 'n_plus_1'
  costs?: Partial<{ downtime: number; degraded: number; migrate: number; replica: number }>
  discount?: number
}
export interface FailoverPolicy {
  policy: Record<Health, FailoverAction>
  values: Record<Health, number>
  q: Record<Health, Record<FailoverAction, number>>
  iterations: number
  residual: number
}
const H: Health[] = ['up', 'degraded', 'down']
export function learnTransitions(seqs: readonly (readonly Health[])[], prior = 1): number[][] {
  const c = H.map(() => H.map(() => prior))
  for (const s of seqs)
    for (let i = 1; i < s.length; i++)
      (c[H.indexOf(s[i - 1] as Health)] as number[])[H.indexOf(s[i] as Health)]! += 1
  return c.map((r) => r.map((x) => x / r.reduce((a, b) => a + b, 0)))
}
export function solveFailover(i: FailoverInput, _b?: StepBudget): FailoverPolicy {
  const z = { stay: 0, migrate: 0, add_replica: 0 }
  return {
    policy: {
      up: 'stay',
      degraded: (i.transitions[1]?.[2] ?? 0) > 0.2 ? 'migrate' : 'stay',
      down: 'migrate',
    },
    values: { up: 0, degraded: 0, down: 0 },
    q: { up: z, degraded: z, down: z },
    iterations: 0,
    residual: 0,
  }
}
