// Work budgets of placement: steps (about one 2-D distance each) calibrated to CPU milliseconds (docs/placement.md).
import { StepBudget } from '../budget/index.ts'

/** Steps per CPU millisecond on the reference machine (`npm run bench -- placement`), the low end measured. */
export const PLACEMENT_STEPS_PER_MS = 750

/** CPU milliseconds one request (or one orchestrator chunk) may spend on placement and on a Pareto frontier. */
export const PLACEMENT_CPU_MS = { place: 1000, pareto: 2000 } as const

export const placementBudget = (): StepBudget =>
  new StepBudget('placement_steps', PLACEMENT_CPU_MS.place * PLACEMENT_STEPS_PER_MS, PLACEMENT_CPU_MS.place)
export const paretoBudget = (): StepBudget =>
  new StepBudget('pareto_steps', PLACEMENT_CPU_MS.pareto * PLACEMENT_STEPS_PER_MS, PLACEMENT_CPU_MS.pareto)
