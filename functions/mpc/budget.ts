// The MPC solver's work budget: DP candidate evaluations, calibrated to CPU milliseconds (docs/control.md).
import { StepBudget } from '../budget/index.ts'

/** Candidate evaluations per CPU millisecond on the reference machine (`npm run bench -- control`). */
export const MPC_STEPS_PER_MS = 30_000

/** CPU milliseconds one request's plan may cost. */
export const MPC_CPU_MS = 200

export const mpcBudget = (ms = MPC_CPU_MS): StepBudget =>
  new StepBudget('mpc_steps', ms * MPC_STEPS_PER_MS, ms)
