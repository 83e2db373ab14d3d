// A stored topology's embedding as a job in bounded chunks: placement along the BFS order (embed.ts's
// Placement), then greedy evaluation by source, each chunk within a step budget, each resumable from stored state.
import { StepBudget } from '../budget/index.ts'
import { COLD_VISIT_STEPS, ROW_STEPS } from './budgets.ts'
import { PLACE_STEPS } from './embed.ts'
import { bfsHops, type GreedyQuality } from './evaluate.ts'
import { greedyRoute } from './greedy.ts'
import type { Topology } from './topology.ts'

/** Nodes one placement chunk of `steps` may place: each is placed, then written as one SQLite row. */
export const placeQuota = (steps: number): number =>
  Math.max(1, Math.floor(steps / (PLACE_STEPS + ROW_STEPS)))

/** Sums of greedy evaluation so far; sources in order of first appearance among the pairs, as greedyQuality walks them. */
export interface TallyState {
  /** Source groups done. */
  sources: number
  /** Pairs evaluated. */
  pairs: number
  delivered: number
  stretch_sum: number
  max_stretch: number
}

export const emptyTally = (): TallyState => ({
  sources: 0,
  pairs: 0,
  delivered: 0,
  stretch_sum: 0,
  max_stretch: 0,
})

/**
 * Evaluates source groups from `tally.sources` on, at least one, until `steps` are spent (a BFS per source,
 * the greedy walks as they go); returns the advanced tally. One group is never split: its cost is one BFS
 * and its walks, far below a request's budget.
 */
export function evaluateChunk(
  topo: Topology,
  groups: readonly [number, number[]][],
  tally: TallyState,
  steps: number,
): TallyState {
  const t = { ...tally }
  const counter = new StepBudget('evaluate_chunk', Number.POSITIVE_INFINITY, 0)
  const bfs = (topo.slots + 2 * topo.edgeCount) * COLD_VISIT_STEPS
  while (t.sources < groups.length && (t.sources === tally.sources || counter.spent < steps)) {
    const [s, targets] = groups[t.sources] as [number, number[]]
    counter.spend(bfs)
    const hops = bfsHops(topo, s)
    for (const target of targets) {
      const r = greedyRoute(topo, s, { node: target }, counter)
      t.pairs++
      if (r.status !== 'delivered') continue
      t.delivered++
      const st = s === target ? 1 : (r.path.length - 1) / (hops[target] as number)
      t.stretch_sum += st
      t.max_stretch = Math.max(t.max_stretch, st)
    }
    t.sources++
  }
  return t
}

/** The tally as greedyQuality reports it. */
export const qualityOf = (t: TallyState): GreedyQuality => ({
  pairs: t.pairs,
  delivered: t.delivered,
  success_rate: t.pairs ? t.delivered / t.pairs : 1,
  mean_stretch: t.delivered ? t.stretch_sum / t.delivered : 0,
  max_stretch: t.max_stretch,
})
