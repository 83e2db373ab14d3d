// Winner determination searches: exact branch and bound in two phases (the optimum's value in knapsack order,
// then the tie-break's allocation in bidder-id order), and the value / sqrt(size) greedy with a safeguard.
import type { StepBudget } from '../budget/index.ts'
import { type AuctionModel, type Bounds, buildBounds, type Item, lpBound } from './vcg-model.ts'

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

/** How a search ends: the best welfare above a seed (value only), or the first allocation reaching a target. */
type Goal = { kind: 'max'; seed: number } | { kind: 'first'; target: number }

const tables = new WeakMap<AuctionModel, Bounds>()

/** The bound tables of `m`, built (and charged: a sort of each resource's hull segments) once. */
function boundsOf(m: AuctionModel, budget: StepBudget): Bounds {
  const known = tables.get(m)
  if (known) return known
  let pairs = 0
  for (const items of m.items) pairs += items.length
  // per resource: a hull per bidder, then a sort of the segments (measured: about 16 + log2 steps per item)
  budget.spend(m.items.length + m.supply.length * pairs * (16 + Math.ceil(Math.log2(pairs + 1))))
  const built = buildBounds(m)
  tables.set(m, built)
  return built
}

const scratch = new WeakMap<AuctionModel, Float64Array[]>()

/** What is left at each depth: allocated once per auction, reused by every search (they never nest). */
function scratchOf(m: AuctionModel): Float64Array[] {
  let rem = scratch.get(m)
  if (!rem) {
    rem = Array.from({ length: m.items.length + 1 }, () => new Float64Array(m.supply.length))
    scratch.set(m, rem)
  }
  return rem
}

/**
 * Depth-first branch and bound over positions 0..n-1 (each tries its items in order, then losing), pruned by
 * the LP bound. Position `excluded` (-1: none) never wins. Spends on `budget`; past `cap` (absolute, in
 * `budget.spent`) throws ExactAbandoned.
 */
function branchAndBound(
  m: AuctionModel,
  excluded: number,
  budget: StepBudget,
  cap: number,
  goal: Goal,
): Search {
  const n = m.items.length
  const bounds = boundsOf(m, budget)
  const rem = scratchOf(m)
  rem[0]?.set(m.supply)
  const cur = new Int32Array(n).fill(-1)
  const best = { welfare: goal.kind === 'max' ? goal.seed : Number.NaN, choice: new Int32Array(n).fill(-1) }
  const target = goal.kind === 'first' ? goal.target : Number.NaN
  let done = false
  const visit = (d: number, w: number): void => {
    if (d === n) {
      budget.spend(1)
      if (goal.kind === 'first' ? w >= target : w > best.welfare) {
        best.welfare = w
        best.choice.set(cur)
        done = goal.kind === 'first'
      }
      return
    }
    const bar = goal.kind === 'first' ? target : best.welfare
    const [ub, read] = lpBound(bounds, d, rem[d] as Float64Array, bar - w, excluded)
    budget.spend(1 + bounds.perResource.length + read)
    if (budget.spent > cap) throw new ExactAbandoned('the exact search outgrew its share of the budget')
    if (goal.kind === 'first' ? w + ub < target : w + ub <= best.welfare) return
    const here = rem[d] as Float64Array
    const next = rem[d + 1] as Float64Array
    if (d !== excluded) {
      const items = m.items[d] as Item[]
      for (let j = 0; j < items.length && !done; j++) {
        const it = items[j] as Item
        // the fit check, and the copy of what is left
        budget.spend(it.need.length + here.length)
        if (!fits(it, here)) continue
        next.set(here)
        for (const r of it.need) next[r] = (here[r] as number) - (it.q[r] as number)
        cur[d] = j
        visit(d + 1, w + it.value)
      }
      cur[d] = -1
    }
    if (done) return
    next.set(here)
    visit(d + 1, w)
  }
  visit(0, 0)
  return best
}

const orderings = new WeakMap<AuctionModel, { model: AuctionModel; from: number[] }>()

/**
 * The model with positions ordered for search speed (knapsack order: best value per share of supply first)
 * and each bidder's items by value, highest first. Returns it and the position map new -> old.
 */
function searchOrder(m: AuctionModel): { model: AuctionModel; from: number[] } {
  const known = orderings.get(m)
  if (known) return known
  const eff = m.items.map((items) => {
    let e = 0
    for (const it of items) e = Math.max(e, it.size > 0 ? it.value / it.size : Number.POSITIVE_INFINITY)
    return e
  })
  const from = m.items.map((_, k) => k).sort((x, y) => (eff[y] as number) - (eff[x] as number) || x - y)
  const items = from.map((k) =>
    [...(m.items[k] as Item[])].sort((x, y) => y.value - x.value || x.index - y.index),
  )
  const ordered = { model: { ...m, items, order: from.map((k) => m.order[k] as number) }, from }
  orderings.set(m, ordered)
  return ordered
}

/**
 * The welfare-maximising allocation, ties broken by bidder id. Phase one finds the optimum's value W* in
 * knapsack order (fast); phase two walks positions in id order, each trying its bundles in order before losing,
 * and stops at the first allocation worth W* (up to rounding): depth-first order is the tie-break order, so
 * among equal optima the one where the lowest id wins (with its lowest bundle index) is chosen. `seed`: a known
 * allocation's value.
 */
