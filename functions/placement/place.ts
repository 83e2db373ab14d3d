// place(): exact MIP where the program is small, greedy + relocation search with a stated bound beyond it.
import type { StepBudget } from '../budget/index.ts'
import { distanceSteps } from '../geometry/index.ts'
import { placementBudget } from './budgets.ts'
import { buildCells } from './cells.ts'
import { candidates, EXACT_MAX_VARS, solveExact } from './exact.ts'
import { solveHeuristic } from './heuristic.ts'
import { buildModel, type Demand, type Model } from './model.ts'
import { finish, termsOf } from './result.ts'
import type { Placement, PlacementProblem } from './types.ts'

/** Most (demand, node) pairs scanned to build the exact program; beyond it the heuristic runs directly. */
export const EXACT_MAX_PAIRS = 4000

export interface PlaceOptions {
  /** Skip the exact solver (benchmarks, and checks of the heuristic against it). */
  heuristicOnly?: boolean
  /** One cell holding every node: no spatial pruning (to check that pruning never changes a decision). */
  fullScan?: boolean
}

/** Places every demand's replicas; infeasible replicas come back in `unplaced`, never as a throw. */
export function place(
  p: PlacementProblem,
  budget: StepBudget = placementBudget(),
  opts: PlaceOptions = {},
): Placement {
  const m = buildModel(p)
  return placeModel(m, budget, opts)
}

export function placeModel(m: Model, budget: StepBudget, opts: PlaceOptions = {}): Placement {
  const pairs = m.demands.length * m.nodes.length
  if (!opts.heuristicOnly && pairs <= EXACT_MAX_PAIRS) {
    const dim = m.nodes[0]?.point.length ?? 2
    budget.spend(pairs * distanceSteps(dim) * 2)
    const cands = candidates(m)
    if (cands.length <= EXACT_MAX_VARS) {
      const exact = solveExact(m, cands, budget)
      if (exact) return finish(m, exact, 'exact')
    }
  }
  const h = solveHeuristic(m, buildCells(m, budget, opts.fullScan ? 1 : undefined), budget)
  return finish(m, h.pairs, 'heuristic', h.bound, h.reasons)
}

/**
 * Terms and J of a given assignment (e.g. replicas kept where they run plus those placed this tick): each
 * replica's terms, averaged over every replica `p` asks for.
 */
export function scorePlacement(
  p: PlacementProblem,
  assignments: readonly { workload: string; node: string }[],
): { terms: Placement['terms']; J: number } {
  const m = buildModel(p)
  const demand = new Map(m.demands.map((d) => [d.d.workload, d]))
  const slot = new Map(p.nodes.map((n, i) => [n.id, i]))
  const pairs: [Demand, number][] = []
  for (const a of assignments) {
    const d = demand.get(a.workload)
    const n = slot.get(a.node)
    if (d && n !== undefined) pairs.push([d, n])
  }
  return termsOf(m, pairs)
}
