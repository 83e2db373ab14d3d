// The observed situation of each workload, and the strategy whose trigger conditions it matches.
import { OrchestrationStrategy } from '../../schemas/orchestration-strategy.ts'
import type { Replica, Workload } from '../../schemas/orchestrator.ts'
import type { ResolvedNode, TickInput } from './model.ts'

export type Pressure = 'low' | 'medium' | 'high' | 'critical'
export interface Observed {
  workload_type: Workload['type']
  resource_pressure: Pressure
  anomaly_flags: string[]
}

/** The strategy a workload follows when none of the configured ones matches: the schema's defaults. */
export const DEFAULT_STRATEGY: OrchestrationStrategy = OrchestrationStrategy.parse({ strategy_id: 'default' })

/** Spike: the newest step above mean + 3 standard deviations of the previous `SPIKE_WINDOW` steps. */
const SPIKE_WINDOW = 30
const SPIKE_MIN_STEPS = 10

/** Reserved share of the fleet's busiest unit over the nodes that are up, or observed utilisation if higher. */
export function fleetPressure(
  nodes: readonly ResolvedNode[],
  replicas: readonly Replica[],
  input: TickInput,
): Pressure {
  const request = new Map(input.workloads.map((w) => [w.id, w.replica.request]))
  const used = new Map<string, Record<string, number>>()
  for (const r of replicas) {
    const u = used.get(r.node) ?? {}
    for (const [k, v] of Object.entries(request.get(r.workload) ?? {})) u[k] = (u[k] ?? 0) + v
    used.set(r.node, u)
  }
  const cap: Record<string, number> = {}
  const take: Record<string, number> = {}
  let observed = 0
  let observedNodes = 0
  for (const n of nodes) {
    if (n.health === 'down') continue
    for (const [k, v] of Object.entries(n.capacity)) {
      cap[k] = (cap[k] ?? 0) + v
      take[k] = (take[k] ?? 0) + (used.get(n.id)?.[k] ?? 0)
    }
    const u = input.utilisation[n.id]
    if (u != null) {
      observed += u / 100
      observedNodes++
    }
  }
  let share = 0
  for (const k of Object.keys(cap))
    if ((cap[k] as number) > 0) share = Math.max(share, (take[k] ?? 0) / (cap[k] as number))
  if (observedNodes > 0) share = Math.max(share, observed / observedNodes)
  if (Object.keys(cap).length === 0) return 'critical'
  return share < 0.5 ? 'low' : share < 0.75 ? 'medium' : share < 0.9 ? 'high' : 'critical'
}

/** Regions whose every node is down. */
export function regionsOut(nodes: readonly ResolvedNode[]): string[] {
  const up = new Map<string, boolean>()
  for (const n of nodes) up.set(n.region, (up.get(n.region) ?? false) || n.health !== 'down')
  return [...up]
    .filter(([, u]) => !u)
    .map(([r]) => r)
    .sort()
}

export function isSpike(series: readonly number[]): boolean {
  if (series.length < SPIKE_MIN_STEPS + 1) return false
  const last = series[series.length - 1] as number
  const window = series.slice(Math.max(0, series.length - 1 - SPIKE_WINDOW), series.length - 1)
  const mean = window.reduce((a, b) => a + b, 0) / window.length
  const sd = Math.sqrt(window.reduce((a, b) => a + (b - mean) ** 2, 0) / window.length)
  return last > mean + 3 * Math.max(sd, 1e-9 + 0.01 * mean)
}

export function observe(
  w: Workload,
  pressure: Pressure,
  input: TickInput,
  nodeById: ReadonlyMap<string, ResolvedNode>,
  outages: readonly string[],
): Observed {
  const flags = new Set<string>()
  for (const r of input.replicas) {
    if (r.workload !== w.id) continue
    const h = nodeById.get(r.node)?.health ?? 'down'
    if (h === 'down') flags.add('node_down')
    if (h === 'degraded') flags.add('node_degraded')
  }
  if (outages.length > 0) flags.add('region_outage')
  if (isSpike(input.demand[w.id] ?? [])) flags.add('demand_spike')
  const latency = input.latency[w.id]
  if (w.sla.latency_ms !== undefined && latency != null && latency > w.sla.latency_ms)
    flags.add('sla_violation')
  return { workload_type: w.type, resource_pressure: pressure, anomaly_flags: [...flags].sort() }
}

export function matches(s: OrchestrationStrategy, o: Observed): boolean {
  const t = s.trigger_conditions
  if (t.workload_types && !t.workload_types.includes(o.workload_type)) return false
  if (t.resource_pressure && !t.resource_pressure.includes(o.resource_pressure)) return false
  return t.anomaly_flags.every((f) => o.anomaly_flags.includes(f))
}

/** The workload's own strategy when its triggers match, else the first configured one that matches, else the default. */
export function chooseStrategy(
  w: Workload,
  o: Observed,
  strategies: readonly OrchestrationStrategy[],
): OrchestrationStrategy {
  const own = strategies.find((s) => s.strategy_id === w.strategy)
  if (own && matches(own, o)) return own
  return strategies.find((s) => matches(s, o)) ?? DEFAULT_STRATEGY
}
