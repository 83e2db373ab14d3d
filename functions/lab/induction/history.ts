// Replays a committed history under a kernel: each invariant's score and each aggregate's value after every event.
import type { StepBudget } from '../../budget/index.ts'
import {
  type Aggregates,
  aggView,
  type CompiledKernel,
  type EventValue,
  evaluateEvent,
  type FoldState,
  initialAggregates,
} from '../../kernel/index.ts'

export interface HistorySeries {
  /** scores[i][t]: invariant i's clamped score after event t; NaN where the score failed to evaluate. */
  scores: number[][]
  /** values[a][t]: aggregate a as `agg` saw it after event t; NaN where absent (empty or failed). */
  values: number[][]
}

export function replaySeries(
  kernel: CompiledKernel,
  events: readonly EventValue[],
  start: Aggregates | undefined,
  budget: StepBudget,
): HistorySeries {
  const scores = kernel.invariants.map(() => [] as number[])
  const values = kernel.aggregates.map(() => [] as number[])
  let states: FoldState[] = [...(start ?? initialAggregates(kernel))]
  for (const event of events) {
    const r = evaluateEvent(kernel, states, event, budget)
    const failed = new Set(
      r.evaluation.errors.flatMap((e) => (e.invariant === undefined ? [] : [e.invariant])),
    )
    r.evaluation.state_vector.forEach((s, i) => {
      scores[i]?.push(failed.has(kernel.invariants[i]?.name ?? '') ? Number.NaN : s)
    })
    const foldErrors = r.evaluation.errors.filter((e) => e.aggregate !== undefined)
    const view = aggView(kernel, r.states, foldErrors)
    kernel.aggregates.forEach((a, i) => {
      values[i]?.push(view[a.name] ?? Number.NaN)
    })
    states = r.states
  }
  return { scores, values }
}
