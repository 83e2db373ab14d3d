// Gates a batch of events in order against a kernel and its current aggregates (pure, all-or-nothing).
import type { Evaluation, GateResult } from '../../schemas/evaluation.ts'
import type { StepBudget } from '../budget/index.ts'
import type { CompiledKernel } from './compile.ts'
import { type Aggregates, aggView, type EventValue, evaluateEvent, score } from './evaluate.ts'
import type { FoldState } from './folds.ts'
import { admits, verdict } from './gate.ts'
import { expressionBudget } from './limits.ts'

export interface BatchOutcome {
  results: GateResult[]
  /** Aggregates after every event of the batch (meaningful only when `rejected` is undefined). */
  states: FoldState[]
  /** Index of the first event the gate refused; nothing of the batch may be committed then. */
  rejected?: number
}

/** The current state: aggregates as they are, scored with the latest committed event (or `{}`). */
export const currentState = (
  k: CompiledKernel,
  states: Aggregates,
  last: EventValue | undefined,
  budget: StepBudget = expressionBudget(),
) => score(k, aggView(k, states), last ?? {}, [], budget)

export interface GateBatchOptions {
  /** The latest committed event (scores the current state when `known` is not given). */
  last?: EventValue
  /** An explicit override accompanies the batch. */
  override?: boolean
  /** The current state's evaluation when the caller already has it (it equals `currentState`). */
  known?: Evaluation
  /** The holon's pulse quarantined it: every event needs the override. */
  quarantined?: boolean
  /** The holon's KAIROS gate dissipates (incoherent, `gate: 'dissipate'`): every event needs the override. */
  dissipating?: boolean
  /** The request's budget; every evaluation of the batch spends from it (throws BudgetExceededError). */
  budget?: StepBudget
}

export function gateBatch(
  k: CompiledKernel,
  states: Aggregates,
  events: readonly EventValue[],
  {
    last,
    override = false,
    known,
    quarantined = false,
    dissipating = false,
    budget = expressionBudget(),
  }: GateBatchOptions = {},
): BatchOutcome {
  let before = known ?? currentState(k, states, last, budget)
  let cur: FoldState[] = [...states]
  const results: GateResult[] = []
  for (const [i, event] of events.entries()) {
    const { evaluation, states: next } = evaluateEvent(k, cur, event, budget)
    const v = verdict(k.gate, before, evaluation, override, quarantined, dissipating)
    results.push({ ...evaluation, verdict: v, torsion_before: before.torsion })
    if (!admits(v)) return { results, states: cur, rejected: i }
    cur = next
    before = evaluation
  }
  return { results, states: cur }
}
