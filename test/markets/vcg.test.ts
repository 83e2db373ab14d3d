// VCG auction: optimum, tie-break, Clarke payments against brute force; truthfulness, individual rationality,
// no positive transfers; published vectors; the greedy's bound; budgets and bad auctions.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BudgetExceededError, StepBudget } from '../../functions/budget/index.ts'
import {
  type Auction,
  AuctionError,
  auctionBudget,
  type Bid,
  runVcg,
  winnerDetermination,
} from '../../functions/markets/index.ts'
import { largestAuctions, randomAuction } from './auction-instances.ts'
import { bruteForce, trueValue } from './auction-reference.ts'

/** Small auctions: at most 6 bidders, 3 bundles each, 2 resources, small integer quantities and values. */
const auctionWith = (value: fc.Arbitrary<number>): fc.Arbitrary<Auction> =>
  fc
    .record({
      supply: fc.record({ a: fc.integer({ min: 0, max: 4 }), b: fc.integer({ min: 0, max: 4 }) }),
      bids: fc.uniqueArray(
        fc.record({
          bidder: fc.constantFrom('ann', 'bob', 'cy', 'dee', 'eve', 'fay', 'Gus', 'al'),
          bundles: fc.array(
            fc.record({
              bundle: fc.record(
                { a: fc.integer({ min: 0, max: 3 }), b: fc.integer({ min: 0, max: 3 }) },
                { requiredKeys: [] },
              ),
              value,
            }),
            { maxLength: 3 },
          ),
        }),
        { minLength: 1, maxLength: 6, selector: (b) => b.bidder },
      ),
    })
    .map((a) => a as Auction)
const smallAuction = auctionWith(fc.integer({ min: 0, max: 30 }))
/** Values from a few levels: equal optima are common, so the tie-break decides. */
const tiedAuction = auctionWith(fc.constantFrom(0, 5, 10, 15))

const unlimited = () => new StepBudget('auction_steps', Number.POSITIVE_INFINITY, 0)

/** Bidder i's true utility when it reports `report` and the others report truthfully. */
function utilityWhenReporting(a: Auction, i: number, report: Bid['bundles']): number {
  const bids = a.bids.map((b, k) => (k === i ? { bidder: b.bidder, bundles: report } : b))
  const r = runVcg({ supply: a.supply, bids }, unlimited())
  const award = r.awards.find((w) => w.bidder === a.bids[i]?.bidder)
  return trueValue(a.bids[i] as Bid, award?.bundle) - (award?.payment ?? 0)
}

