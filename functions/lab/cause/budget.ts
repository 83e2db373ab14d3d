// The cause_steps budget: history replays, attributions and rollbacks counted in kernel steps, calibrated to CPU ms.
import { StepBudget } from '../../budget/index.ts'
import { NS_PER_STEP } from '../../kernel/index.ts'

/**
 * One step is one kernel step as `step`/`score` count them (one per aggregate folded, one per expression node,
 * EVALUATION_STEPS per expression). Measured by `npx tsx bench/lab-cause.ts` (docs/kernel-lab-cause.md) at
 * the expression calibration's rate or below, so NS_PER_STEP (100 ns) keeps the stated milliseconds an upper estimate.
 */
export const CAUSE_STEPS = 10_000_000
export const CAUSE_CPU_MS = Math.round((CAUSE_STEPS * NS_PER_STEP) / 1e6)

export const causeBudget = (steps = CAUSE_STEPS): StepBudget =>
  new StepBudget('cause_steps', steps, Math.round((steps * NS_PER_STEP) / 1e6))
