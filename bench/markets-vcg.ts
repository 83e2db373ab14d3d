// VCG auction benchmarks: winner determination exact vs greedy at 5..200 bidders, where exactness ends, the
// greedy's welfare against the optimum, the full auction with payments, and the steps/ms calibration.
import { BudgetExceededError, StepBudget } from '../functions/budget/index.ts'
import {
  AUCTION_CPU_MS,
  AUCTION_STEPS_PER_MS,
  type Auction,
  runVcg,
  winnerDetermination,
} from '../functions/markets/index.ts'
import { type AuctionProfile, largestAuctions, randomAuction } from '../test/markets/auction-instances.ts'
import { fmt, median, table } from './report.ts'

/** CPU time of the process (user + system), not wall time: the bench machine is shared and often loaded. */
function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = process.cpuUsage()
  const value = f()
  const t = process.cpuUsage(t0)
  return { value, ms: (t.user + t.system) / 1000 }
}

const SIZES = [5, 10, 20, 40, 80, 120, 200]
const PROFILES: [AuctionProfile, number][] = [
  ['unit', 3],
  ['bundles', 4],
  ['bundles', 8],
]
/** The exact search may use up to this many times the endpoint's whole budget here, to show where it ends. */
const EXACT_CEILING = 4

export async function run(): Promise<void> {
  const rates: number[] = []
  const wd: (string | number)[][] = []
  const vcg: (string | number)[][] = []
  for (const [profile, perBidder] of PROFILES) {
    for (const n of SIZES) {
      const seeds = n >= 80 ? [1, 2, 3] : [1, 2, 3, 4, 5]
      const exactMs: number[] = []
      const greedyMs: number[] = []
      const ratios: number[] = []
      const bounds: number[] = []
      let solved = 0
      let bundles = 0
      const autoMs: number[] = []
      let autoExact = 0
      for (const seed of seeds) {
        const a = randomAuction(seed, n, { profile, perBidder })
        bundles += a.bids.reduce((s, b) => s + b.bundles.length, 0)
        const g = greedy(a)
        greedyMs.push(g.ms)
        bounds.push(g.value.bound ?? 1)
        const e = exact(a, rates)
        if (e) {
          solved++
          exactMs.push(e.ms)
          ratios.push(g.value.welfare / e.value.welfare)
        }
        const budget = new StepBudget('auction_steps', AUCTION_CPU_MS * AUCTION_STEPS_PER_MS, AUCTION_CPU_MS)
        const v = timed(() => runVcg(a, budget))
        autoMs.push(v.ms)
        if (v.value.method === 'exact') autoExact++
        if (v.ms >= 100) rates.push(budget.spent / v.ms)
      }
      wd.push([
        profile,
        n,
        perBidder,
        fmt(bundles / seeds.length, 0),
        `${solved}/${seeds.length}`,
        exactMs.length ? fmt(median(exactMs), 1) : '-',
        fmt(median(greedyMs), 2),
        ratios.length ? fmt(Math.min(...ratios), 4) : '-',
        ratios.length ? fmt(ratios.reduce((s, x) => s + x, 0) / ratios.length, 4) : '-',
        fmt(Math.max(...bounds), 3),
      ])
      vcg.push([
        profile,
        n,
        perBidder,
        `${autoExact}/${seeds.length}`,
        fmt(median(autoMs), 0),
        fmt(Math.max(...autoMs), 0),
      ])
    }
  }
  table(
    `Auction winner determination (CPU ms, median over seeds; exact allowed ${EXACT_CEILING}x the endpoint budget)`,
    [
      'profile',
      'bidders',
      'bundles/bidder (max)',
      'bundles',
      'exact solved',
      'exact ms',
      'greedy ms',
      'greedy/exact worst',
      'greedy/exact mean',
      'greedy bound (max)',
    ],
    wd,
  )
  table(
    `Full VCG auction under the endpoint budget (${AUCTION_CPU_MS} ms, exact search first with all but the greedy fallback's reserve): winner determination + one W*(-i) per winner`,
    ['profile', 'bidders', 'bundles/bidder (max)', 'exact', 'median ms', 'max ms'],
    vcg,
  )
  const stress: (string | number)[][] = []
  for (const [name, a] of largestAuctions()) {
    const budget = new StepBudget('auction_steps', AUCTION_CPU_MS * AUCTION_STEPS_PER_MS, AUCTION_CPU_MS)
    for (let warm = 0; warm < 2; warm++) {
      const b = warm ? budget : new StepBudget('warm-up', Number.POSITIVE_INFINITY, 0)
      let outcome = ''
      const { ms } = timed(() => {
        try {
          outcome = runVcg(a, b).method
        } catch (e) {
          if (!(e instanceof BudgetExceededError)) throw e
          outcome = '422 budget_exceeded'
        }
      })
      if (!warm) continue
      rates.push(budget.spent / ms)
      stress.push([name, outcome, budget.spent, fmt(ms, 0), fmt(budget.spent / ms, 0)])
    }
  }
  table(
    'Largest bodies the schema allows (200 bidders x 8 bundles x 16 resources), under the endpoint budget',
    ['auction', 'outcome', 'steps', 'CPU ms', 'steps/ms'],
    stress,
  )
  const sorted = [...rates].sort((x, y) => x - y)
  table(
    'auction_steps calibration (steps per CPU ms, runs of at least 100 ms)',
    ['runs', 'min', 'p10', 'median', 'constant used'],
    [
      [
        sorted.length,
        fmt(sorted[0] ?? 0, 0),
        fmt(sorted[Math.floor(sorted.length / 10)] ?? 0, 0),
        fmt(median(sorted), 0),
        AUCTION_STEPS_PER_MS,
      ],
    ],
  )
}

function greedy(a: Auction) {
  return timed(() =>
    winnerDetermination({ ...a, method: 'greedy' }, new StepBudget('bench', Number.POSITIVE_INFINITY, 0)),
  )
}

function exact(a: Auction, rates: number[]) {
  const limit = EXACT_CEILING * AUCTION_CPU_MS * AUCTION_STEPS_PER_MS
  const budget = new StepBudget('auction_steps', limit, EXACT_CEILING * AUCTION_CPU_MS)
  try {
    const r = timed(() => winnerDetermination({ ...a, method: 'exact' }, budget))
    if (r.ms >= 100) rates.push(budget.spent / r.ms)
    return r
  } catch (e) {
    if (e instanceof BudgetExceededError) return undefined
    throw e
  }
}

if (import.meta.main) await run()
