// A seeded fleet trace: nodes in regions, workloads with diurnal demand, noise, one flash spike, a node failure
// and a region outage. Same seed and options, same trace, bit for bit (mulberry32 from functions/random).
import { mulberry32 } from '../../functions/random/index.ts'
import type { Health } from './controller.ts'

export interface NodeSpec {
  id: string
  region: string
  capacity: Record<string, number>
  cost_per_unit_hour: Record<string, number>
  /** gCO2e per kWh of the grid the node draws from. */
  carbon_intensity: number
  availability: number
  point: number[]
}

export interface WorkloadSpec {
  id: string
  type: 'interactive' | 'streaming' | 'batch' | 'ml_training'
  /** Service rate of one ready replica, requests/s at 100 % of its CPU request. */
  per_replica: number
  request: Record<string, number>
  /** Latency of an idle replica; the M/M/1 latency is base / (1 - rho). */
  base_latency_ms: number
  sla_latency_ms: number
  affinity: number[]
  home_region: string
  /** Offered requests/s per step. */
  demand: number[]
}

export type TraceEvent =
  | { kind: 'spike'; workload: string; start_step: number; end_step: number; factor: number }
  | { kind: 'node_failure'; nodes: string[]; degraded_step: number; start_step: number; end_step: number }
  | { kind: 'region_outage'; region: string; nodes: string[]; start_step: number; end_step: number }

export interface Trace {
  seed: number
  step_seconds: number
  steps: number
  /** Length of the simulated day in steps (the diurnal period). */
  day_steps: number
  nodes: NodeSpec[]
  workloads: WorkloadSpec[]
  events: TraceEvent[]
}

export interface TraceOptions {
  seed?: number
  /** Simulated minutes in the run (default 1440: one day). */
  minutes?: number
  step_seconds?: number
  /** Length of the diurnal cycle in simulated minutes (default: the whole run is one compressed day). */
  day_minutes?: number
  regions?: number
  nodes_per_region?: number
  workloads?: number
}

export const REGIONS = ['eu-west', 'us-east', 'ap-south', 'sa-east', 'af-south'] as const
const REGION_CARBON = [230, 390, 640, 110, 700] // gCO2e/kWh, order of magnitude of each grid (see docs/simulate.md)
const REGION_CPU_PRICE = [0.042, 0.036, 0.031, 0.047, 0.05] // $ per core-hour

const TYPES: Record<
  WorkloadSpec['type'],
  Omit<WorkloadSpec, 'id' | 'type' | 'affinity' | 'home_region' | 'demand'>
> = {
  interactive: { per_replica: 100, request: { cpu: 1, memory: 2 }, base_latency_ms: 20, sla_latency_ms: 100 },
  streaming: { per_replica: 200, request: { cpu: 2, memory: 4 }, base_latency_ms: 50, sla_latency_ms: 250 },
  batch: { per_replica: 20, request: { cpu: 2, memory: 8 }, base_latency_ms: 400, sla_latency_ms: 2000 },
  ml_training: {
    per_replica: 5,
    request: { cpu: 4, memory: 16 },
    base_latency_ms: 1000,
    sla_latency_ms: 4000,
  },
}
const TYPE_CYCLE: WorkloadSpec['type'][] = [
  'interactive',
  'streaming',
  'interactive',
  'batch',
  'streaming',
  'ml_training',
]

/** Highest demand any workload reaches, as a multiple of its per-replica rate: 10 replicas at 70 % utilisation. */
const PEAK_REPLICA_RATES = 7

function gaussian(rand: () => number): number {
  const u = 1 - rand()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())
}

function polar(r: number, angle: number): number[] {
  return [r * Math.cos(angle), r * Math.sin(angle)]
}

