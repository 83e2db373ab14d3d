// The auction as dense arrays (bidders in id order, resources by name) and its LP upper bound on welfare:
// per resource, the relaxation of the multiple-choice knapsack (one bundle per bidder), the tightest of them.
import type { StepBudget } from '../budget/index.ts'
import type { Auction } from './vcg.ts'

/** A bad auction (not merely one without winners); the HTTP edge maps it to a 400. */
export class AuctionError extends Error {
  override name = 'AuctionError'
  readonly issue: 'duplicate_bidder' | 'invalid_number'
  /** JSON pointer into the auction. */
  readonly pointer: string

  constructor(issue: AuctionError['issue'], message: string, pointer: string) {
    super(message)
    this.issue = issue
    this.pointer = pointer
  }
}

/** A bundle that fits the whole supply and has a positive value (others never win). */
export interface Item {
  /** Index in the bidder's `bundles`. */
  index: number
  value: number
  /** Quantity per resource (dense, by `resources`). */
  q: Float64Array
  /** Resources with a positive quantity. */
  need: number[]
  /** Sum over resources of quantity / supply: the bundle's share of the supply (the greedy's size). */
  size: number
}

export interface AuctionModel {
  resources: string[]
  supply: Float64Array
  /** Position (bidders sorted by id, the tie-break order) -> index in `bids`. */
  order: number[]
  /** Per position: the bidder's items in bundle order. */
  items: Item[][]
}

const byCodeUnits = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0)

function finite(x: number, pointer: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
    throw new AuctionError('invalid_number', `${pointer} must be a finite number >= 0`, pointer)
  return x
}

export function buildModel(a: Auction, budget?: StepBudget): AuctionModel {
  // reading the bids: measured at about 40 steps per bundle and per quantity named
  let named = Object.keys(a.supply).length
  for (const bid of a.bids) for (const b of bid.bundles) named += 1 + Object.keys(b.bundle).length
  budget?.spend(40 * named)
  const names = new Set(Object.keys(a.supply))
  for (const bid of a.bids) for (const b of bid.bundles) for (const r of Object.keys(b.bundle)) names.add(r)
  const resources = [...names].sort(byCodeUnits)
  const at = new Map(resources.map((r, i) => [r, i]))
  const supply = new Float64Array(resources.length)
  for (const [r, s] of Object.entries(a.supply)) supply[at.get(r) as number] = finite(s, `/supply/${r}`)
  const seen = new Map<string, number>()
  a.bids.forEach((bid, i) => {
    if (seen.has(bid.bidder))
      throw new AuctionError(
        'duplicate_bidder',
        `bidder ${JSON.stringify(bid.bidder)} bids twice (bids ${seen.get(bid.bidder)} and ${i}); one XOR bid each`,
        `/bids/${i}/bidder`,
      )
    seen.set(bid.bidder, i)
  })
  const order = a.bids
    .map((_, i) => i)
    .sort((x, y) => byCodeUnits(a.bids[x]?.bidder ?? '', a.bids[y]?.bidder ?? ''))
  const items = order.map((b) => {
    const out: Item[] = []
    a.bids[b]?.bundles.forEach((bundle, j) => {
      const value = finite(bundle.value, `/bids/${b}/bundles/${j}/value`)
      const q = new Float64Array(resources.length)
      const need: number[] = []
      let fits = true
      let size = 0
      for (const [r, x] of Object.entries(bundle.bundle)) {
        const k = at.get(r) as number
        q[k] = finite(x, `/bids/${b}/bundles/${j}/bundle/${r}`)
        if (q[k] === 0) continue
        need.push(k)
        if (q[k] > (supply[k] as number)) fits = false
        else size += (q[k] as number) / (supply[k] as number)
      }
      need.sort((x, y) => x - y)
      if (fits && value > 0) out.push({ index: j, value, q, need, size })
    })
    return out
  })
  return { resources, supply, order, items }
}

/**
 * Upper-bound tables, built once per auction and search order; a search without one bidder (the payments'
 * W*(-i)) takes that bidder's share out as it reads them.
 */
export interface Bounds {
  /** Each position's best value, and the sum of those of positions >= d. */
  best: Float64Array
  suffixMax: Float64Array
  /**
   * Per bounding resource: r, each position's best value using none of r (and the suffix sums), the hull
   * segments sorted by slope.
   */
  perResource: {
    r: number
    z: Float64Array
    zero: Float64Array
    /** Each position's largest quantity of r, and the suffix sums: with that much left, r cannot bind. */
    most: Float64Array
    demand: Float64Array
    bidder: Int32Array
    dq: Float64Array
    dv: Float64Array
  }[]
}

