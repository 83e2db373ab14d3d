// Folds events into aggregate states and scores a state: state vector, torsion, violations, errors.
import type { Evaluation, ExprError, Violation } from '../../schemas/evaluation.ts'
import { BudgetExceededError, type StepBudget } from '../budget/index.ts'
import type { CompiledKernel } from './compile.ts'
import { emptyFold, type FoldState, fold, foldValue } from './folds.ts'
import { expressionBudget } from './limits.ts'
import { exhausted } from './meter.ts'
import { celValue } from './values.ts'

export type Aggregates = readonly FoldState[]
export type EventValue = Record<string, unknown>

export const initialAggregates = (k: CompiledKernel): FoldState[] => k.aggregates.map(emptyFold)

/** A number from a CEL result: booleans count 0/1; anything else, NaN or Infinity is an error. */
function numeric(v: unknown): number {
  const x = typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? (v ? 1 : 0) : v
  if (typeof x !== 'number') throw new Error(`evaluated to ${v === null ? 'null' : typeof v}, not a number`)
  if (!Number.isFinite(x)) throw new Error(`evaluated to ${x}`)
  return x
}

/** An exhausted budget ends the whole request; it is never one expression's error. */
function rethrowBudget(e: unknown, budget: StepBudget): void {
  if (e instanceof BudgetExceededError) throw e
  exhausted(budget)
}

const message = (e: unknown) => String((e as { summary?: unknown })?.summary ?? (e as Error)?.message ?? e)

export interface StepResult {
  states: FoldState[]
  /** Aggregates whose expression or filter failed on this event: they are left unchanged. */
  errors: ExprError[]
}

/**
 * O(1) in the history length: one fold per aggregate. Without a budget the call gets its own (one event's
 * fold is one unit of work when rebuilding from history); throws BudgetExceededError when it runs out.
 */
export const step = (
  k: CompiledKernel,
  states: Aggregates,
  event: EventValue,
  budget: StepBudget = expressionBudget(),
): StepResult => fold1(k, states, celValue(event), budget)

function fold1(k: CompiledKernel, states: Aggregates, event: unknown, budget: StepBudget): StepResult {
  // A fold without expressions (`count`) still costs a step: history length x aggregates is metered too.
  budget.spend(k.aggregates.length)
  const errors: ExprError[] = []
  const vars = { event }
  const next = k.aggregates.map((a, i) => {
    const s = states[i] as FoldState
    try {
      if (a.where && numeric(a.where(vars, budget)) === 0) return s
      return fold(a.spec, s, a.expr ? numeric(a.expr(vars, budget)) : 1)
    } catch (e) {
      rethrowBudget(e, budget)
      errors.push({ aggregate: a.name, message: message(e) })
      return s
    }
  })
  return { states: next, errors }
}

/** What `agg` holds for expressions; failed or still-empty aggregates are absent, so reading them is an error. */
export function aggView(
  k: CompiledKernel,
  states: Aggregates,
  failed: readonly ExprError[] = [],
): Record<string, number> {
  const view: Record<string, number> = {}
  const skip = new Set(failed.map((e) => e.aggregate))
  k.aggregates.forEach((a, i) => {
    const v = foldValue(a.spec, states[i] as FoldState)
    if (v !== undefined && !skip.has(a.name)) view[a.name] = v
  })
  return view
}

/**
 * Scores every invariant on a state. An invariant whose score fails to evaluate scores 0 and is
 * listed in `errors` and `violations`: an error is never a silent pass.
 */
export const score = (
  k: CompiledKernel,
  agg: Record<string, number>,
  event: EventValue,
  prior: ExprError[] = [],
  budget: StepBudget = expressionBudget(),
): Evaluation => score1(k, agg, celValue(event), prior, budget)

function score1(
  k: CompiledKernel,
  agg: Record<string, number>,
  event: unknown,
  prior: ExprError[],
  budget: StepBudget,
): Evaluation {
  const errors = [...prior]
  const violations: Violation[] = []
  const vars = { agg, event }
  let torsion = 0
  const state_vector = k.invariants.map((inv) => {
    let s: number
    let failed = false
    try {
      s = Math.min(1, Math.max(0, numeric(inv.score(vars, budget))))
    } catch (e) {
      rethrowBudget(e, budget)
      errors.push({ invariant: inv.name, message: message(e) })
      s = 0
      failed = true
    }
    const { threshold, weight } = inv.spec
    const gap = Math.max(0, threshold - s)
    const cost = weight * gap * gap
    torsion += cost
    if (gap > 0 || failed) violations.push({ invariant: inv.name, score: s, threshold, weight, cost })
    return s
  })
  return {
    dimensions: k.dimensions,
    state_vector,
    torsion,
    violations,
    errors,
    admissible: violations.length === 0 && errors.length === 0,
  }
}

/** The state after `event`: fold it, then score with it as `event`. */
export function evaluateEvent(
  k: CompiledKernel,
  states: Aggregates,
  event: EventValue,
  budget: StepBudget = expressionBudget(),
): { evaluation: Evaluation; states: FoldState[] } {
  const value = celValue(event) // converted once for the fold and the score
  const stepped = fold1(k, states, value, budget)
  const evaluation = score1(k, aggView(k, stepped.states, stepped.errors), value, stepped.errors, budget)
  return { evaluation, states: stepped.states }
}
