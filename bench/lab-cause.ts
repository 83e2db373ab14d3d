// Kernel lab (cause) benchmarks: attribution time exact and sampled, counterfactual replay per 1k/10k events, and
// the cause_steps calibration (steps per CPU ms) these measure.
import { StepBudget } from '../functions/budget/index.ts'
import { compileKernel, type EventValue, gateBatch, initialAggregates } from '../functions/kernel/index.ts'
import { attribute, counterfactual, type HistoryItem } from '../functions/lab/cause/index.ts'
import { mulberry32 } from '../functions/random/index.ts'
import { KernelSpec } from '../schemas/kernel.ts'

const fmt = (x: number, d = 1) => x.toFixed(d)

function table(title: string, head: string[], rows: (string | number)[][]): void {
  console.log(`\n### ${title}\n`)
  console.log(`| ${head.join(' | ')} |`)
  console.log(`|${head.map(() => '---').join('|')}|`)
  for (const r of rows) console.log(`| ${r.join(' | ')} |`)
}

/** CPU time of the process (user + system), not wall time: the bench machine is shared and often loaded. */
function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = process.cpuUsage()
  const value = f()
  const t = process.cpuUsage(t0)
  return { value, ms: (t.user + t.system) / 1000 }
}

/** The contract kernel's shape (4 aggregates, 2 invariants) with the gate flagging, so every event commits. */
const kernel = compileKernel(
  KernelSpec.parse({
    id: 'bench',
    aggregates: {
      contributed: { fold: 'sum', expr: 'event.contributed' },
      returned: { fold: 'sum', expr: 'event.returned' },
      events: { fold: 'count' },
      traced: { fold: 'count', where: 'has(event.trace_id)' },
    },
    invariants: {
      Non_Spoliation: {
        score: 'agg.contributed == 0.0 ? 1.0 : min(1.0, agg.returned / agg.contributed)',
        threshold: 0.94,
      },
      Traceability: {
        score: 'agg.events == 0.0 ? 1.0 : agg.traced / agg.events',
        threshold: 1.0,
        weight: 2.0,
      },
    },
    gate: { on_torsion: 'reject', admit_improving: true },
  }),
)

function events(n: number, seed = 1): EventValue[] {
  const r = mulberry32(seed)
  return Array.from({ length: n }, (_, i) => ({
    id: `e${i}`,
    contributed: 100,
    returned: 80 + Math.floor(r() * 30),
    ...(r() < 0.97 ? { trace_id: `t${i}` } : {}),
  }))
}

const unbounded = () => new StepBudget('cause_steps', Number.POSITIVE_INFINITY, 0)

function attributionRows(quick: boolean): (string | number)[][] {
  const rows: (string | number)[][] = []
  const exact = quick ? [8, 10] : [8, 10, 12]
  for (const n of exact) {
    const budget = unbounded()
    const { value: a, ms } = timed(() => attribute(kernel, initialAggregates(kernel), events(n), budget))
    rows.push([
      n,
      a.method,
      '',
      fmt(ms, 1),
      budget.spent,
      fmt(budget.spent / ms, 0),
      '',
      fmt(a.torsion_after, 4),
    ])
  }
  for (const [n, samples] of quick
    ? [[20, 100]]
    : [
        [20, 200],
        [100, 100],
      ]) {
    const budget = unbounded()
    const { value: a, ms } = timed(() =>
      attribute(kernel, initialAggregates(kernel), events(n as number), budget, { samples }),
    )
    const widths = a.events.map((e) => (e.ci95 as [number, number])[1] - (e.ci95 as [number, number])[0])
    const mean = widths.reduce((s, w) => s + w, 0) / widths.length
    const top = Math.max(...a.events.map((e) => Math.abs(e.shapley)))
    rows.push([
      n as number,
      a.method,
      samples as number,
      fmt(ms, 1),
      budget.spent,
      fmt(budget.spent / ms, 0),
      `${mean.toExponential(2)} (max abs φ ${top.toExponential(2)})`,
      fmt(a.torsion_after, 4),
    ])
  }
  return rows
}

/** The attempted history as the gate records it (one event at a time, refusals do not fold). */
function history(n: number): HistoryItem[] {
  let states = initialAggregates(kernel)
  let last: EventValue | undefined
  let seq = 0
  return events(n, 7).map((event, i) => {
    const out = gateBatch(kernel, states, [event], { last })
    const r = out.results[0] as { verdict: HistoryItem['verdict']; torsion: number }
    if (out.rejected === undefined) {
      states = out.states
      last = event
    }
    return {
      index: i + 1,
      seq: out.rejected === undefined ? ++seq : null,
      event,
      verdict: r.verdict,
      torsion: r.torsion,
      kernel_version: 1,
    }
  })
}

function counterfactualRows(quick: boolean): (string | number)[][] {
  const rows: (string | number)[][] = []
  for (const n of quick ? [1000] : [1000, 10_000]) {
    const h = history(n)
    const without = new Set(h.filter((_, i) => i % 10 === 0).map((x) => x.event.id as string))
    const budget = unbounded()
    const { value: cf, ms } = timed(() => counterfactual({ kernel, history: h, without }, budget))
    rows.push([
      n,
      h.filter((x) => x.seq === null).length,
      cf.dropped,
      cf.changed_verdicts.length,
      fmt(ms, 1),
      fmt((ms * 1000) / n, 1),
      budget.spent,
      fmt(budget.spent / ms, 0),
    ])
  }
  return rows
}

export async function run(quick = false): Promise<void> {
  timed(() => attribute(kernel, initialAggregates(kernel), events(8), unbounded())) // warm-up (JIT)
  table(
    'Root cause: Shapley attribution of a torsion change over n events (contract-shaped kernel, 4 aggregates, 2 invariants)',
    ['n', 'method', 'samples', 'CPU ms', 'steps', 'steps/ms', 'mean 95% CI width', 'torsion after'],
    attributionRows(quick),
  )
  table(
    'Counterfactual replay of the attempted history without every 10th event (gate one event at a time)',
    ['events', 'refused', 'dropped', 'changed verdicts', 'CPU ms', 'µs/event', 'steps', 'steps/ms'],
    counterfactualRows(quick),
  )
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.includes('--quick'))
