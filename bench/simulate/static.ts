// Static peak provisioning: each workload gets ceil(peak demand / capacity at its SLA) replicas, spread once by
// the scheduler; the count never changes, and lost replicas are recreated as a fixed-size Deployment does
// (after the default 300 s eviction of pods on a node that went down).
import type { Controller, Decision, Observation } from './controller.ts'
import { EvictionDelay, reconcile, schedulerView } from './scheduler.ts'
import type { Trace } from './trace.ts'

/**
 * Replicas that serve a demand within the SLA: an M/M/1 replica meets latency L while base / (1 - rho) <= L,
 * so its capacity at the SLA is per_replica x (1 - base / L).
 */
export function replicasForSla(demand: number, w: Trace['workloads'][number]): number {
  const atSla = w.per_replica * (1 - w.base_latency_ms / w.sla_latency_ms)
  return Math.max(1, Math.ceil(demand / atSla))
}

export class StaticPeakController implements Controller {
  readonly name = 'static peak'
  readonly counts: Record<string, number>
  private readonly eviction: EvictionDelay
  constructor(trace: Trace, evictionSeconds = 300) {
    this.eviction = new EvictionDelay(evictionSeconds)
    // The operator sizes for the peak of the whole run, spike included: that is what peak provisioning means.
    this.counts = Object.fromEntries(
      trace.workloads.map((w) => [w.id, replicasForSla(Math.max(...w.demand), w)]),
    )
  }

  decide(o: Observation): Decision {
    const nodes = schedulerView(o.nodes)
    const placements: Record<string, string[]> = {}
    const ghosts = this.eviction.update(o)
    for (const w of o.workloads) {
      const want = (this.counts[w.id] ?? 1) - (ghosts.get(w.id) ?? 0)
      placements[w.id] = reconcile(nodes, w.request, w.replicas, Math.max(0, want))
    }
    return { placements }
  }
}
