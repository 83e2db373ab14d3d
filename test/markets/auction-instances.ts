// Seeded auction instances for tests and the bench: capacity bids on cpu/memory/region bundles.

import type { Auction, Bid } from '../../functions/markets/index.ts'
import { mulberry32 } from '../../functions/random/index.ts'

export type AuctionProfile = 'unit' | 'bundles'

/**
 * `unit`: one resource (cpu), each bidder wants 1..3 units with bundles for 1, 2, 3 units at concave values.
 * `bundles`: cpu, memory and one of three regions per bundle, up to `perBidder` XOR bundles each.
 * Supply is about half of what the bidders' largest bundles ask (`scarcity`), so capacity is scarce.
 */
export function randomAuction(
  seed: number,
  bidders: number,
  opts: { profile?: AuctionProfile; perBidder?: number; scarcity?: number } = {},
): Auction {
  const r = mulberry32(seed)
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1))
  const perBidder = opts.perBidder ?? 3
  const scarcity = opts.scarcity ?? 0.5
  const bids: Bid[] = []
  const want: Record<string, number> = {}
  for (let i = 0; i < bidders; i++) {
    const k = int(1, perBidder)
    const bundles: Bid['bundles'] = []
    if (opts.profile === 'unit') {
      const unit = int(1, 100)
      for (let u = 1; u <= k; u++) bundles.push({ bundle: { cpu: u }, value: Math.round(unit * u ** 0.8) })
    } else {
      for (let j = 0; j < k; j++) {
        const cpu = int(1, 4)
        const memory = cpu * int(1, 4)
        bundles.push({
          bundle: { cpu, memory, [`region:${['eu', 'us', 'ap'][int(0, 2)]}`]: 1 },
          value: cpu * int(5, 20) + memory * int(0, 3),
        })
      }
    }
    const largest: Record<string, number> = {}
    for (const b of bundles)
      for (const [res, q] of Object.entries(b.bundle)) largest[res] = Math.max(largest[res] ?? 0, q)
    for (const [res, q] of Object.entries(largest)) want[res] = (want[res] ?? 0) + q
    bids.push({ bidder: `t${String(i).padStart(3, '0')}`, bundles })
  }
  const supply: Record<string, number> = {}
  for (const [res, q] of Object.entries(want)) supply[res] = Math.max(1, Math.round(q * scarcity))
  return { supply, bids }
}

/** The schema's largest shape (200 bidders x 8 bundles x 16 resources): every bidder wins, or supply contested. */
export function largestAuctions(): [string, Auction][] {
  const res = Array.from({ length: 16 }, (_, i) => `r${i}`)
  const bids = Array.from({ length: 200 }, (_, i) => ({
    bidder: `b${String(i).padStart(3, '0')}`,
    bundles: Array.from({ length: 8 }, (_, j) => ({
      bundle: Object.fromEntries(res.map((r, k) => [r, 1 + ((i + j + k) % 3)])),
      value: 1 + ((i * 7 + j * 13) % 50),
    })),
  }))
  const supply = (q: number) => Object.fromEntries(res.map((r) => [r, q]))
  return [
    ['all win (supply 2000 each)', { supply: supply(2000), bids }],
    ['contested (supply 300 each)', { supply: supply(300), bids }],
  ]
}
