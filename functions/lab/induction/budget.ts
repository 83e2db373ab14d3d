// The induction request's work budget: kernel expression steps plus one step per state examined, in CPU ms.
import { StepBudget } from '../../budget/index.ts'

/**
 * Calibration (`npm run bench -- lab`, bench/lab-induction.ts; docs/kernel-lab-induction.md): on the
 * reference machine (Xeon 2.8 GHz x2, shared; Node 22) a whole induction costs 100 to 160 ns per step across
 * history lengths; the slow end is used so the stated milliseconds are an upper estimate.
 */
export const NS_PER_INDUCTION_STEP = 160
/** Enough for the default window (10,000 events) under a kernel of a few invariants and aggregates. */
export const INDUCTION_STEPS = 20_000_000
export const INDUCTION_CPU_MS = Math.round((INDUCTION_STEPS * NS_PER_INDUCTION_STEP) / 1e6)

export const inductionBudget = (limit = INDUCTION_STEPS): StepBudget =>
  new StepBudget('induction_steps', limit, Math.round((limit * NS_PER_INDUCTION_STEP) / 1e6))