describe('winner determination', () => {
  it('reaches the brute-force optimum and its tie-break allocation', () => {
    fc.assert(
      fc.property(smallAuction, (a) => {
        const ref = bruteForce(a)
        const wd = winnerDetermination(a, unlimited())
        expect(wd.method).toBe('exact')
        expect(wd.welfare).toBe(ref.welfare)
        expect(wd.chosen).toEqual(ref.chosen)
      }),
      { numRuns: 400 },
    )
  })

  it('breaks ties among optima by bidder id, as the brute force does', () => {
    fc.assert(
      fc.property(tiedAuction, (a) => {
        const ref = bruteForce(a)
        const wd = winnerDetermination(a, unlimited())
        expect(wd.welfare).toBe(ref.welfare)
        expect(wd.chosen).toEqual(ref.chosen)
      }),
      { numRuns: 400 },
    )
    const tie = runVcg({
      supply: { cpu: 1 },
      bids: [
        { bidder: 'zed', bundles: [{ bundle: { cpu: 1 }, value: 10 }] },
        { bidder: 'amy', bundles: [{ bundle: { cpu: 1 }, value: 10 }] },
      ],
    })
    expect(tie.awards).toEqual([
      { bidder: 'amy', bundle_index: 0, bundle: { cpu: 1 }, value: 10, payment: 10 },
    ])
  })

  it('stays exact with values near the schema bound (regression: a 1e-9 relative slack let a worse bid win)', () => {
    const r = runVcg({
      supply: { cpu: 1 },
      bids: [
        { bidder: 'a', bundles: [{ bundle: { cpu: 1 }, value: 999_999_999_999 }] },
        { bidder: 'b', bundles: [{ bundle: { cpu: 1 }, value: 1e12 }] },
      ],
    })
    expect(r.awards.map((w) => [w.bidder, w.payment])).toEqual([['b', 999_999_999_999]])
    fc.assert(
      fc.property(auctionWith(fc.integer({ min: 0, max: 30 }).map((v) => (v === 0 ? 0 : 1e11 + v))), (a) => {
        const ref = bruteForce(a)
        const wd = winnerDetermination(a, unlimited())
        expect(wd.welfare).toBe(ref.welfare)
        expect(wd.chosen).toEqual(ref.chosen)
      }),
      { numRuns: 200 },
    )
  })

  it('gives the same result whatever the order of the bids (ties follow bidder ids)', () => {
    fc.assert(
      fc.property(tiedAuction, fc.integer({ min: 1, max: 1000 }), (a, s) => {
        const shuffled = {
          ...a,
          bids: [...a.bids].sort((x, y) => ((x.bidder.length * s) % 7) - ((y.bidder.length * s) % 7)),
        }
        const one = runVcg(a, unlimited())
        const two = runVcg(shuffled, unlimited())
        const key = (r: typeof one) => [...r.awards].sort((x, y) => (x.bidder < y.bidder ? -1 : 1))
        expect(key(two)).toEqual(key(one))
        expect(runVcg(a, unlimited())).toEqual(one)
      }),
      { numRuns: 150 },
    )
  })

  it('counts a resource missing from supply as none', () => {
    const a: Auction = {
      supply: { cpu: 2 },
      bids: [
        { bidder: 'x', bundles: [{ bundle: { cpu: 1, gpu: 1 }, value: 100 }] },
        { bidder: 'y', bundles: [{ bundle: { cpu: 2 }, value: 3 }] },
      ],
    }
    expect(winnerDetermination(a).chosen).toEqual([null, 0])
  })
})

