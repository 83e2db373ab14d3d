// The Kubernetes HorizontalPodAutoscaler (autoscaling/v2) replica calculation and scaling behavior, as the
// documentation and pkg/controller/podautoscaler describe them, with a ReplicaSet + spread scheduler underneath.
import type { Controller, Decision, Observation } from './controller.ts'
import { EvictionDelay, reconcile, schedulerView } from './scheduler.ts'

export interface ScalingPolicy {
  type: 'Percent' | 'Pods'
  value: number
  period_seconds: number
}

export interface HpaConfig {
  /** Target average CPU utilisation of the pods, against their request. */
  target: number
  tolerance: number
  min_replicas: number
  max_replicas: number
  scale_up: { stabilization_seconds: number; policies: ScalingPolicy[] }
  scale_down: { stabilization_seconds: number; policies: ScalingPolicy[] }
}

/** The baseline of issue 10: target 50 %, 1..10 replicas, +100 % per 30 s, -50 % per 60 s, 5-minute window. */
export const HPA_DEFAULTS: HpaConfig = {
  target: 0.5,
  tolerance: 0.1,
  min_replicas: 1,
  max_replicas: 10,
  scale_up: { stabilization_seconds: 0, policies: [{ type: 'Percent', value: 100, period_seconds: 30 }] },
  scale_down: { stabilization_seconds: 300, policies: [{ type: 'Percent', value: 50, period_seconds: 60 }] },
}

/**
 * desiredReplicas = ceil(currentReplicas x currentMetric / target), with the documented special cases: no
 * change inside the tolerance; pods not yet ready are set aside, and on a scale-up they count as 0 % use; if
 * that rebalancing reverses the direction or lands inside the tolerance, no change.
 */
export function hpaReplicaCalc(
  current: number,
  ready: number,
  utilisation: number,
  cfg: Pick<HpaConfig, 'target' | 'tolerance'> = HPA_DEFAULTS,
): number {
  if (ready === 0) return current
  const ratio = utilisation / cfg.target
  if (Math.abs(ratio - 1) <= cfg.tolerance) return current
  const unready = Math.max(0, current - ready)
  if (ratio < 1 || unready === 0) return Math.ceil(ratio * ready)
  const rebalanced = (utilisation * ready) / (ready + unready) / cfg.target
  if (rebalanced <= 1 || Math.abs(rebalanced - 1) <= cfg.tolerance) return current
  return Math.ceil(rebalanced * (ready + unready))
}

export interface HpaState {
  recommendations: { t: number; replicas: number }[]
  up_events: { t: number; replicas: number }[]
  down_events: { t: number; replicas: number }[]
}

export const newHpaState = (): HpaState => ({ recommendations: [], up_events: [], down_events: [] })

const changedSince = (events: { t: number; replicas: number }[], now: number, period: number) =>
  events.filter((e) => e.t > now - period).reduce((a, e) => a + e.replicas, 0)

/**
 * normalizeDesiredReplicasWithBehaviors: the stabilisation windows (scale down to the highest recommendation
 * of the last window, up to the lowest), then the rate policies against the replica count at the start of each
 * policy's period (selectPolicy Max), then min/max. Records the recommendation and the scale event in `state`.
 */
export function hpaNormalize(
  state: HpaState,
  now: number,
  current: number,
  desired: number,
  cfg: HpaConfig = HPA_DEFAULTS,
): number {
  let up = desired
  let down = desired
  for (const r of state.recommendations) {
    if (r.t > now - cfg.scale_up.stabilization_seconds) up = Math.min(up, r.replicas)
    if (r.t > now - cfg.scale_down.stabilization_seconds) down = Math.max(down, r.replicas)
  }
  let stabilised = current
  if (stabilised < up) stabilised = up
  if (stabilised > down) stabilised = down
  state.recommendations.push({ t: now, replicas: desired })
  const keep = Math.max(cfg.scale_up.stabilization_seconds, cfg.scale_down.stabilization_seconds)
  state.recommendations = state.recommendations.filter((r) => r.t > now - keep)

  let next = stabilised
  if (stabilised > current) {
    let limit = Number.NEGATIVE_INFINITY
    for (const p of cfg.scale_up.policies) {
      const start =
        current -
        changedSince(state.up_events, now, p.period_seconds) +
        changedSince(state.down_events, now, p.period_seconds)
      limit = Math.max(limit, p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100)))
    }
    next = Math.min(stabilised, limit, cfg.max_replicas)
  } else if (stabilised < current) {
    let limit = Number.POSITIVE_INFINITY
    for (const p of cfg.scale_down.policies) {
      const start =
        current +
        changedSince(state.down_events, now, p.period_seconds) -
        changedSince(state.up_events, now, p.period_seconds)
      limit = Math.min(limit, p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100)))
    }
    next = Math.max(stabilised, limit, cfg.min_replicas)
  }
  next = Math.min(cfg.max_replicas, Math.max(cfg.min_replicas, next))
  if (next > current) state.up_events.push({ t: now, replicas: next - current })
  if (next < current) state.down_events.push({ t: now, replicas: current - next })
  const horizon = Math.max(
    ...[...cfg.scale_up.policies, ...cfg.scale_down.policies].map((p) => p.period_seconds),
  )
  state.up_events = state.up_events.filter((e) => e.t > now - horizon)
  state.down_events = state.down_events.filter((e) => e.t > now - horizon)
  return next
}

/**
 * One HPA per workload, evaluated every step (the step is the sync period), over a Deployment whose ReplicaSet
 * recreates lost pods and the spread scheduler places them. The Deployment starts sized by its operator for the
 * load at the start of the run (ceil(demand / (per_replica x target))). Pods of a node that went down are
 * replaced only after the default 300 s eviction (EvictionDelay; pass 0 for an instant replacement).
 */
export class HpaController implements Controller {
  readonly name: string
  private readonly spec = new Map<string, number>()
  private readonly state = new Map<string, HpaState>()
  private readonly cfg: HpaConfig
  private readonly eviction: EvictionDelay
  constructor(cfg: HpaConfig = HPA_DEFAULTS, evictionSeconds = 300) {
    this.cfg = cfg
    this.eviction = new EvictionDelay(evictionSeconds)
    this.name = `HPA ${Math.round(cfg.target * 100)} % + spread`
  }

  decide(o: Observation): Decision {
    const nodes = schedulerView(o.nodes)
    const placements: Record<string, string[]> = {}
    const ghosts = this.eviction.update(o)
    for (const w of o.workloads) {
      let current = this.spec.get(w.id)
      if (current === undefined) {
        current = Math.ceil(w.demand / (w.per_replica * this.cfg.target))
        current = Math.min(this.cfg.max_replicas, Math.max(this.cfg.min_replicas, current))
        this.state.set(w.id, newHpaState())
      } else {
        const ready = w.replicas.filter((r) => r.ready).length
        const desired = hpaReplicaCalc(current, ready, w.utilisation, this.cfg)
        current = hpaNormalize(this.state.get(w.id) as HpaState, o.t, current, desired, this.cfg)
      }
      this.spec.set(w.id, current)
      placements[w.id] = reconcile(
        nodes,
        w.request,
        w.replicas,
        Math.max(0, current - (ghosts.get(w.id) ?? 0)),
      )
    }
    return { placements }
  }
}
