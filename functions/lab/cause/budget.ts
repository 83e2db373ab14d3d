// The cause_steps budget: history replays, attributions and rollbacks counted in kernel steps, calibrated to CPU ms.
import { StepBudget } from '../../budget/index.ts'

/**
 * One step is one kernel step as `step`/`score` count them (one per aggregate folded, one per expression node,
 * EVALUATION_STEPS per expression). Measured with `npx node bench/lab-cause.ts` (docs/kernel-lab-cause.md) at
 * 2,900 to 70,000 steps per CPU ms: small exact attributions are the slow end (per-coalition scoring overhead
 * the steps do not see), long replays the fast end. The slow end is used so the stated ms is an upper estimate.
 */
export const CAUSE_NS_PER_STEP = 400
export const CAUSE_STEPS = 2_500_000
export const CAUSE_CPU_MS = Math.round((CAUSE_STEPS * CAUSE_NS_PER_STEP) / 1e6)

export const causeBudget = (steps = CAUSE_STEPS): StepBudget =>
  new StepBudget('cause_steps', steps, Math.round((steps * CAUSE_NS_PER_STEP) / 1e6))