export function exactSearch(m: AuctionModel, budget: StepBudget, cap: number, seed: number): Search {
  const { model } = searchOrder(m)
  const optimum = Math.max(seed, branchAndBound(model, -1, budget, cap, { kind: 'max', seed }).welfare)
  // integer values sum exactly (the schema keeps totals below 2^53), so phase two looks for W* itself; other
  // values may sum differently in the two orders, by at most about 2n ulps of W*
  let integral = Number.isSafeInteger(optimum)
  for (const items of m.items) for (const it of items) integral &&= Number.isInteger(it.value)
  const slack = integral ? 0 : 4 * m.items.length * Number.EPSILON * Math.abs(optimum)
  const target = optimum - slack
  const found = branchAndBound(m, -1, budget, cap, { kind: 'first', target })
  // the optimum's allocation sums to within rounding of W* in any order, so the first phase-two leaf exists
  if (Number.isNaN(found.welfare)) throw new Error('auction search: no allocation reaches the optimum found')
  return found
}

/** W*(-k): the optimum's value without position `k` (id order), at least `seed` (a known allocation's value). */
export function exactValueWithout(
  m: AuctionModel,
  k: number,
  budget: StepBudget,
  cap: number,
  seed: number,
): number {
  const { model, from } = searchOrder(m)
  return Math.max(seed, branchAndBound(model, from.indexOf(k), budget, cap, { kind: 'max', seed }).welfare)
}

interface Pair {
  k: number
  j: number
  key: number
  value: number
}

/** Sorted once per auction: the W*(-i) greedies of the payments walk the same order, skipping i. */
const orders = new WeakMap<AuctionModel, Pair[]>()

function greedyOrder(m: AuctionModel, budget: StepBudget): Pair[] {
  const known = orders.get(m)
  if (known) return known
  const pairs: Pair[] = []
  m.items.forEach((items, k) => {
    items.forEach((it, j) => {
      pairs.push({ k, j, value: it.value, key: it.size > 0 ? it.value / Math.sqrt(it.size) : Infinity })
    })
  })
  // a comparison sort of objects: about GREEDY_STEP steps per comparison at the calibrated rate
  budget.spend(GREEDY_STEP * pairs.length * (1 + Math.ceil(Math.log2(pairs.length + 1))))
  pairs.sort((x, y) => y.key - x.key || y.value - x.value || x.k - y.k || x.j - y.j)
  orders.set(m, pairs)
  return pairs
}

/** Steps charged per pair the greedy reads: measured against the search's steps (`npm run bench -- markets`). */
const GREEDY_STEP = 8

/**
 * The optimum without position `k`, repaired: `base` minus k, then the greedy order's bundles of the bidders
 * left out wherever they fit in what k frees. A feasible allocation's welfare without k, usually W*(-k)
 * itself, so the exact search only has to prove it.
 */
export function repairedWithout(m: AuctionModel, base: Search, k: number, budget: StepBudget): number {
  const rem = Float64Array.from(m.supply)
  const choice = Int32Array.from(base.choice)
  choice[k] = -1
  let welfare = 0
  choice.forEach((j, o) => {
    if (j < 0) return
    const it = (m.items[o] as Item[])[j] as Item
    for (const r of it.need) rem[r] = (rem[r] as number) - (it.q[r] as number)
    welfare += it.value
  })
  budget.spend(GREEDY_STEP * m.items.length)
  for (const p of greedyOrder(m, budget)) {
    if (p.k === k || choice[p.k] !== -1) continue
    const it = (m.items[p.k] as Item[])[p.j] as Item
    budget.spend(GREEDY_STEP + it.need.length)
    if (!fits(it, rem)) continue
    choice[p.k] = p.j
    for (const r of it.need) rem[r] = (rem[r] as number) - (it.q[r] as number)
    welfare += it.value
  }
  return welfare
}

/** The most the greedy allocation and its payments (one greedy without each winner) can spend on `m`. */
export function greedyReserve(m: AuctionModel): number {
  let pairs = 0
  let reads = 0
  let bidders = 0
  for (const items of m.items) {
    if (items.length > 0) bidders++
    for (const it of items) {
      pairs++
      reads += GREEDY_STEP + it.need.length
    }
  }
  return GREEDY_STEP * pairs * (1 + Math.ceil(Math.log2(pairs + 1))) + reads * (bidders + 1)
}

/**
 * Greedy: all (bidder, bundle) pairs by value / sqrt(size) (size = share of the supply; Lehmann, O'Callaghan
 * and Shoham's order for single-minded bidders), each taken if its bidder has not won yet and it fits; then
 * the best single bundle if that alone is worth more (without it tiny bundles could block any large one).
 */
export function greedySearch(m: AuctionModel, excluded: number, budget: StepBudget): Search {
  const n = m.items.length
  const choice = new Int32Array(n).fill(-1)
  const rem = Float64Array.from(m.supply)
  let single: Pair | undefined
  for (const p of greedyOrder(m, budget)) {
    if (p.k === excluded) continue
    const it = (m.items[p.k] as Item[])[p.j] as Item
    budget.spend(GREEDY_STEP)
    if (
      !single ||
      p.value > single.value ||
      (p.value === single.value && (p.k < single.k || (p.k === single.k && p.j < single.j)))
    )
      single = p
    if (choice[p.k] !== -1) continue
    budget.spend(it.need.length)
    if (!fits(it, rem)) continue
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
