// A test-only controller that reads future demand from the trace: the bound a predictive controller approaches.
import type { Controller, Decision, Observation } from '../../bench/simulate/index.ts'
import { reconcile, replicasForSla, schedulerView, type Trace } from '../../bench/simulate/index.ts'

export class ForesightController implements Controller {
  readonly name = 'perfect foresight'
  readonly trace: Trace
  readonly startupSeconds: number
  readonly maxReplicas: number
  constructor(trace: Trace, startupSeconds = 120, maxReplicas = 10) {
    this.trace = trace
    this.startupSeconds = startupSeconds
    this.maxReplicas = maxReplicas
  }

  decide(o: Observation): Decision {
    const nodes = schedulerView(o.nodes)
    const from = Math.round(o.t / o.step_seconds)
    const lead = Math.ceil(this.startupSeconds / o.step_seconds) + 2
    const placements: Record<string, string[]> = {}
    for (const w of o.workloads) {
      const spec = this.trace.workloads.find((x) => x.id === w.id) as Trace['workloads'][number]
      const ahead = spec.demand.slice(from, from + lead)
      const want = Math.min(this.maxReplicas, replicasForSla(Math.max(w.demand, ...ahead) * 1.1, spec))
      placements[w.id] = reconcile(nodes, w.request, w.replicas, want)
    }
    return { placements }
  }
}
