// The Omega orchestrator as a simulator controller: each step is one tick of the same pure loop the Durable
// Object runs (functions/orchestrator planTick), fed only with what the step observed.
import type { Health } from '../../functions/mdp/index.ts'
import {
  planTick,
  type ResolvedNode,
  replicaPoint,
  type TickInput,
} from '../../functions/orchestrator/index.ts'
import { MomConfig } from '../../schemas/mom-config.ts'
import { OrchestrationStrategy } from '../../schemas/orchestration-strategy.ts'
import { OrchestratorSettings, type Replica, Workload } from '../../schemas/orchestrator.ts'
import type { Controller, Decision, Observation } from './controller.ts'

export interface OrchestratorOptions {
  /** mom_config (defaults: the schema's, centralized mode) */
  config?: Record<string, unknown>
  /** the strategy every workload follows */
  strategy?: Record<string, unknown>
  /** loop settings; tick_seconds is the simulator's step */
  settings?: Record<string, unknown>
  /** utilisation of a replica at which it is sized (its capacity = service rate x this) */
  target_utilisation?: number
  /** replica start-up delay of the simulated cluster, in seconds (the loop starts scale-ups that far ahead) */
  startup_seconds?: number
}

export class OrchestratorController implements Controller {
  readonly name: string
  private readonly options: OrchestratorOptions
  private tick = 0
  private readonly demand = new Map<string, number[]>()
  private readonly health = new Map<string, Health[]>()
  private readonly lastChange: Record<string, number> = {}
  /** ticks of the run: kept inputs for a replay check */
  readonly digests: { input: TickInput; plan_digest: string }[] = []
  private readonly keep: number

  constructor(options: OrchestratorOptions = {}, name = 'Omega orchestrator', keepInputs = 0) {
    this.options = options
    this.name = name
    this.keep = keepInputs
  }

  decide(o: Observation): Decision {
    this.tick++
    const retention = Number(this.options.settings?.retention ?? 240)
    const settings = OrchestratorSettings.parse({
      tick_seconds: o.step_seconds,
      season: 1,
      horizon: 12,
      retention,
      startup_steps: Math.ceil((this.options.startup_seconds ?? 120) / o.step_seconds),
      ...this.options.settings,
    })
    const config = MomConfig.parse({ orchestration_mode: 'centralized', ...this.options.config })
    const strategy = OrchestrationStrategy.parse({
      strategy_id: 'fleet',
      scaling_policy: { method: 'predictive', min_replicas: 1, max_replicas: 10 },
      ...this.options.strategy,
    })
    const target = this.options.target_utilisation ?? 0.7
    for (const w of o.workloads) push(this.demand, w.id, w.demand, retention)
    for (const n of o.nodes) push(this.health, n.id, n.health, retention)
    const nodes: ResolvedNode[] = o.nodes
      .map((n) => ({
        id: n.id,
        region: n.region,
        coordinates: n.point,
        links: [],
        capacity: n.capacity,
        cost_per_unit_hour: n.cost_per_unit_hour,
        availability: n.availability,
        carbon_intensity: n.carbon_intensity,
        labels: {},
        health: n.health,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
    const byId = new Map(nodes.map((n) => [n.id, n]))
    const workloads = o.workloads
      .map((w) =>
        Workload.parse({
          id: w.id,
          type: w.type,
          replica: { capacity: w.per_replica * target, request: w.request },
          sla: { latency_ms: w.sla_latency_ms, target_utilisation: target },
          affinity: w.affinity,
        }),
      )
      .sort((a, b) => (a.id < b.id ? -1 : 1))
    const replicas: Replica[] = o.workloads
      .flatMap((w) =>
        w.replicas.map((r, slot) => {
          const host = byId.get(r.node) as ResolvedNode
          return {
            workload: w.id,
            slot,
            node: r.node,
            coordinates: replicaPoint(host, config.geometry.curvature, slot),
            since_tick: 0,
          }
        }),
      )
      .sort((a, b) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : a.slot - b.slot))
    const input: TickInput = {
      orchestrator: 'simulation',
      tick: this.tick,
      at: new Date(o.t * 1000).toISOString(),
      config,
      strategies: [strategy],
      settings,
      nodes,
      workloads,
      demand: Object.fromEntries([...this.demand].map(([k, v]) => [k, [...v]])),
      latency: Object.fromEntries(o.workloads.map((w) => [w.id, w.latency_ms])),
      health: Object.fromEntries([...this.health].map(([k, v]) => [k, [...v]])),
      utilisation: {},
      replicas,
      last_change: { ...this.lastChange },
      approved: {},
    }
    const plan = planTick(input)
    for (const w of plan.changed) this.lastChange[w] = this.tick
    if (this.digests.length < this.keep) this.digests.push({ input, plan_digest: plan.doc.plan_digest })
    const placements: Record<string, string[]> = {}
    for (const w of workloads) placements[w.id] = []
    for (const r of plan.replicas) placements[r.workload]?.push(r.node)
    return { placements }
  }
}

function push<T>(m: Map<string, T[]>, key: string, value: T, max: number): void {
  const list = m.get(key) ?? []
  list.push(value)
  if (list.length > max) list.shift()
  m.set(key, list)
}
