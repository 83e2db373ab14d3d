// Counterfactual replay: the attempted history gated again without some events or under another kernel.
import type { Verdict } from '../../../schemas/evaluation.ts'
import type { StepBudget } from '../../budget/index.ts'
import {
  admits,
  type CompiledKernel,
  currentState,
  type EventValue,
  type FoldState,
  foldValue,
  gateBatch,
  initialAggregates,
  step,
} from '../../kernel/index.ts'

/** The attempted history in ledger order: committed and rejected events with their verdicts. */
export interface HistoryItem {
  /** ledger index */
  index: number
  /** null for a rejected event */
  seq: number | null
  event: EventValue
  verdict: Verdict
  torsion: number
  kernel_version: number
  /** undone by a rollback: no replay folds it */
  compensated?: boolean
}

export interface FinalState {
  aggregates: Record<string, number | null>
  torsion: number
  state_vector: number[]
}

export interface ChangedVerdict {
  event_id: string
  index: number
  actual: Verdict
  counterfactual: Verdict
}

export interface Counterfactual {
  final: FinalState
  actual: FinalState
  changed_verdicts: ChangedVerdict[]
  /** events of `without` found in the history and left out */
  dropped: number
  /** events gated again */
  replayed: number
}

export interface CounterfactualInput {
  /** The kernel to replay under (the whole history, unless `kernelOf` is given). */
  kernel: CompiledKernel
  history: HistoryItem[]
  /** event ids to drop */
  without?: Set<string>
  /**
   * Replay each event under the kernel version it was gated by (`kernel_version`), refolding the kept history
   * at each switch as the holon did; without it, every event is gated by `kernel`.
   */
  kernelOf?: (version: number) => CompiledKernel
  /** The holon's current kernel: `actual` is the fold of its kept committed events under it (default `kernel`). */
  current?: CompiledKernel
  /** Ledger indices before `from` are folded as they actually were, not gated again; after `to` ignored. */
  from?: number
  to?: number
}

const idOf = (e: EventValue): string => (typeof e.id === 'string' ? e.id : '')

export function finalOf(
  k: CompiledKernel,
  states: readonly FoldState[],
  last: EventValue | undefined,
  budget: StepBudget,
): FinalState {
  const ev = currentState(k, states, last, budget)
  return {
    aggregates: Object.fromEntries(
      k.aggregates.map((a, i) => [a.name, foldValue(a.spec, states[i] as FoldState) ?? null]),
    ),
    torsion: ev.torsion,
    state_vector: ev.state_vector,
  }
}

/** The fold of `events` from empty aggregates under `k`. */
export function foldAll(k: CompiledKernel, events: readonly EventValue[], budget: StepBudget): FoldState[] {
  let states = initialAggregates(k)
  for (const e of events) states = step(k, states, e, budget).states
  return states
}

/**
 * Replays the attempted history (committed and rejected events, ledger order, compensated ones skipped) without
 * the `without` events, gating each event one at a time as the gate would have (`gateBatch` of one; a refused
 * event does not fold; an event the gate admitted by override keeps its override). Pure: changes nothing.
 * Not replayed: the pulse's quarantine and KAIROS dissipation at the time (they depend on beats, not events).
 */
export function counterfactual(input: CounterfactualInput, budget: StepBudget): Counterfactual {
  const { history, without = new Set<string>(), kernelOf, from = 0, to = Number.POSITIVE_INFINITY } = input
  const items = history.filter((h) => !h.compensated && h.index <= to)
  const kernelFor = (v: number) => (kernelOf ? kernelOf(v) : input.kernel)
  let k = kernelFor(items[0]?.kernel_version ?? 1)
  let version = items[0]?.kernel_version ?? 1
  let states = initialAggregates(k)
  const kept: EventValue[] = []
  const changed: ChangedVerdict[] = []
  let dropped = 0
  let replayed = 0
  for (const item of items) {
    if (kernelOf && item.kernel_version !== version) {
      version = item.kernel_version
      k = kernelFor(version)
      states = foldAll(k, kept, budget)
    }
    const id = idOf(item.event)
    if (without.has(id)) {
      dropped++
      continue
    }
    if (item.index < from) {
      // before the window: as it happened
      if (admits(item.verdict)) {
        states = step(k, states, item.event, budget).states
        kept.push(item.event)
      }
      continue
    }
    replayed++
    const outcome = gateBatch(k, states, [item.event], {
      last: kept.at(-1),
      override: item.verdict === 'admit_override',
      budget,
    })
    const v = (outcome.results[0] as { verdict: Verdict }).verdict
    if (v !== item.verdict)
      changed.push({ event_id: id, index: item.index, actual: item.verdict, counterfactual: v })
    if (outcome.rejected === undefined) {
      states = outcome.states
      kept.push(item.event)
    }
  }
  const now = input.current ?? input.kernel
  // a kernel activated after the last event refolded the history too
  if (kernelOf && now.digest !== k.digest) {
    k = now
    states = foldAll(k, kept, budget)
  }
  const actualEvents = items.filter((h) => admits(h.verdict)).map((h) => h.event)
  const final = finalOf(k, states, kept.at(-1), budget)
  const actual = finalOf(now, foldAll(now, actualEvents, budget), actualEvents.at(-1), budget)
  return { final, actual, changed_verdicts: changed, dropped, replayed }
}
