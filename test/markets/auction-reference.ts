// Brute-force reference for the auction tests: every allocation enumerated, independent of functions/markets.
import type { Auction, Bid, Resources } from '../../functions/markets/index.ts'

export interface Reference {
  /** Per bid (input order): chosen bundle index or null, the tie-break's choice among optima. */
  chosen: (number | null)[]
  welfare: number
}

/**
 * The optimum over all allocations (each bidder one of its positive-valued bundles or nothing, supply not
 * exceeded, a resource missing from supply has none), without bid `skip`. Ties: bidders compared in id order
 * (code units), the first that differs decides: winning beats losing, a lower bundle index beats a higher.
 */
export function bruteForce(a: Auction, skip = -1): Reference {
  const ids = a.bids.map((_, i) => i).sort((x, y) => cmp(a.bids[x]?.bidder ?? '', a.bids[y]?.bidder ?? ''))
  let best: Reference = { chosen: a.bids.map(() => null), welfare: 0 }
  let found = false
  const cur: (number | null)[] = a.bids.map(() => null)
  const rec = (p: number) => {
    if (p === ids.length) {
      if (!feasible(a, cur)) return
      let w = 0
      for (const i of ids) w += value(a.bids[i] as Bid, cur[i] ?? null)
      if (!found || w > best.welfare || (w === best.welfare && preferred(ids, cur, best.chosen))) {
        best = { chosen: [...cur], welfare: w }
        found = true
      }
      return
    }
    const i = ids[p] as number
    cur[i] = null
    rec(p + 1)
    if (i === skip) return
    ;(a.bids[i] as Bid).bundles.forEach((b, j) => {
      if (b.value <= 0) return
      cur[i] = j
      rec(p + 1)
    })
    cur[i] = null
  }
  rec(0)
  return best
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)

function value(bid: Bid, j: number | null): number {
  return j === null ? 0 : (bid.bundles[j]?.value ?? 0)
}

function feasible(a: Auction, chosen: (number | null)[]): boolean {
  const used: Record<string, number> = {}
  chosen.forEach((j, i) => {
    if (j === null) return
    for (const [r, q] of Object.entries(a.bids[i]?.bundles[j]?.bundle ?? {})) used[r] = (used[r] ?? 0) + q
  })
  return Object.entries(used).every(
    ([r, q]) => q <= (Object.hasOwn(a.supply, r) ? (a.supply[r] as number) : 0),
  )
}

function preferred(ids: number[], x: (number | null)[], y: (number | null)[]): boolean {
  for (const i of ids) {
    const a = x[i] ?? null
    const b = y[i] ?? null
    if (a === b) continue
    if (a === null) return false
    if (b === null) return true
    return a < b
  }
  return false
}

/** What bidder `bid` truly gets from resources `got` (free disposal: its best bundle that fits in them). */
export function trueValue(bid: Bid, got: Resources | undefined): number {
  if (!got) return 0
  let v = 0
  for (const b of bid.bundles)
    if (Object.entries(b.bundle).every(([r, q]) => q <= (got[r] ?? 0))) v = Math.max(v, b.value)
  return v
}
