// The stress search's budget: `stress_steps`, calibrated to CPU milliseconds (bench/lab-stress.ts measures it).
import { StepBudget } from '../../budget/index.ts'

/**
 * Nanoseconds one stress step costs at the slow end of the planted kernels, warmed up (Node 22 = workerd's V8,
 * Xeon 2.8 GHz x2 shared): steps are expression steps plus CANDIDATE_STEPS per candidate event and replay.
 */
export const STRESS_NS_PER_STEP = 100

export const stressSteps = (ms: number): number => Math.floor((ms * 1e6) / STRESS_NS_PER_STEP)

export const stressBudget = (ms: number): StepBudget => new StepBudget('stress_steps', stressSteps(ms), ms)