export function makeTrace(opts: TraceOptions = {}): Trace {
  const seed = opts.seed ?? 1
  const step_seconds = opts.step_seconds ?? 30
  const steps = Math.max(1, Math.round(((opts.minutes ?? 1440) * 60) / step_seconds))
  const day_steps = Math.max(
    1,
    Math.round(((opts.day_minutes ?? steps * (step_seconds / 60)) * 60) / step_seconds),
  )
  const regionCount = Math.min(REGIONS.length, Math.max(2, opts.regions ?? 3))
  const perRegion = Math.max(1, opts.nodes_per_region ?? 4)
  const workloadCount = Math.max(1, opts.workloads ?? 6)
  const rand = mulberry32(seed)
  const stepsOf = (minutes: number) => Math.max(1, Math.round((minutes * 60) / step_seconds))

  const nodes: NodeSpec[] = []
  for (let r = 0; r < regionCount; r++) {
    const region = REGIONS[r] as string
    const angle = (2 * Math.PI * r) / regionCount
    for (let k = 0; k < perRegion; k++) {
      const a = angle + (rand() - 0.5) * 0.4
      nodes.push({
        id: `${region}-n${k + 1}`,
        region,
        capacity: { cpu: 16, memory: 64 },
        cost_per_unit_hour: {
          cpu: +((REGION_CPU_PRICE[r] as number) * (0.9 + 0.2 * rand())).toFixed(4),
          memory: +(0.0045 * (0.9 + 0.2 * rand())).toFixed(5),
        },
        carbon_intensity: Math.round((REGION_CARBON[r] as number) * (0.9 + 0.2 * rand())),
        availability: +(0.995 + 0.0049 * rand()).toFixed(4),
        point: polar(0.55 + 0.3 * rand(), a),
      })
    }
  }

  const workloads: WorkloadSpec[] = []
  for (let w = 0; w < workloadCount; w++) {
    const type = TYPE_CYCLE[w % TYPE_CYCLE.length] as WorkloadSpec['type']
    const t = TYPES[type]
    const r = Math.floor(rand() * regionCount)
    const home_region = REGIONS[r] as string
    // Regions sit in different time zones: the diurnal peak moves with the home region.
    const phase = (2 * Math.PI * r) / regionCount + (rand() - 0.5) * 0.5
    const peak = t.per_replica * (2.5 + 1.5 * rand())
    const trough = peak * (0.25 + 0.1 * rand())
    const demand: number[] = []
    let noise = 0
    for (let s = 0; s < steps; s++) {
      // AR(1) multiplicative noise, stationary sd 8 %: load is correlated from one step to the next.
      noise = 0.9 * noise + Math.sqrt(1 - 0.81) * 0.08 * gaussian(rand)
      const diurnal = trough + ((peak - trough) * (1 + Math.sin((2 * Math.PI * s) / day_steps - phase))) / 2
      demand.push(Math.max(0, diurnal * (1 + noise)))
    }
    workloads.push({
      id: `${type}-${w + 1}`,
      type,
      ...t,
      request: { ...t.request },
      affinity: polar(0.5 + 0.3 * rand(), (2 * Math.PI * r) / regionCount + (rand() - 0.5) * 0.3),
      home_region,
      demand,
    })
  }

  const events: TraceEvent[] = []
  // A flash spike on the first interactive workload: x3 for 10 minutes, ramping in over one step.
  const spiked = workloads.find((w) => w.type === 'interactive') ?? (workloads[0] as WorkloadSpec)
  const spikeStart = Math.floor(steps * 0.3)
  const spikeEnd = Math.min(steps, spikeStart + stepsOf(10))
  for (let s = spikeStart; s < spikeEnd; s++)
    spiked.demand[s] = Math.min(3 * (spiked.demand[s] as number), PEAK_REPLICA_RATES * spiked.per_replica)
  events.push({ kind: 'spike', workload: spiked.id, start_step: spikeStart, end_step: spikeEnd, factor: 3 })

  // A node failure (degraded 10 minutes before, down for an hour), then an outage of another region (30 minutes).
  const failed = nodes[Math.floor(rand() * nodes.length)] as NodeSpec
  const failStart = Math.floor(steps * 0.55)
  events.push({
    kind: 'node_failure',
    nodes: [failed.id],
    degraded_step: Math.max(0, failStart - stepsOf(10)),
    start_step: failStart,
    end_step: Math.min(steps, failStart + stepsOf(60)),
  })
  const regionIndex = (REGIONS.indexOf(failed.region as (typeof REGIONS)[number]) + 1) % regionCount
  const region = REGIONS[regionIndex] as string
  const outStart = Math.floor(steps * 0.75)
  events.push({
    kind: 'region_outage',
    region,
    nodes: nodes.filter((n) => n.region === region).map((n) => n.id),
    start_step: outStart,
    end_step: Math.min(steps, outStart + stepsOf(30)),
  })
  return { seed, step_seconds, steps, day_steps, nodes, workloads, events }
}

/** Health of a node at a step, from the trace's failure events. */
export function healthAt(trace: Trace, node: string, step: number): Health {
  let health: Health = 'up'
  for (const e of trace.events) {
    if (e.kind === 'spike' || !e.nodes.includes(node)) continue
    if (step >= e.start_step && step < e.end_step) return 'down'
    if (e.kind === 'node_failure' && step >= e.degraded_step && step < e.start_step) health = 'degraded'
  }
  return health
}
