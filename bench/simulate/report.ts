// Metrics of simulation runs, side by side: SLA-violation minutes, replica-hours, cost, carbon, recovery after
// the node failure and the region outage, peak replicas; as JSON and as a markdown table.

import {
  type AsyncController,
  type ClusterOptions,
  type RunResult,
  simulate,
  simulateAsync,
} from './cluster.ts'
import type { Controller } from './controller.ts'
import type { Trace } from './trace.ts'

/** The SLA counts as holding again after this many consecutive minutes without a violation. */
export const RECOVERY_CLEAN_MINUTES = 5

export interface ControllerMetrics {
  controller: string
  sla_violation_minutes: number
  /** Violation minutes of the spiked workload inside the spike and the 10 minutes after it. */
  spike_violation_minutes: number
  replica_hours: number
  cost_usd: number
  carbon_kg: number
  /** Minutes from the event until the affected workloads meet their SLA again (null: never in the run). */
  recovery_node_failure_min: number | null
  recovery_region_outage_min: number | null
  peak_replicas: number
  unserved_pct: number
  pending_replica_minutes: number
  violation_minutes_by_workload: Record<string, number>
}

export interface Report {
  seed: number
  minutes: number
  step_seconds: number
  startup_seconds: number
  nodes: number
  regions: number
  workloads: number
  events: Trace['events'][number][]
  controllers: ControllerMetrics[]
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d

/** First step from `start` that begins RECOVERY_CLEAN_MINUTES clean minutes for the given workloads. */
export function recoveryMinutes(run: RunResult, rows: number[], start: number): number | null {
  const steps = run.replicas.length
  const need = Math.max(1, Math.round((RECOVERY_CLEAN_MINUTES * 60) / run.step_seconds))
  let clean = 0
  for (let s = start; s < steps; s++) {
    const bad = rows.some((w) => (run.violated[w] as Uint8Array)[s] === 1)
    clean = bad ? 0 : clean + 1
    if (clean === need || (s === steps - 1 && clean > 0))
      return round(((s - clean + 1 - start) * run.step_seconds) / 60, 2)
  }
  return null
}

export function metrics(trace: Trace, run: RunResult): ControllerMetrics {
  const minutes = run.step_seconds / 60
  const byWorkload: Record<string, number> = {}
  let total = 0
  trace.workloads.forEach((w, i) => {
    const v = (run.violated[i] as Uint8Array).reduce((a, b) => a + b, 0) * minutes
    byWorkload[w.id] = round(v, 2)
    total += v
  })
  const recovery = (kind: string) => {
    const hit = run.affected.find((a) => a.kind === kind)
    if (!hit) return null
    const rows = hit.workloads.map((id) => trace.workloads.findIndex((w) => w.id === id))
    return rows.length === 0 ? 0 : recoveryMinutes(run, rows, hit.start_step)
  }
  let spike = 0
  for (const e of trace.events) {
    if (e.kind !== 'spike') continue
    const row = run.violated[trace.workloads.findIndex((w) => w.id === e.workload)] as Uint8Array
    const end = Math.min(row.length, e.end_step + Math.round(600 / run.step_seconds))
    for (let s = e.start_step; s < end; s++) spike += (row[s] as number) * minutes
  }
  return {
    controller: run.controller,
    sla_violation_minutes: round(total, 2),
    spike_violation_minutes: round(spike, 2),
    replica_hours: round(run.replica_seconds / 3600, 2),
    cost_usd: round(run.cost, 2),
    carbon_kg: round(run.carbon_kg, 3),
    recovery_node_failure_min: recovery('node_failure'),
    recovery_region_outage_min: recovery('region_outage'),
    peak_replicas: Math.max(0, ...run.replicas),
    unserved_pct: round(run.offered > 0 ? (100 * run.unserved) / run.offered : 0, 3),
    pending_replica_minutes: round(run.pending_replica_steps * minutes, 2),
    violation_minutes_by_workload: byWorkload,
  }
}

function header(trace: Trace, opts: ClusterOptions): Omit<Report, 'controllers'> {
  return {
    seed: trace.seed,
    minutes: (trace.steps * trace.step_seconds) / 60,
    step_seconds: trace.step_seconds,
    startup_seconds: opts.startup_seconds ?? 120,
    nodes: trace.nodes.length,
    regions: new Set(trace.nodes.map((n) => n.region)).size,
    workloads: trace.workloads.length,
    events: trace.events,
  }
}

/** Runs every controller on the same trace (each from a fresh cluster) and collects their metrics. */
export function compare(trace: Trace, controllers: Controller[], opts: ClusterOptions = {}): Report {
  return {
    ...header(trace, opts),
    controllers: controllers.map((c) => metrics(trace, simulate(trace, c, opts))),
  }
}

/** compare() for controllers that decide asynchronously; they run one after the other, in order. */
export async function compareAsync(
  trace: Trace,
  controllers: AsyncController[],
  opts: ClusterOptions = {},
): Promise<Report> {
  const out: ControllerMetrics[] = []
  for (const c of controllers) out.push(metrics(trace, await simulateAsync(trace, c, opts)))
  return { ...header(trace, opts), controllers: out }
}

const ROWS: [string, (m: ControllerMetrics) => number | null][] = [
  ['SLA-violation minutes (all workloads)', (m) => m.sla_violation_minutes],
  ['  of which in the flash spike (+10 min)', (m) => m.spike_violation_minutes],
  ['replica-hours', (m) => m.replica_hours],
  ['cost (USD)', (m) => m.cost_usd],
  ['carbon (kgCO2e)', (m) => m.carbon_kg],
  ['recovery after node failure (min)', (m) => m.recovery_node_failure_min],
  ['recovery after region outage (min)', (m) => m.recovery_region_outage_min],
  ['peak replicas', (m) => m.peak_replicas],
  ['unserved requests (%)', (m) => m.unserved_pct],
  ['pending replica-minutes', (m) => m.pending_replica_minutes],
]

export function toMarkdown(r: Report): string {
  const head = ['metric', ...r.controllers.map((c) => c.controller)]
  const lines = [
    `Seed ${r.seed}: ${r.minutes} simulated minutes at ${r.step_seconds} s steps, ${r.nodes} nodes in ${r.regions} regions, ` +
      `${r.workloads} workloads, start-up delay ${r.startup_seconds} s.`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
  ]
  for (const [label, f] of ROWS)
    lines.push(
      `| ${label} | ${r.controllers.map((c) => (f(c) === null ? 'never' : String(f(c)))).join(' | ')} |`,
    )
  return lines.join('\n')
}
