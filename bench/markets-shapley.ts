// Shapley benchmarks: exact enumeration time n = 8..20, sampling n = 25..10,000 with interval widths and coverage.
import { StepBudget } from '../functions/budget/index.ts'
import {
  airportShapley,
  type CostGame,
  exactSteps,
  SHAPLEY_CPU_MS,
  SHAPLEY_STEPS_PER_MS,
  sampleShapley,
  shapley,
  shapleyBudget,
} from '../functions/markets/index.ts'
import { mulberry32 } from '../functions/random/index.ts'
import { fmt, table } from './report.ts'

/** CPU time of the process (user + system), not wall time: the bench machine is shared and often loaded. */
function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = process.cpuUsage()
  const value = f()
  const t = process.cpuUsage(t0)
  return { value, ms: (t.user + t.system) / 1000 }
}

/** Tenants of a node pool: demands 1..8 vCPU, 16-vCPU nodes at 40 each, 25 to run the pool at all. */
function poolGame(n: number, seed: number): CostGame {
  const r = mulberry32(seed)
  const players = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, demand: 1 + Math.floor(r() * 8) }))
  return { kind: 'pool', players, unit_capacity: 16, unit_cost: 40, fixed: 25 }
}

function airportGame(n: number, seed: number): { game: CostGame; needs: number[] } {
  const r = mulberry32(seed)
  const needs = Array.from({ length: n }, () => 1 + Math.floor(r() * 100))
  return { game: { kind: 'airport', players: needs.map((need, i) => ({ id: `t${i}`, need })) }, needs }
}

const unbounded = () => new StepBudget('bench', Number.POSITIVE_INFINITY, 0)
const budgetSteps = SHAPLEY_CPU_MS * SHAPLEY_STEPS_PER_MS

export async function run(): Promise<void> {
  const exact: (string | number)[][] = []
  for (const n of [8, 10, 12, 14, 16, 18, 20]) {
    const game = poolGame(n, n)
    const reps = Math.max(1, 2 ** (16 - Math.min(n, 16)))
    const { value: r, ms } = timed(() => {
      let last = shapley(game, { budget: unbounded() })
      for (let i = 1; i < reps; i++) last = shapley(game, { budget: unbounded() })
      return last
    })
    const gap = Math.abs(r.shares.reduce((a, s) => a + s.share, 0) - r.total)
    exact.push([n, r.steps, fmt(ms / reps, 2), fmt((r.steps * reps) / ms, 0), gap.toExponential(1), 'yes'])
  }
  for (const n of [21, 22, 24])
    exact.push([n, exactSteps(n), '', '', '', exactSteps(n) <= budgetSteps ? 'yes' : 'no'])
  table(
    `Shapley, exact by enumeration (pool game, 16-vCPU nodes): CPU ms per call; the request budget is ${budgetSteps.toLocaleString('en')} steps (${SHAPLEY_CPU_MS} ms)`,
    ['players', 'steps', 'ms', 'steps/ms', '|sum - total|', 'within budget'],
    exact,
  )

  const sampled: (string | number)[][] = []
  for (const n of [25, 100, 1000, 10_000]) {
    const game = poolGame(n, n)
    const { value: r, ms } = timed(() => shapley(game, { budget: shapleyBudget() }))
    const half = r.shares.map((s) => ((s.ci95?.[1] as number) - (s.ci95?.[0] as number)) / 2)
    const rel = r.shares.map((s, i) => (half[i] as number) / Math.abs(s.share || 1))
    sampled.push([
      n,
      r.samples as number,
      r.steps,
      fmt(ms, 0),
      fmt(r.steps / ms, 0),
      fmt(r.total, 0),
      fmt(half.reduce((a, b) => a + b, 0) / n, 3),
      fmt((100 * rel.reduce((a, b) => a + b, 0)) / n, 1),
    ])
  }
  table(
    'Shapley, sampled (pool game, 1,000 permutations, seed 0x5eed): 95 % interval half-widths',
    [
      'players',
      'samples',
      'steps',
      'ms',
      'steps/ms',
      'total',
      'mean half-width',
      'mean half-width / share %',
    ],
    sampled,
  )

  // equal demands: symmetry and efficiency pin every share at total / n, an exact reference at any size
  const symmetric: (string | number)[][] = []
  for (const n of [25, 100, 1000, 10_000]) {
    const game: CostGame = {
      kind: 'pool',
      players: Array.from({ length: n }, (_, i) => ({ id: `t${i}`, demand: 3 })),
      unit_capacity: 16,
      unit_cost: 40,
      fixed: 25,
    }
    const r = shapley(game, { budget: unbounded() })
    const exactShare = r.total / n
    const inside = r.shares.filter(
      (s) => (s.ci95?.[0] as number) <= exactShare && exactShare <= (s.ci95?.[1] as number),
    )
    const err = r.shares.reduce((a, s) => a + Math.abs(s.share - exactShare), 0) / n
    symmetric.push([
      n,
      r.samples as number,
      fmt(exactShare, 3),
      fmt((100 * inside.length) / n, 1),
      fmt(err, 3),
    ])
  }
  table(
    'Shapley, sampled, equal demands (3 vCPU each, exact share = total / n by symmetry): coverage of the 95 % intervals',
    ['players', 'samples', 'exact share', 'covered %', 'mean |error|'],
    symmetric,
  )

  // airport games have an exact closed form at any size: the sampler's error and its intervals' coverage
  const coverage: (string | number)[][] = []
  for (const n of [25, 100, 1000, 10_000]) {
    for (const samples of [200, 1000]) {
      const { game, needs } = airportGame(n, n)
      const exactShares = airportShapley(needs)
      const r = sampleShapley(game, { samples, budget: unbounded() })
      let inside = 0
      let err = 0
      for (const [i, s] of r.shares.entries()) {
        const x = exactShares[i] as number
        if ((s.ci95?.[0] as number) <= x && x <= (s.ci95?.[1] as number)) inside++
        err += Math.abs(s.share - x)
      }
      const top = exactShares.map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0])
      const big = top.slice(0, Math.max(1, Math.floor(n / 10)))
      const bigInside = big.filter(([x, i]) => {
        const ci = r.shares[i]?.ci95 as [number, number]
        return ci[0] <= x && x <= ci[1]
      }).length
      coverage.push([
        n,
        samples,
        fmt((100 * inside) / n, 1),
        fmt((100 * bigInside) / big.length, 1),
        fmt(err / n, 3),
        fmt(r.total, 0),
      ])
    }
  }
  table(
    'Shapley, sampled (forced) against the exact airport closed form (Littlechild–Owen), needs 1..100: coverage of the 95 % intervals; `shapley` itself answers airport games by the closed form',
    ['players', 'samples', 'covered % (all)', 'covered % (top 10 % shares)', 'mean |error|', 'total'],
    coverage,
  )
}

if (import.meta.main) await run()
