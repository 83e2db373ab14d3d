// MS-Beta induction: threshold proposals and candidate invariants from a holon's history, each simulated by replay.
import type { KernelSpec } from '../../../schemas/kernel.ts'
import type { StepBudget } from '../../budget/index.ts'
import { type CompiledKernel, compileKernel, type EventValue, type FoldState } from '../../kernel/index.ts'
import { type CandidateInvariant, candidatesOf, MIN_STATES } from './candidates.ts'
import { replaySeries } from './history.ts'
import { quantileWithInterval } from './quantile.ts'
import { type Simulation, simulate } from './simulate.ts'

export interface InductionInput {
  kernel: CompiledKernel
  /** committed history, in order */
  events: EventValue[]
  /** aggregates before the first given event, default initial */
  start?: FoldState[]
  /** confidence level of the quantiles' intervals, default 0.95 */
  level?: number
  /** the fraction of past states a proposed threshold keeps admitted, default 0.99 */
  coverage?: number
  /** seq of events[0] (default 1) and the event before it (scores the state the window starts from) */
  first_seq?: number
  before?: EventValue
}

export interface ThresholdProposal {
  invariant: string
  current: number
  proposed: number
  /** the quantile proposed: 1 − coverage */
  quantile: number
  /** distribution-free CI of that quantile (order statistics, binomial) at `level` */
  interval: [number, number]
  /** states the score evaluated on */
  n: number
}

export type Proposal = ThresholdProposal | CandidateInvariant

export interface Induction {
  thresholds: (ThresholdProposal & { simulation: Simulation })[]
  candidates: (CandidateInvariant & { simulation: Simulation })[]
}

export const isThreshold = (p: Proposal): p is ThresholdProposal => 'invariant' in p

/** The kernel a proposal would install: the threshold changed, or the candidate added (weight 1). */
export function proposedSpec(spec: KernelSpec, p: Proposal): KernelSpec {
  if (isThreshold(p)) {
    const inv = spec.invariants[p.invariant]
    if (!inv) throw new RangeError(`no invariant '${p.invariant}'`)
    return { ...spec, invariants: { ...spec.invariants, [p.invariant]: { ...inv, threshold: p.proposed } } }
  }
  return {
    ...spec,
    invariants: {
      ...spec.invariants,
      [p.name]: { score: p.score, threshold: p.threshold, weight: 1, description: `induced: ${p.basis}` },
    },
  }
}

export function induce(input: InductionInput, budget: StepBudget): Induction {
  const { kernel, events, start, level = 0.95, coverage = 0.99 } = input
  const series = replaySeries(kernel, events, start, budget)
  const p = 1 - coverage
  const thresholds: ThresholdProposal[] = []
  kernel.invariants.forEach((inv, i) => {
    const xs = (series.scores[i] ?? []).filter((x) => !Number.isNaN(x))
    // Too few states, or a constant score (no spread to take a quantile of): nothing to propose.
    if (xs.length < MIN_STATES || xs.every((x) => x === xs[0])) return
    budget.spend(xs.length)
    const q = quantileWithInterval(xs, p, level, [0, 1])
    if (q.value === inv.spec.threshold) return
    thresholds.push({
      invariant: inv.name,
      current: inv.spec.threshold,
      proposed: q.value,
      quantile: p,
      interval: q.interval,
      n: xs.length,
    })
  })
  const candidates = candidatesOf(kernel, series.values, budget)
  const sim = (proposal: Proposal) =>
    simulate(compileKernel(proposedSpec(kernel.spec, proposal), { stored: true }), events, budget, {
      start,
      firstSeq: input.first_seq ?? 1,
      before: input.before,
    })
  return {
    thresholds: thresholds.map((t) => ({ ...t, simulation: sim(t) })),
    candidates: candidates.map((c) => ({ ...c, simulation: sim(c) })),
  }
}
