// TEMPORARY stand-in (replaced by the control branch at merge).
import type { StepBudget } from '../budget/index.ts'
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
  replicas: number[]
  next: number
  objective: number
  terms: { cost: number; sla: number; smoothness: number }
  sla_feasible: boolean
  infeasible_steps: number[]
}
export function solveMpc(p: MpcProblem, _budget?: StepBudget): MpcPlan {
  const d = p.robust && p.upper ? p.upper : p.demand
  const replicas = d.map((x) =>
    Math.min(Math.min(p.max, p.capacity_max ?? p.max), Math.max(p.min, Math.ceil(x / p.per_replica))),
  )
  const cool = p.since_change < p.cooldown_steps
  const next = cool ? p.current : (replicas[0] ?? p.current)
  return {
    replicas,
    next,
    objective: 0,
    terms: { cost: 0, sla: 0, smoothness: 0 },
    sla_feasible: true,
    infeasible_steps: [],
  }
}
