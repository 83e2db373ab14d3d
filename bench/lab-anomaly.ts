// Anomaly detection on seeded traces with planted anomalies: per method false-positive rate, recall, detection
// delay on held-out seeds (defaults chosen on training seeds), CPU per point and the step calibration.
import { StepBudget } from '../functions/budget/index.ts'
import { type AnomalyOptions, detect, STEPS_PER_MS } from '../functions/lab/anomaly/index.ts'
import { mulberry32 } from '../functions/random/index.ts'
import {
  emptyScore,
  HELD_OUT_SEEDS,
  makeStreams,
  rates,
  type Score,
  type Stream,
  scoreStream,
  TRAINING_SEEDS,
} from '../test/lab/anomaly-traces.ts'
import { fmt, table } from './report.ts'
import { compare, makeTrace, OrchestratorController, type Trace } from './simulate/index.ts'

function cpuMs<T>(f: () => T): { value: T; ms: number } {
  const t0 = process.cpuUsage()
  const value = f()
  const t = process.cpuUsage(t0)
  return { value, ms: (t.user + t.system) / 1000 }
}

const family = (s: Stream) => s.name.split(':')[0] as string
/** Positive multiplicative streams (amounts, latency) are also scored on their logarithm. */
const CONFIGS: { name: string; opts: (s: Stream) => AnomalyOptions }[] = [
  { name: 'robust_z', opts: () => ({ method: 'robust_z' }) },
  {
    name: 'robust_z, log on events',
    opts: (s) => ({ method: 'robust_z', transform: family(s) === 'demand' ? 'none' : 'log' }),
  },
  { name: 'cusum', opts: () => ({ method: 'cusum' }) },
  {
    name: 'cusum, log on events',
    opts: (s) => ({ method: 'cusum', transform: family(s) === 'demand' ? 'none' : 'log' }),
  },
]

/** Held-out detection table, the simulator comparison (short: 240 minutes, seed 1; --simulate for more), calibration. */
export async function run(quick = false): Promise<void> {
  heldOutTable(quick)
  simulateFilter(true)
  calibration(quick)
}

export function heldOutTable(quick = false): void {
  const heldOut = quick ? HELD_OUT_SEEDS.slice(0, 5) : HELD_OUT_SEEDS
  const streams = heldOut.flatMap((seed) => makeStreams(seed))
  const rows: (string | number)[][] = []
  for (const c of CONFIGS) {
    const by = new Map<string, Score>([['all', emptyScore()]])
    const { ms } = cpuMs(() => {
      for (const s of streams) {
        const f = family(s)
        if (!by.has(f)) by.set(f, emptyScore())
        scoreStream(s, c.opts(s), by.get(f))
        scoreStream(s, c.opts(s), by.get('all'))
      }
    })
    for (const [f, sc] of by) {
      const r = rates(sc)
      rows.push([
        c.name,
        f,
        sc.planted,
        fmt(100 * r.fpr, 2),
        fmt(100 * r.recall, 1),
        fmt(r.delay, 2),
        f === 'all' ? fmt((1000 * ms) / 2 / sc.points, 2) : '',
      ])
    }
  }
  table(
    `Anomaly detection on held-out seeds ${heldOut[0]}-${heldOut.at(-1)} (${streams.length} streams of 720 points; defaults from training seeds ${TRAINING_SEEDS[0]}-${TRAINING_SEEDS.at(-1)})`,
    ['method', 'streams', 'planted', 'FPR %', 'recall %', 'delay (steps)', 'µs / point'],
    rows,
  )
}

/** anomaly_steps calibration: steps per CPU ms on long series (where the budget binds). */
export function calibration(quick = false): void {
  const cal: (string | number)[][] = []
  for (const n of quick ? [10_000] : [1_000, 10_000]) {
    const long = Array.from({ length: n }, (_, i) => 100 + 10 * Math.sin(i / 50) + ((i * 7919) % 13))
    for (const method of ['robust_z', 'cusum'] as const)
      for (const period of [1, 24]) {
        const budget = new StepBudget('bench', Number.POSITIVE_INFINITY, 0)
        const { ms } = cpuMs(() => detect(long, { method, period }, budget))
        cal.push([method, period, n, budget.spent, fmt(ms, 1), fmt(budget.spent / ms, 0)])
      }
  }
  table(
    `anomaly_steps calibration (budget rate used: ${STEPS_PER_MS} steps / ms)`,
    ['method', 'period', 'points', 'steps', 'CPU ms', 'steps / ms'],
    cal,
  )
}

/** One-step x3 demand blips (metric glitches or real one-off bursts) on every workload, away from the flash spike. */
export function withBlips(trace: Trace, perWorkload: number, seed: number): Trace {
  const r = mulberry32(seed)
  for (const w of trace.workloads)
    for (let k = 0; k < perWorkload; k++) {
      const s = Math.floor(trace.steps * (0.05 + 0.9 * r()))
      const inSpike = trace.events.some(
        (e) => e.kind === 'spike' && s >= e.start_step - 20 && s < e.end_step + 20,
      )
      if (!inSpike) w.demand[s] = Math.min(3 * (w.demand[s] as number), 7 * w.per_replica)
    }
  return trace
}

/** `npm run simulate`'s orchestrator with and without the anomaly filter, on the plain trace and with blips. */
export function simulateFilter(
  quick = false,
  seeds = quick ? [1] : [1, 2],
  blipCounts = [0, 6],
  minutes = quick ? 240 : 720,
): void {
  const rows: (string | number)[][] = []
  for (const seed of seeds) {
    for (const blips of blipCounts) {
      const trace = withBlips(makeTrace({ seed, minutes }), blips, seed + 1000)
      const report = compare(
        trace,
        [
          new OrchestratorController({ startup_seconds: 120 }, 'Omega'),
          new OrchestratorController(
            { startup_seconds: 120, settings: { anomaly_filter: 'robust_z' } },
            'Omega + anomaly filter',
          ),
        ],
        { startup_seconds: 120 },
      )
      for (const m of report.controllers)
        rows.push([
          seed,
          blips,
          m.controller,
          m.sla_violation_minutes,
          m.spike_violation_minutes,
          m.replica_hours,
          m.peak_replicas,
          m.unserved_pct,
        ])
    }
  }
  table(
    `The orchestrator's anomaly filter in the simulator (${minutes} simulated minutes, 30 s steps, 6 workloads, start-up 120 s)`,
    [
      'seed',
      'x3 one-step blips / workload',
      'controller',
      'SLA-violation min',
      'in flash spike',
      'replica-hours',
      'peak replicas',
      'unserved %',
    ],
    rows,
  )
}

if (import.meta.url === `file://${process.argv[1]}`)
  if (process.argv.includes('--simulate')) {
    // --simulate [--quick] [seed blips minutes]: one cell of the table, so cells can run in parallel
    const [seed, blips, minutes] = process.argv
      .slice(3)
      .filter((a) => /^[0-9]+$/.test(a))
      .map(Number)
    if (seed === undefined) simulateFilter(process.argv.includes('--quick'))
    else simulateFilter(false, [seed], [blips ?? 0], minutes ?? 720)
  } else if (process.argv.includes('--held-out')) {
    heldOutTable(process.argv.includes('--quick'))
    calibration(process.argv.includes('--quick'))
  } else await run(process.argv.includes('--quick'))
