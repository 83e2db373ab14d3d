// Stress tester (S44) benchmarks: planted holes found by random-only and mixed (guided) search within one budget,
// over several seeds; sequences tried and CPU ms until found; the stress_steps calibration.
import { StepBudget } from '../functions/budget/index.ts'
import { STRESS_NS_PER_STEP, type Strategy, stress } from '../functions/lab/stress/index.ts'
import { PLANTED, type PlantedCase } from '../test/lab/stress-kernels.ts'
import { fmt, table } from './report.ts'

/** CPU time of the process (user + system), not wall time: the bench machine is shared and often loaded. */
function cpu<T>(f: () => T): { value: T; ms: number } {
  const t0 = process.cpuUsage()
  const value = f()
  const t = process.cpuUsage(t0)
  return { value, ms: (t.user + t.system) / 1000 }
}

/** The budget of one search: 3,000,000 steps (600 ms at the calibration). */
const BUDGET = 3_000_000

interface Outcome {
  found: boolean
  tried: number
  steps: number
  ms: number
}

/**
 * One search with the whole budget; the cursor records when each finding was made (sequences tried, steps), and
 * the CPU ms until then is the run's CPU time prorated by steps.
 */
function until(c: PlantedCase, seed: number, strategy: Strategy): Outcome {
  const { value: p, ms } = cpu(() =>
    stress({ ...c.input, seed }, new StepBudget('stress_steps', BUDGET, 0), undefined, { strategy }),
  )
  const i = p.findings.findIndex((f) => f.kind === c.expect?.kind && f.intent === c.expect?.intent)
  const at = (p.cursor as { at: { tried: number; steps: number }[] }).at[i]
  if (!at) return { found: false, tried: p.tried, steps: p.steps, ms }
  return { found: true, tried: at.tried, steps: at.steps, ms: p.steps > 0 ? (ms * at.steps) / p.steps : ms }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number)
}

export async function run(quick = false): Promise<void> {
  const seeds = quick ? [1, 2] : [1, 2, 3, 4, 5, 6]
  const holed = PLANTED.filter((c) => c.hole !== null)
  const rows: (string | number)[][] = []
  const found: Record<Strategy, number> = { mixed: 0, random: 0 }
  for (const c of holed) {
    const row: (string | number)[] = [c.name, c.expect?.kind ?? '']
    for (const strategy of ['random', 'mixed'] as const) {
      const outs = seeds.map((s) => until(c, s, strategy))
      const hits = outs.filter((o) => o.found)
      found[strategy] += hits.length
      row.push(
        `${hits.length}/${seeds.length}`,
        hits.length ? fmt(median(hits.map((o) => o.tried)), 0) : '-',
        hits.length ? fmt(median(hits.map((o) => o.ms)), 0) : '-',
      )
    }
    rows.push(row)
  }
  const total = holed.length * seeds.length
  rows.push(['fraction found', '', fmt(found.random / total, 2), '', '', fmt(found.mixed / total, 2), '', ''])
  table(
    `Stress (S44): planted holes found within ${BUDGET.toLocaleString('en')} steps per search, ${seeds.length} seeds; median sequences tried and CPU ms until found`,
    [
      'kernel',
      'finding',
      'random: found',
      'random: tried',
      'random: ms',
      'mixed: found',
      'mixed: tried',
      'mixed: ms',
    ],
    rows,
  )

  // the no-hole kernels: what a full budget costs, and that nothing is reported
  const sound = PLANTED.filter((c) => c.hole === null)
  const calib: (string | number)[][] = []
  let worst = 0
  const CAL = 1_000_000
  for (const c of [...holed, ...sound]) {
    // warm the code first: workerd runs warm isolates
    stress({ ...c.input, seed: 99 }, new StepBudget('stress_steps', 300_000, 0))
    let ms = 0
    let steps = 0
    let tried = 0
    let hits = 0
    for (const seed of [1, 2, 3, 4]) {
      const { value: p, ms: t } = cpu(() =>
        stress({ ...c.input, seed }, new StepBudget('stress_steps', CAL, 0)),
      )
      ms += t
      // a search ended by the budget also ran part of a trial it could not finish: the whole budget was worked
      steps += p.done ? p.steps : CAL
      tried += p.tried
      hits += p.findings.filter((f) => f.kind !== 'edge').length
    }
    const ns = (ms * 1e6) / steps
    worst = Math.max(worst, ns)
    calib.push([c.name, c.hole === null ? 'none' : 'planted', tried, hits, fmt(ms, 0), fmt(ns, 0)])
  }
  calib.push(['worst', '', '', '', '', fmt(worst, 0)])
  table(
    `Stress calibration: seeds 1-4, 1,000,000 steps each (or until done), warmed; CPU ns per step (STRESS_NS_PER_STEP = ${STRESS_NS_PER_STEP})`,
    ['kernel', 'hole', 'tried', 'intent/policy findings', 'CPU ms', 'ns/step'],
    calib,
  )
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.includes('--quick'))