export function buildBounds(m: AuctionModel): Bounds {
  const n = m.items.length
  const itemsOf = (k: number): Item[] => m.items[k] as Item[]
  const best = new Float64Array(n)
  const suffixMax = new Float64Array(n + 1)
  for (let k = n - 1; k >= 0; k--) {
    for (const it of itemsOf(k)) best[k] = Math.max(best[k] as number, it.value)
    suffixMax[k] = (suffixMax[k + 1] as number) + (best[k] as number)
  }
  const used = new Set<number>()
  for (let k = 0; k < n; k++) for (const it of itemsOf(k)) for (const r of it.need) used.add(r)
  const perResource = [...used]
    .sort((x, y) => x - y)
    .map((r) => {
      const z = new Float64Array(n)
      const zero = new Float64Array(n + 1)
      const most = new Float64Array(n)
      const demand = new Float64Array(n + 1)
      const segs: { bidder: number; seq: number; dq: number; dv: number; slope: number }[] = []
      for (let k = n - 1; k >= 0; k--) {
        const hull = upperHull(itemsOf(k), r)
        z[k] = hull[0]?.[1] as number
        for (const it of itemsOf(k)) most[k] = Math.max(most[k] as number, it.q[r] as number)
        demand[k] = (demand[k + 1] as number) + (most[k] as number)
        zero[k] = (zero[k + 1] as number) + (z[k] as number)
        for (let s = 1; s < hull.length; s++) {
          const [q0, v0] = hull[s - 1] as [number, number]
          const [q1, v1] = hull[s] as [number, number]
          segs.push({ bidder: k, seq: s, dq: q1 - q0, dv: v1 - v0, slope: (v1 - v0) / (q1 - q0) })
        }
      }
      segs.sort((x, y) => y.slope - x.slope || x.bidder - y.bidder || x.seq - y.seq)
      return {
        r,
        z,
        zero,
        most,
        demand,
        bidder: Int32Array.from(segs, (s) => s.bidder),
        dq: Float64Array.from(segs, (s) => s.dq),
        dv: Float64Array.from(segs, (s) => s.dv),
      }
    })
  return { best, suffixMax, perResource }
}

/** The upper concave hull of (quantity of r, value) from (0, best value using none of r), increasing part. */
function upperHull(items: Item[], r: number): [number, number][] {
  let z = 0
  const pts: [number, number][] = []
  for (const it of items) {
    const q = it.q[r] as number
    if (q === 0) z = Math.max(z, it.value)
    else pts.push([q, it.value])
  }
  pts.sort((a, b) => a[0] - b[0] || b[1] - a[1])
  const hull: [number, number][] = [[0, z]]
  for (const p of pts) {
    const top = hull[hull.length - 1] as [number, number]
    if (p[1] <= top[1]) continue // more of r for no more value: never on the increasing hull
    while (hull.length >= 2) {
      const a = hull[hull.length - 2] as [number, number]
      const b = hull[hull.length - 1] as [number, number]
      // b on or below the chord a-p: not a vertex of the upper hull
      if ((b[0] - a[0]) * (p[1] - b[1]) - (b[1] - a[1]) * (p[0] - b[0]) >= 0) hull.pop()
      else break
    }
    hull.push(p)
  }
  return hull
}

/**
 * An upper bound on the welfare positions >= d (but `excluded`) can add with `rem` left: the smallest over
 * resources of the LP relaxation (best values using none of r, then hull segments by slope until r runs out).
 * Stops once a resource's bound passes `cutoff` (it cannot become the smallest). Returns the bound and the
 * segments read.
 */
export function lpBound(
  b: Bounds,
  d: number,
  rem: Float64Array,
  cutoff: number,
  excluded = -1,
): [number, number] {
  const out = excluded >= d
  let bound = (b.suffixMax[d] as number) - (out ? (b.best[excluded] as number) : 0)
  let read = 0
  for (const pr of b.perResource) {
    let v = (pr.zero[d] as number) - (out ? (pr.z[excluded] as number) : 0)
    let cap = rem[pr.r] as number
    if (cap >= (pr.demand[d] as number) - (out ? (pr.most[excluded] as number) : 0)) continue // not binding
    for (let s = 0; s < pr.dq.length && v < bound && cap > 0; s++) {
      read++
      const k = pr.bidder[s] as number
      if (k < d || k === excluded) continue
      const dq = pr.dq[s] as number
      if (dq <= cap) {
        v += pr.dv[s] as number
        cap -= dq
      } else {
        // (dv * cap) / dq: an exact quotient stays exact, so integer inputs never round the bound below a welfare
        v += ((pr.dv[s] as number) * cap) / dq
        cap = 0
      }
    }
    if (v < bound) bound = v
    if (bound <= cutoff) break
  }
  return [bound, read]
}

export function rootBound(m: AuctionModel): number {
  return lpBound(buildBounds(m), 0, m.supply, Number.NEGATIVE_INFINITY)[0]
}
