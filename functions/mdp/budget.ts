// The failover solver's work budget: value-iteration backups, calibrated to CPU milliseconds (docs/control.md).
import { StepBudget } from '../budget/index.ts'

/** Multiply-adds of a Bellman backup per CPU millisecond on the reference machine (`npm run bench -- control`). */
export const MDP_STEPS_PER_MS = 100_000

/** CPU milliseconds one request's value iteration may cost. */
export const MDP_CPU_MS = 50

export const mdpBudget = (ms = MDP_CPU_MS): StepBudget =>
  new StepBudget('mdp_steps', ms * MDP_STEPS_PER_MS, ms)
