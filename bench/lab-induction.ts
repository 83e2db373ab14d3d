// MS-Beta induction benchmarks: CPU per 1k/10k events of history (the step calibration) and recovery of planted rules.
import { StepBudget } from '../functions/budget/index.ts'
import { compileKernel } from '../functions/kernel/index.ts'
import { induce, NS_PER_INDUCTION_STEP } from '../functions/lab/induction/index.ts'
import { KernelSpec } from '../schemas/kernel.ts'
import { shopHistory, shopKernel } from '../test/lab/induction-planted.ts'
import { fmt, median, table } from './report.ts'

const kernel = () => compileKernel(KernelSpec.parse(shopKernel))
const unlimited = () => new StepBudget('bench', Number.POSITIVE_INFINITY, 0)

/** CPU milliseconds (user + system) of one call: the machine is shared, wall time would mislead. */
function cpu<T>(f: () => T): { value: T; ms: number } {
  const t0 = process.cpuUsage()
  const value = f()
  const d = process.cpuUsage(t0)
  return { value, ms: (d.user + d.system) / 1000 }
}

function timing(quick: boolean): void {
  const k = kernel()
  const rows: (string | number)[][] = []
  for (const n of quick ? [1000] : [1000, 10_000]) {
    const events = shopHistory(42, n)
    const runs = n >= 10_000 ? 3 : 7
    const ms: number[] = []
    let steps = 0
    let proposals = 0
    for (let i = 0; i < runs; i++) {
      const budget = unlimited()
      const r = cpu(() => induce({ kernel: k, events }, budget))
      ms.push(r.ms)
      steps = budget.spent
      proposals = r.value.thresholds.length + r.value.candidates.length
    }
    const m = median(ms)
    rows.push([n, proposals, steps, fmt(m, 0), fmt((m * 1e6) / steps, 0), NS_PER_INDUCTION_STEP])
  }
  table(
    'Induction CPU per history length (shop kernel: 5 aggregates, 2 invariants; replay + every simulation)',
    ['events', 'proposals', 'steps', 'CPU ms (median)', 'ns / step', 'budget assumes ns / step'],
    rows,
  )
}

interface Planted {
  share: number
  cap: number
}

/** Seeds x planted rules: is the true quantile in the CI, is the ratio band found around share/2, is the cap found. */
function recovery(quick: boolean): void {
  const k = kernel()
  const seeds = quick ? 10 : 40
  const cases: Planted[] = [
    { share: 0.06, cap: 100 },
    { share: 0.02, cap: 250 },
    { share: 0.2, cap: 40 },
  ]
  const rows: (string | number)[][] = []
  for (const n of [300, 1000]) {
    for (const c of cases) {
      let inCi = 0
      let ratio = 0
      let bound = 0
      let refusedByCandidates = 0
      for (let s = 0; s < seeds; s++) {
        const out = induce({ kernel: k, events: shopHistory(1000 + s, n, 'e', c.share, c.cap) }, unlimited())
        const q = out.thresholds.find((t) => t.invariant === 'Quality')
        if (q && q.interval[0] <= 0.01 && 0.01 <= q.interval[1]) inCi++
        const r = out.candidates.find((x) => x.basis.startsWith('ratio agg.refunds/agg.amount'))
        const band = r?.basis
          .match(/\[([^,]+), ([^\]]+)\]/)
          ?.slice(1)
          .map(Number)
        if (band && (band[0] as number) <= c.share / 2 && c.share / 2 <= (band[1] as number)) ratio++
        const b = out.candidates.find((x) => x.name === 'induced.range.biggest')
        const top = Number(b?.basis.match(/, ([^\]]+)\]/)?.[1])
        if (top <= c.cap && top > c.cap - (c.cap - 10) * 0.05) bound++
        refusedByCandidates += out.candidates.reduce((t, x) => t + x.simulation.refused, 0)
      }
      rows.push([
        n,
        `share ${c.share}, cap ${c.cap}`,
        seeds,
        `${fmt((100 * inCi) / seeds, 0)}%`,
        `${fmt((100 * ratio) / seeds, 0)}%`,
        `${fmt((100 * bound) / seeds, 0)}%`,
        refusedByCandidates,
      ])
    }
  }
  table(
    'Recovery on planted histories (Quality uniform: true 1% quantile 0.01; refunds/amount tends to share/2; amount <= cap)',
    [
      'events',
      'planted',
      'seeds',
      'CI holds true q (95%)',
      'ratio band holds share/2',
      'cap found',
      'past events refused by candidates',
    ],
    rows,
  )
}

export async function run(quick = false): Promise<void> {
  timing(quick)
  recovery(quick)
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.includes('--quick'))
