// Simulates a proposed kernel against the stored history: which past events its gate would have refused.
import type { StepBudget } from '../../budget/index.ts'
import {
  type Aggregates,
  type CompiledKernel,
  currentState,
  type EventValue,
  evaluateEvent,
  type FoldState,
  initialAggregates,
  verdict,
} from '../../kernel/index.ts'

export interface Simulation {
  refused: number
  first_refused?: { seq: number; event_id: string }
  /** seqs of the refused events, at most REFUSED_LISTED of them (the first ones) */
  refused_at: number[]
}

export const REFUSED_LISTED = 100

/** A verdict the proposal would not have passed cleanly: refused, needing an override, or flagged. */
const refuses = (v: string) => v !== 'admit' && v !== 'admit_improving'

/**
 * Every event is folded whatever the verdict (it did happen): the count is of past events the proposed gate
 * would have stopped (without override, quarantine or dissipation), each judged on the history as it was.
 * `firstSeq` is the seq of events[0]; `before` the event preceding the window (it scores the state before it).
 */
export function simulate(
  kernel: CompiledKernel,
  events: readonly EventValue[],
  budget: StepBudget,
  { start, firstSeq = 1, before }: { start?: Aggregates; firstSeq?: number; before?: EventValue } = {},
): Simulation {
  let states: FoldState[] = [...(start ?? initialAggregates(kernel))]
  let prior = currentState(kernel, states, before, budget)
  const out: Simulation = { refused: 0, refused_at: [] }
  events.forEach((event, i) => {
    const r = evaluateEvent(kernel, states, event, budget)
    if (refuses(verdict(kernel.gate, prior, r.evaluation, false))) {
      const seq = firstSeq + i
      out.refused++
      out.first_refused ??= { seq, event_id: String(event.id ?? '') }
      if (out.refused_at.length < REFUSED_LISTED) out.refused_at.push(seq)
    }
    states = r.states
    prior = r.evaluation
  })
  return out
}
