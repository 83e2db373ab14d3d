// VCG auction for capacity: winner determination (exact branch and bound, or a greedy with a certified bound
// beyond the exact limit) and Clarke pivot payments. Pure: no I/O (docs/markets.md#vcg-auction-for-capacity).
import { StepBudget } from '../budget/index.ts'
import { type AuctionModel, buildModel, type Item, rootBound } from './vcg-model.ts'

export { AuctionError } from './vcg-model.ts'

import {
  ExactAbandoned,
  exactSearch,
  exactValueWithout,
  greedyReserve,
  greedySearch,
  repairedWithout,
  type Search,
} from './vcg-search.ts'

export type Resources = Record<string, number>
/** An XOR bid: at most one of the bundles wins. */
export interface Bid {
  bidder: string
  bundles: { bundle: Resources; value: number }[]
}
export interface Auction {
  supply: Resources
  bids: Bid[]
  /** 'auto' (default): exact within the exact limit, greedy beyond; 'exact' refuses (budget) rather than approximate. */
  method?: 'auto' | 'exact' | 'greedy'
}
export interface Award {
  bidder: string
  bundle_index: number
  bundle: Resources
  value: number
  payment: number
}
export interface AuctionResult {
  /** Winners only, in the order of `bids`. */
  awards: Award[]
  /** Sum of the winners' reported values. */
  welfare: number
  method: 'exact' | 'greedy'
  /** For 'greedy': a proven factor, welfare >= optimum / bound (an LP upper bound over the welfare reached). */
  bound?: number
  payments_total: number
  steps: number
}
export interface WinnerDetermination {
  /** Per bid (in input order): the index of the winning bundle, or null. */
  chosen: (number | null)[]
  welfare: number
  method: 'exact' | 'greedy'
  bound?: number
}

/** Steps (search nodes and LP-bound segments) per CPU millisecond on the reference machine (`npm run bench -- markets`). */
export const AUCTION_STEPS_PER_MS = 40_000
/** CPU milliseconds one auction may spend. */
export const AUCTION_CPU_MS = 500
export const auctionBudget = (ms = AUCTION_CPU_MS): StepBudget =>
  new StepBudget('auction_steps', ms * AUCTION_STEPS_PER_MS, ms)

/** Maximises reported welfare subject to supply; exact within the exact limit, greedy (with `bound`) beyond. */
export function winnerDetermination(a: Auction, budget: StepBudget = auctionBudget()): WinnerDetermination {
  const m = buildModel(a, budget)
  const { main, method } = solveMain(m, a.method ?? 'auto', budget)
  return {
    chosen: chosenByBid(m, main),
    welfare: main.welfare,
    method,
    ...(method === 'greedy' ? { bound: certifiedBound(m, main.welfare) } : {}),
  }
}

/** The VCG mechanism: welfare-maximising allocation and Clarke pivot payments p_i = W*(-i) - (W* - v_i). */
export function runVcg(a: Auction, budget: StepBudget = auctionBudget()): AuctionResult {
  const start = budget.spent
  const m = buildModel(a, budget)
  const mode = a.method ?? 'auto'
  let { main, method, cap } = solveMain(m, mode, budget)
  let payments: number[]
  try {
    payments = clarke(m, main, method === 'exact' ? exactValueWithout : greedyValueWithout, budget, cap)
  } catch (e) {
    // one of the W*(-i) problems was too hard for the exact share: the whole auction falls back to the greedy,
    // so allocation and payments come from the same rule
    if (!(e instanceof ExactAbandoned) || mode !== 'auto') throw e
    main = greedySearch(m, -1, budget)
    method = 'greedy'
    payments = clarke(m, main, greedyValueWithout, budget, Number.POSITIVE_INFINITY)
  }
  const awards: Award[] = []
  const chosen = chosenByBid(m, main)
  chosen.forEach((j, b) => {
    if (j === null) return
    const bid = a.bids[b] as Bid
    const bundle = bid.bundles[j] as Bid['bundles'][number]
    awards.push({
      bidder: bid.bidder,
      bundle_index: j,
      bundle: bundle.bundle,
      value: bundle.value,
      payment: payments[b] as number,
    })
  })
  let paymentsTotal = 0
  for (const w of awards) paymentsTotal += w.payment
  return {
    awards,
    welfare: main.welfare,
    method,
    ...(method === 'greedy' ? { bound: certifiedBound(m, main.welfare) } : {}),
    payments_total: paymentsTotal,
    steps: budget.spent - start,
  }
}

