// The Pareto frontier over (perf, rel, sust, cost): placements under a lattice of weight vectors, non-dominated kept.
import type { StepBudget } from '../budget/index.ts'
import { paretoBudget } from './budgets.ts'
import { jValue } from './model.ts'
import { place } from './place.ts'
import type { ParetoPoint, Placement, PlacementProblem, Terms, Weights } from './types.ts'

/** Lattice resolution: every weight is a multiple of 1/LATTICE_STEPS (35 vectors for 4 objectives at 4). */
export const LATTICE_STEPS = 4

/** All weight vectors with components in {0, 1/h, ..., 1} summing to 1, in lexicographic order. */
export function weightLattice(h = LATTICE_STEPS): Weights[] {
  const out: Weights[] = []
  for (let a = 0; a <= h; a++)
    for (let b = 0; a + b <= h; b++)
      for (let c = 0; a + b + c <= h; c++)
        out.push({ performance: a / h, cost: b / h, reliability: c / h, sustainability: (h - a - b - c) / h })
  return out
}

const TOL = 1e-12

/** x dominates y: no worse on every objective (perf, rel, sust up; cost down), better on one. */
export function dominates(x: Terms, y: Terms): boolean {
  const ge =
    x.perf >= y.perf - TOL && x.rel >= y.rel - TOL && x.sust >= y.sust - TOL && x.cost <= y.cost + TOL
  const gt = x.perf > y.perf + TOL || x.rel > y.rel + TOL || x.sust > y.sust + TOL || x.cost < y.cost - TOL
  return ge && gt
}

const same = (x: Terms, y: Terms) =>
  Math.abs(x.perf - y.perf) <= TOL &&
  Math.abs(x.rel - y.rel) <= TOL &&
  Math.abs(x.sust - y.sust) <= TOL &&
  Math.abs(x.cost - y.cost) <= TOL

/**
 * Solves under the given weights and every lattice vector; keeps the non-dominated term vectors (one point per
 * distinct vector, the first weights that reached it) and always the given weights' own point, marked `chosen`.
 */
export function paretoFrontier(
  p: PlacementProblem,
  budget: StepBudget = paretoBudget(),
): { points: ParetoPoint[]; chosen: Placement } {
  const chosen = place(p, budget)
  const J = (t: Terms) => jValue(p.weights, t)
  const all: ParetoPoint[] = [{ weights: p.weights, terms: chosen.terms, J: chosen.J, chosen: true }]
  for (const weights of weightLattice()) {
    const r = place({ ...p, weights }, budget)
    all.push({ weights, terms: r.terms, J: J(r.terms), chosen: false })
  }
  const points = all.filter(
    (x, i) =>
      x.chosen ||
      (!all.some((y) => dominates(y.terms, x.terms)) && !all.slice(0, i).some((y) => same(y.terms, x.terms))),
  )
  // the given weights' placement can be dominated when the heuristic solved it (or by the stability bonus): say so
  const own = points[0] as ParetoPoint
  if (all.some((y) => dominates(y.terms, own.terms))) own.dominated = true
  return { points, chosen }
}
