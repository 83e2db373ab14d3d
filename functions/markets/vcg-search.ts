// Winner determination searches: exact depth-first branch and bound in bidder-id order (so the first optimum
// found is the tie-break's choice), and the value / sqrt(size) greedy with a best-single-bundle safeguard.
import type { StepBudget } from '../budget/index.ts'
import { type AuctionModel, buildBounds, type Item, lpBound } from './vcg-model.ts'

/** The exact search outgrew its share of the budget; under 'auto' the greedy takes over. */
export class ExactAbandoned extends Error {
  override name = 'ExactAbandoned'
}

export interface Search {
  /** Per position (bidders in id order): index into that bidder's items, or -1. */
  choice: Int32Array
  welfare: number
}

function fits(it: Item, rem: Float64Array): boolean {
  for (const r of it.need) if ((it.q[r] as number) > (rem[r] as number)) return false
  return true
}

/**
 * The welfare-maximising allocation without position `excluded` (-1: nobody excluded). Bidders are decided in
 * id order, each trying its bundles in order before losing, so depth-first order is the tie-break order:
 * among equal optima the one where the lowest id wins (with its lowest bundle index) comes first and is kept.
 * `seed` is the welfare of a known allocation (pruning from the start). Spends on `budget`; past `cap` steps
 * (absolute, in `budget.spent`) throws ExactAbandoned.
 */
export function exactSearch(
  m: AuctionModel,
  excluded: number,
  budget: StepBudget,
  cap: number,
  seed = 0,
): Search {
  const n = m.items.length
  const bounds = buildBounds(m, excluded)
  budget.spend(bounds.perResource.reduce((s, p) => s + p.dq.length, n))
  const rem = Array.from({ length: n + 1 }, () => new Float64Array(m.supply.length))
  rem[0]?.set(m.supply)
  const cur = new Int32Array(n).fill(-1)
  const best = { welfare: seed, choice: new Int32Array(n).fill(-1) }
  // with nobody excluded the allocation matters (tie-break): the seed's value is reached again by the search,
  // so equal welfare is accepted until the first optimum is found; otherwise only W*(-i)'s value matters
  let found = excluded >= 0
  const visit = (d: number, w: number): void => {
    if (d === n) {
      budget.spend(1)
      if (w > best.welfare || (!found && w >= best.welfare)) {
        best.welfare = w
        best.choice.set(cur)
        found = true
      }
      return
    }
    const [ub, read] = lpBound(bounds, d, rem[d] as Float64Array, best.welfare - w)
    budget.spend(1 + read)
    if (budget.spent > cap) throw new ExactAbandoned('the exact search outgrew its share of the budget')
    if (found ? w + ub <= best.welfare : w + ub < best.welfare) return
    const here = rem[d] as Float64Array
    const next = rem[d + 1] as Float64Array
    if (d !== excluded) {
      const items = m.items[d] as Item[]
      for (let j = 0; j < items.length; j++) {
        const it = items[j] as Item
        if (!fits(it, here)) continue
        next.set(here)
        for (const r of it.need) next[r] = (here[r] as number) - (it.q[r] as number)
        cur[d] = j
        visit(d + 1, w + it.value)
      }
      cur[d] = -1
    }
    next.set(here)
    visit(d + 1, w)
  }
  visit(0, 0)
  return best
}

/**
 * Greedy: all (bidder, bundle) pairs by value / sqrt(size) (size = share of the supply; Lehmann, O'Callaghan
 * and Shoham's order for single-minded bidders), each taken if its bidder has not won yet and it fits; then
 * the best single bundle if that alone is worth more (without it tiny bundles could block any large one).
 */
export function greedySearch(m: AuctionModel, excluded: number, budget: StepBudget, _cap?: number): Search {
  const n = m.items.length
  const pairs: { k: number; j: number; key: number; value: number }[] = []
  for (let k = 0; k < n; k++) {
    if (k === excluded) continue
    ;(m.items[k] as Item[]).forEach((it, j) => {
      pairs.push({ k, j, value: it.value, key: it.size > 0 ? it.value / Math.sqrt(it.size) : Infinity })
    })
  }
  budget.spend(pairs.length * (1 + Math.ceil(Math.log2(pairs.length + 1))))
  pairs.sort((x, y) => y.key - x.key || y.value - x.value || x.k - y.k || x.j - y.j)
  const rem = Float64Array.from(m.supply)
  const choice = new Int32Array(n).fill(-1)
  let single: (typeof pairs)[number] | undefined
  for (const p of pairs) {
    const it = (m.items[p.k] as Item[])[p.j] as Item
    budget.spend(1 + it.need.length)
    if (
      !single ||
      p.value > single.value ||
      (p.value === single.value && (p.k < single.k || (p.k === single.k && p.j < single.j)))
    )
      single = p
    if (choice[p.k] !== -1 || !fits(it, rem)) continue
    choice[p.k] = p.j
    for (const r of it.need) rem[r] = (rem[r] as number) - (it.q[r] as number)
  }
  let welfare = 0
  for (let k = 0; k < n; k++) {
    const j = choice[k] as number
    if (j >= 0) welfare += ((m.items[k] as Item[])[j] as Item).value
  }
  if (single && single.value > welfare) {
    choice.fill(-1)
    choice[single.k] = single.j
    welfare = single.value
  }
  return { choice, welfare }
}