function solveMain(
  m: AuctionModel,
  mode: 'auto' | 'exact' | 'greedy',
  budget: StepBudget,
): { main: Search; method: 'exact' | 'greedy'; cap: number } {
  if (mode === 'greedy') return { main: greedySearch(m, -1, budget), method: 'greedy', cap: 0 }
  // under 'auto' the exact attempt may use all the budget but what the greedy fallback (allocation and
  // payments) can cost, so 'auto' refuses only when even the greedy would not fit
  const room = Math.min(budget.limit, auctionBudget().limit) - budget.spent
  const cap =
    mode === 'exact' ? Number.POSITIVE_INFINITY : budget.spent + Math.max(0, room - greedyReserve(m))
  try {
    // the greedy's welfare seeds the search: a good incumbent from the start
    const seed = greedySearch(m, -1, budget).welfare
    return { main: exactSearch(m, budget, cap, seed), method: 'exact', cap }
  } catch (e) {
    if (!(e instanceof ExactAbandoned) || mode !== 'auto') throw e
    return { main: greedySearch(m, -1, budget), method: 'greedy', cap: 0 }
  }
}

type ValueWithout = (m: AuctionModel, k: number, budget: StepBudget, cap: number, seed: number) => number
const greedyValueWithout: ValueWithout = (m, k, budget) => greedySearch(m, k, budget).welfare

/** Clarke pivot payments per bid (input order): W*(-i) minus the others' values in the chosen allocation. */
function clarke(
  m: AuctionModel,
  main: Search,
  without: ValueWithout,
  budget: StepBudget,
  cap: number,
): number[] {
  const payments = new Array<number>(m.order.length).fill(0)
  for (let k = 0; k < m.order.length; k++) {
    const j = main.choice[k] as number
    if (j < 0) continue
    const item = (m.items[k] as Item[])[j] as Item
    // the others' welfare summed (not W* - v_i subtracted): it is a feasible allocation's value without i, so
    // the exact W*(-i), which is at least it, never makes a payment negative through rounding
    let others = 0
    for (let o = 0; o < m.order.length; o++) {
      const jo = main.choice[o] as number
      if (o !== k && jo >= 0) others += ((m.items[o] as Item[])[jo] as Item).value
    }
    // the optimum repaired without i seeds the search with a close incumbent (often W*(-i) itself)
    const seed =
      without === greedyValueWithout ? others : Math.max(others, repairedWithout(m, main, k, budget))
    const w = Math.max(others, without(m, k, budget, cap, seed))
    // W*(-i) <= W* bounds the payment by v_i in exact arithmetic; the clamp holds it there under rounding and,
    // for the greedy (not monotone), keeps individual rationality and no positive transfers
    payments[m.order[k] as number] = Math.min(item.value, Math.max(0, w - others))
  }
  return payments
}

function chosenByBid(m: AuctionModel, s: Search): (number | null)[] {
  const chosen = new Array<number | null>(m.order.length).fill(null)
  for (let k = 0; k < m.order.length; k++) {
    const j = s.choice[k] as number
    if (j >= 0) chosen[m.order[k] as number] = ((m.items[k] as Item[])[j] as Item).index
  }
  return chosen
}

/** welfare >= optimum / bound: the LP relaxation's value at the root bounds the optimum from above. */
function certifiedBound(m: AuctionModel, welfare: number): number {
  const ub = rootBound(m)
  if (welfare <= 0) return 1
  return Math.max(1, ub / welfare)
}
