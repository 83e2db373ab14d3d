// The controller interface of the fleet simulator: what a controller observes each step and what it decides.
// The orchestrator adapter implements `Controller`; the simulator diffs each Decision against the running replicas.

export type Health = 'up' | 'degraded' | 'down'

export interface ObservedNode {
  id: string
  region: string
  health: Health
  capacity: Record<string, number>
  /** Resources requested by the replicas placed on the node (starting or ready), as the scheduler sees them. */
  used: Record<string, number>
  point: number[]
  cost_per_unit_hour: Record<string, number>
  carbon_intensity: number
  availability: number
}

export interface ObservedWorkload {
  id: string
  type: string
  /** Requests per second offered in the step just served (served + refused, as a load balancer counts them). */
  demand: number
  replicas: { node: string; ready: boolean }[]
  /** Service rate of one ready replica in requests/s at 100 % of its CPU request (mu of the queue). */
  per_replica: number
  request: Record<string, number>
  sla_latency_ms: number
  affinity: number[]
  /** Mean CPU utilisation of the ready replicas against their request, in [0, 1] (0 when none is ready). */
  utilisation: number
  /** Mean latency in the step; saturated queues report the client timeout (TIMEOUT_MS). */
  latency_ms: number
}

export interface Observation {
  /** Seconds since the start of the run, at the end of the step just served. */
  t: number
  step_seconds: number
  nodes: ObservedNode[]
  workloads: ObservedWorkload[]
}

export interface Decision {
  /** Node of every wanted replica per workload; workloads left out keep their replicas. */
  placements: Record<string, string[]>
}

export interface Controller {
  name: string
  decide(o: Observation): Decision
}

/** What a client sees from a saturated service: its request timeout. */
export const TIMEOUT_MS = 30_000
