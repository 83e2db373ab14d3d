// Work limits of kernel expressions: the per-request step budget, its CPU calibration, and value sizes.
import { MAX_EVENT_LIST } from '../../schemas/event.ts'
import type { KernelSpec } from '../../schemas/kernel.ts'
import { BudgetExceededError, StepBudget } from '../budget/index.ts'

export { MAX_EVENT_LIST }

/**
 * Calibration (docs/kernel.md, `npx node test/kernel/calibrate.ts`): one step is one expression node
 * evaluated (or CHARS_PER_STEP characters / ITEMS_PER_STEP items handled by a string or list operation).
 * Measured on the reference machine (Xeon 2.8 GHz x2, shared; Node 22 = workerd's V8) at 50 to 100 ns per
 * step across workload shapes; the slow end is used so the stated milliseconds are an upper estimate.
 */
export const NS_PER_STEP = 100
/** Steps one request may spend on kernel expressions (torsion call, commit batch, rebuild of one event). */
export const EXPRESSION_STEPS = 1_000_000
export const EXPRESSION_CPU_MS = Math.round((EXPRESSION_STEPS * NS_PER_STEP) / 1e6)

/** Fixed cost of one expression evaluation (context set-up, result checks), in steps. */
export const EVALUATION_STEPS = 10
export const CHARS_PER_STEP = 64
export const ITEMS_PER_STEP = 8

/** The longest string and the longest list an expression may build (`+`, `join`, `split`). */
export const MAX_VALUE_CHARS = 1 << 20
export const MAX_VALUE_ITEMS = 1 << 16

/** A fresh budget for one request's kernel evaluations. */
export const expressionBudget = (): StepBudget =>
  new StepBudget('expression_steps', EXPRESSION_STEPS, EXPRESSION_CPU_MS)

/**
 * Expression source an anonymous caller may have compiled per request (`POST /v1/torsion` brings its own
 * kernel): compiling, costing and instrumenting is linear in the source, about 1 ms of CPU per KiB measured
 * here, and a compiled kernel keeps tens of bytes of heap per source character.
 */
export const KERNEL_SOURCE_CHARS = 65_536
const SOURCE_CPU_MS = 64

/** Characters of every expression in `spec` (scores, aggregate expressions and filters). */
export function kernelSourceChars(spec: KernelSpec): number {
  let n = 0
  for (const inv of Object.values(spec.invariants)) n += inv.score.length
  for (const a of Object.values(spec.aggregates))
    n += ('expr' in a ? a.expr.length : 0) + (a.where?.length ?? 0)
  return n
}

/** Refuses a kernel whose expressions exceed KERNEL_SOURCE_CHARS before any of it is compiled. */
export function checkKernelSource(spec: KernelSpec): number {
  const n = kernelSourceChars(spec)
  if (n > KERNEL_SOURCE_CHARS)
    throw new BudgetExceededError(
      'kernel_source',
      KERNEL_SOURCE_CHARS,
      'bytes',
      SOURCE_CPU_MS,
      `the kernel's expressions hold ${n} characters; a request may compile at most ${KERNEL_SOURCE_CHARS} (about ${SOURCE_CPU_MS} ms of CPU)`,
    )
  return n
}