describe('Clarke pivot payments', () => {
  it('equal the externality, computed by brute force', () => {
    fc.assert(
      fc.property(smallAuction, (a) => {
        const r = runVcg(a, unlimited())
        const all = bruteForce(a)
        expect(r.welfare).toBe(all.welfare)
        for (const w of r.awards) {
          const i = a.bids.findIndex((b) => b.bidder === w.bidder)
          expect(w.payment).toBe(bruteForce(a, i).welfare - (all.welfare - w.value))
        }
        const losers = a.bids.filter((_, i) => all.chosen[i] === null).map((b) => b.bidder)
        for (const l of losers) expect(r.awards.some((w) => w.bidder === l)).toBe(false)
        expect(r.payments_total).toBe(r.awards.reduce((s, w) => s + w.payment, 0))
      }),
      { numRuns: 300 },
    )
  })

  it('are individually rational and never pay a bidder (truthful bids)', () => {
    fc.assert(
      fc.property(smallAuction, (a) => {
        for (const w of runVcg(a, unlimited()).awards) {
          expect(w.payment).toBeGreaterThanOrEqual(0)
          expect(w.value - w.payment).toBeGreaterThanOrEqual(0)
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('truthful bidding is a dominant strategy', () => {
  const misreports = (bid: Bid, random: number[]): Bid['bundles'][] => {
    const out: Bid['bundles'][] = []
    for (const f of [0, 0.5, 0.75, 1.5, 2, 4])
      out.push(bid.bundles.map((b) => ({ ...b, value: b.value * f })))
    bid.bundles.forEach((_, j) => {
      out.push(bid.bundles.filter((_, k) => k !== j)) // drop a bundle
      out.push([bid.bundles[j] as Bid['bundles'][number]]) // only one of them
      // one bundle claimed for a higher or a lower value
      out.push(bid.bundles.map((b, k) => (k === j ? { ...b, value: b.value + 7 } : b)))
      out.push(bid.bundles.map((b, k) => (k === j ? { ...b, value: Math.max(0, b.value - 5) } : b)))
    })
    out.push(bid.bundles.map((b, k) => ({ ...b, value: random[k % random.length] as number })))
    // a larger bundle than any it wants, at its best value
    const best = Math.max(0, ...bid.bundles.map((b) => b.value))
    out.push([...bid.bundles, { bundle: { a: 3, b: 3 }, value: best + (random[0] as number) }])
    return out
  }

  it('no tested misreport gives a higher true utility', () => {
    fc.assert(
      fc.property(
        smallAuction,
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 3, maxLength: 3 }),
        (a, random) => {
          for (let i = 0; i < a.bids.length; i++) {
            const truthful = utilityWhenReporting(a, i, (a.bids[i] as Bid).bundles)
            expect(truthful).toBeGreaterThanOrEqual(0)
            for (const report of misreports(a.bids[i] as Bid, random))
              expect(utilityWhenReporting(a, i, report)).toBeLessThanOrEqual(truthful)
          }
        },
      ),
      { numRuns: 80 },
    )
  })
})

describe('published vectors', () => {
  // R. J. Weber, Kellogg DECS-452 notes "The Vickrey (-Clarke-Groves) Combinatorial Auction Procedure"
  // (kellogg.northwestern.edu/faculty/weber/decs-452/vcg.htm): A to 1, B to 2, both pay 150 - (300 - 200) = 50;
  // with bidder 1 at 160, bidder 1 pays 50 and bidder 2 pays 40.
  const weber = (v1: number): Auction => ({
    supply: { A: 1, B: 1 },
    bids: [
      { bidder: '1', bundles: [{ bundle: { A: 1 }, value: v1 }] },
      { bidder: '2', bundles: [{ bundle: { B: 1 }, value: 150 }] },
      { bidder: '3', bundles: [{ bundle: { A: 1, B: 1 }, value: 200 }] },
    ],
  })
  it('Weber: two items, two single-item bidders against a package bidder', () => {
    const r = runVcg(weber(150))
    expect(r.awards.map((w) => [w.bidder, w.payment])).toEqual([
      ['1', 50],
      ['2', 50],
    ])
    expect(r.welfare).toBe(300)
    const s = runVcg(weber(160))
    expect(s.awards.map((w) => [w.bidder, w.payment])).toEqual([
      ['1', 50],
      ['2', 40],
    ])
  })

  it('Ausubel and Milgrom, "The Lovely but Lonely Vickrey Auction" (2006): zero revenue', () => {
    // bidder 1 wants AB at 2, bidder 2 wants A at 2, bidder 3 wants B at 2: 2 and 3 win and pay nothing
    const r = runVcg({
      supply: { A: 1, B: 1 },
      bids: [
        { bidder: '1', bundles: [{ bundle: { A: 1, B: 1 }, value: 2 }] },
        { bidder: '2', bundles: [{ bundle: { A: 1 }, value: 2 }] },
        { bidder: '3', bundles: [{ bundle: { B: 1 }, value: 2 }] },
      ],
    })
    expect(r.awards.map((w) => [w.bidder, w.payment])).toEqual([
      ['2', 0],
      ['3', 0],
    ])
    expect(r.payments_total).toBe(0)
  })

  it('k identical units to unit-demand bidders: each winner pays the (k+1)-th highest bid', () => {
    const values = [70, 10, 55, 90, 40, 62]
    const r = runVcg({
      supply: { cpu: 3 },
      bids: values.map((v, i) => ({ bidder: `b${i}`, bundles: [{ bundle: { cpu: 1 }, value: v }] })),
    })
    expect(r.awards.map((w) => w.bidder)).toEqual(['b0', 'b3', 'b5'])
    expect(r.awards.map((w) => w.payment)).toEqual([55, 55, 55])
  })
})

describe('greedy beyond the exact limit', () => {
  it('keeps welfare >= optimum / bound, under the optimum, with IR and no positive transfers', () => {
    fc.assert(
      fc.property(smallAuction, (a) => {
        const opt = bruteForce(a).welfare
        const g = runVcg({ ...a, method: 'greedy' }, unlimited())
        expect(g.method).toBe('greedy')
        expect(g.bound).toBeGreaterThanOrEqual(1)
        expect(g.welfare).toBeLessThanOrEqual(opt)
        expect(g.welfare * (g.bound as number)).toBeGreaterThanOrEqual(opt - 1e-9)
        for (const w of g.awards) {
          expect(w.payment).toBeGreaterThanOrEqual(0)
          expect(w.payment).toBeLessThanOrEqual(w.value)
        }
      }),
      { numRuns: 400 },
    )
  })

  it('takes over from the exact search when an instance outgrows the exact share of the budget', () => {
    const a = randomAuction(1, 200, { profile: 'bundles', perBidder: 8 })
    const r = runVcg(a)
    expect(r.method).toBe('greedy')
    expect(r.bound).toBeGreaterThanOrEqual(1)
    expect(r.bound).toBeLessThan(1.5)
    expect(r.steps).toBeLessThanOrEqual(auctionBudget().limit)
  })

  it("never refuses under 'auto' at the schema's largest size: the exact search leaves the greedy its reserve", () => {
    for (const [name, a] of largestAuctions()) {
      const r = runVcg(a, auctionBudget())
      expect(r.awards.length, name).toBeGreaterThan(0)
      expect(r.steps, name).toBeLessThanOrEqual(auctionBudget().limit)
      for (const w of r.awards) expect(w.payment).toBeGreaterThanOrEqual(0)
    }
  })

  it('is exact where feasible and at least as good as the greedy there', () => {
    for (const seed of [1, 2, 3]) {
      const a = randomAuction(seed, 15, { profile: 'bundles', perBidder: 4 })
      const e = runVcg(a)
      const g = runVcg({ ...a, method: 'greedy' })
      expect(e.method).toBe('exact')
      expect(e.welfare).toBeGreaterThanOrEqual(g.welfare)
      expect(e.welfare).toBeLessThanOrEqual(g.welfare * (g.bound as number) + 1e-9)
    }
  })
})

describe('budgets and bad auctions', () => {
  it('refuses past the auction_steps budget, naming it', () => {
    const a = randomAuction(4, 30, { profile: 'bundles', perBidder: 4 })
    const e = (() => {
      try {
        runVcg(a, auctionBudget(0.01))
      } catch (err) {
        return err
      }
    })()
    expect(e).toBeInstanceOf(BudgetExceededError)
    expect((e as BudgetExceededError).budget).toBe('auction_steps')
  })

  it("method 'exact' refuses rather than approximate", () => {
    const a = randomAuction(1, 200, { profile: 'bundles', perBidder: 8 })
    expect(() => runVcg({ ...a, method: 'exact' })).toThrow(BudgetExceededError)
  })

  it('rejects duplicate bidders and non-finite or negative numbers with the pointer', () => {
    const dup: Auction = {
      supply: { cpu: 1 },
      bids: [
        { bidder: 'x', bundles: [] },
        { bidder: 'x', bundles: [] },
      ],
    }
    expect(() => runVcg(dup)).toThrow(AuctionError)
    for (const [bad, pointer] of [
      [{ supply: { cpu: Number.NaN }, bids: [] }, '/supply/cpu'],
      [
        { supply: { cpu: 1 }, bids: [{ bidder: 'x', bundles: [{ bundle: { cpu: -1 }, value: 1 }] }] },
        '/bids/0/bundles/0/bundle/cpu',
      ],
      [
        { supply: { cpu: 1 }, bids: [{ bidder: 'x', bundles: [{ bundle: {}, value: Infinity }] }] },
        '/bids/0/bundles/0/value',
      ],
    ] as [Auction, string][]) {
      try {
        runVcg(bad)
        expect.unreachable()
      } catch (err) {
        expect(err).toBeInstanceOf(AuctionError)
        expect((err as AuctionError).pointer).toBe(pointer)
      }
    }
  })
})
