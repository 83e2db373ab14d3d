// The learned scaling policy as a simulator controller: each step, per workload, the policy picks a replica
// change from what the step observed; the spread scheduler of the HPA baseline places the replicas.
import {
  features,
  greedyAction,
  loadActor,
  MAX_REPLICAS,
  MIN_REPLICAS,
  nextReplicas,
  type PpoWeights,
  TREND_STEPS,
  type WorkloadView,
} from '../functions/lab/learned/ppo/index.ts'
import type { Controller, Decision, Observation } from './simulate/controller.ts'
import { reconcile, schedulerView } from './simulate/scheduler.ts'

/** The reward's weights: a step's cost is violation_minute x minutes in violation + replica_hour x replica-hours. */
export interface RewardWeights {
  violation_minute: number
  replica_hour: number
}

/** A violation minute costs as much as 4 replica-hours (one replica for 4 hours). */
export const REWARD: RewardWeights = { violation_minute: 4, replica_hour: 1 }

/** Utilisation at which the Deployment is sized before the first step (the HPA baseline's start, target 50 %). */
const INITIAL_TARGET = 0.5

/** Cost of the step just served for one workload, in the reward's units (the reward is its negative). */
export function stepCost(
  w: Observation['workloads'][number],
  stepSeconds: number,
  weights: RewardWeights = REWARD,
): number {
  const violated = w.latency_ms > w.sla_latency_ms ? 1 : 0
  return (
    weights.violation_minute * violated * (stepSeconds / 60) +
    weights.replica_hour * w.replicas.length * (stepSeconds / 3600)
  )
}

/** Picks an index into ACTIONS for workload `w` from its features. */
export type Chooser = (x: number[], w: number, o: Observation) => number

export class PpoController implements Controller {
  readonly name: string
  private readonly choose: Chooser
  private readonly history = new Map<string, number[]>()
  private started = false

  constructor(choose: Chooser, name = 'PPO policy') {
    this.choose = choose
    this.name = name
  }

  static fromWeights(weights: PpoWeights, name = 'PPO policy'): PpoController {
    const actor = loadActor(weights)
    return new PpoController((x) => greedyAction(actor, x), name)
  }

  /** What the policy sees of each workload in this observation (and records the demand for the trend). */
  views(o: Observation): WorkloadView[] {
    const down = o.nodes.filter((n) => n.health === 'down').length / Math.max(1, o.nodes.length)
    const degraded = new Set(o.nodes.filter((n) => n.health === 'degraded').map((n) => n.id))
    return o.workloads.map((w) => {
      const past = this.history.get(w.id) ?? []
      const before = past.length >= TREND_STEPS ? (past[past.length - TREND_STEPS] as number) : w.demand
      past.push(w.demand)
      if (past.length > TREND_STEPS) past.shift()
      this.history.set(w.id, past)
      const placed = w.replicas.length
      return {
        demand: w.demand,
        demand_before: before,
        per_replica: w.per_replica,
        replicas: placed,
        ready: w.replicas.filter((r) => r.ready).length,
        utilisation: w.utilisation,
        latency_ms: w.latency_ms,
        sla_latency_ms: w.sla_latency_ms,
        nodes_down: down,
        on_degraded: placed > 0 ? w.replicas.filter((r) => degraded.has(r.node)).length / placed : 0,
      }
    })
  }

  decide(o: Observation): Decision {
    const nodes = schedulerView(o.nodes)
    const placements: Record<string, string[]> = {}
    if (!this.started) {
      // the run starts from a deployed fleet: sized by its operator for the first load, as the HPA baseline's
      this.started = true
      for (const w of o.workloads) {
        const n = Math.ceil(w.demand / (w.per_replica * INITIAL_TARGET))
        placements[w.id] = reconcile(
          nodes,
          w.request,
          w.replicas,
          Math.min(MAX_REPLICAS, Math.max(MIN_REPLICAS, n)),
        )
      }
      return { placements }
    }
    const views = this.views(o)
    o.workloads.forEach((w, i) => {
      const v = views[i] as WorkloadView
      const a = this.choose(features(v), i, o)
      placements[w.id] = reconcile(nodes, w.request, w.replicas, nextReplicas(v, a))
    })
    return { placements }
  }
}
