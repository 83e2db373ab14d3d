// The discrete-time cluster model: replicas start after a delay, serve demand as M/M/1 queues, vanish with
// their node, and never overcommit a node (an unplaceable replica stays Pending). See docs/simulate.md.
import {
  type Controller,
  type Decision,
  type Observation,
  type ObservedNode,
  TIMEOUT_MS,
} from './controller.ts'
import { healthAt, type Trace } from './trace.ts'

export interface ClusterOptions {
  /** Seconds from scheduling a replica until it serves (image pull, start, readiness probe). */
  startup_seconds?: number
}

/** Power model per replica (Cloud Carbon Footprint coefficients): W per vCPU between idle and full, W per GB. */
export const POWER = { cpu_min_w: 0.74, cpu_max_w: 3.5, memory_w_per_gb: 0.392, pue: 1.135 }

interface Replica {
  node: string
  ready_at: number
  seq: number
}

export interface RunResult {
  controller: string
  step_seconds: number
  /** violated[w][s]: 1 when workload w missed its SLA (latency or unserved demand) in step s. */
  violated: Uint8Array[]
  /** Replicas placed (starting or ready) per step. */
  replicas: number[]
  replica_seconds: number
  cost: number
  carbon_kg: number
  offered: number
  unserved: number
  /** Replicas a decision asked for that could not be placed (node unknown, down or full), summed over steps. */
  pending_replica_steps: number
  /** Workloads with a replica on the nodes an event took down, at the moment it did. */
  affected: { kind: string; start_step: number; workloads: string[] }[]
  /** Highest resource use over capacity seen on any node (0 when capacity always held). */
  max_overcommit: number
}

export function queueLatency(base_ms: number, rho: number): number {
  return rho < 1 ? base_ms / (1 - rho) : Number.POSITIVE_INFINITY
}

/** Controllers whose decision needs I/O or async hashing (crypto.subtle): decide may return a promise. */
export interface AsyncController {
  name: string
  decide(o: Observation): Decision | Promise<Decision>
}

export function simulate(trace: Trace, controller: Controller, opts: ClusterOptions = {}): RunResult {
  const run = cluster(trace, controller.name, opts)
  let next = run.next()
  while (!next.done) next = run.next(controller.decide(next.value))
  return next.value
}

export async function simulateAsync(
  trace: Trace,
  controller: AsyncController,
  opts: ClusterOptions = {},
): Promise<RunResult> {
  const run = cluster(trace, controller.name, opts)
  let next = run.next()
  while (!next.done) next = run.next(await controller.decide(next.value))
  return next.value
}

/** The run as a generator: yields each observation, takes the controller's decision back, returns the result. */
export function* cluster(
  trace: Trace,
  name: string,
  opts: ClusterOptions = {},
): Generator<Observation, RunResult, Decision> {
  const startup = opts.startup_seconds ?? 120
  const dt = trace.step_seconds
  const W = trace.workloads
  const replicas: Replica[][] = W.map(() => [])
  const used = new Map(trace.nodes.map((n) => [n.id, {} as Record<string, number>]))
  const nodeById = new Map(trace.nodes.map((n) => [n.id, n]))
  const res: RunResult = {
    controller: name,
    step_seconds: dt,
    violated: W.map(() => new Uint8Array(trace.steps)),
    replicas: [],
    replica_seconds: 0,
    cost: 0,
    carbon_kg: 0,
    offered: 0,
    unserved: 0,
    pending_replica_steps: 0,
    affected: [],
    max_overcommit: 0,
  }
  let seq = 0
  const charge = (node: string, request: Record<string, number>, sign: number) => {
    const u = used.get(node) as Record<string, number>
    for (const [r, q] of Object.entries(request)) u[r] = (u[r] ?? 0) + sign * q
  }

  const apply = (d: Decision, t: number, readyAt: number) => {
    const starts: { w: number; node: string }[] = []
    W.forEach((w, i) => {
      const want = d.placements[w.id]
      if (!want) return
      const wanted = new Map<string, number>()
      for (const n of want) wanted.set(n, (wanted.get(n) ?? 0) + 1)
      const keep: Replica[] = []
      // Newest first, so a node that loses replicas loses the ones still starting.
      for (const r of [...(replicas[i] as Replica[])].sort((a, b) => b.seq - a.seq)) {
        const k = wanted.get(r.node) ?? 0
        if (k > 0) {
          wanted.set(r.node, k - 1)
          keep.push(r)
        } else charge(r.node, w.request, -1)
      }
      replicas[i] = keep.sort((a, b) => a.seq - b.seq)
      for (const [node, k] of wanted) for (let j = 0; j < k; j++) starts.push({ w: i, node })
    })
    for (const { w, node } of starts) {
      const spec = nodeById.get(node)
      const wl = W[w] as Trace['workloads'][number]
      const u = used.get(node)
      const ok =
        spec !== undefined &&
        u !== undefined &&
        healthAt(trace, node, t) !== 'down' &&
        Object.entries(wl.request).every(([r, q]) => (u[r] ?? 0) + q <= (spec.capacity[r] ?? 0))
      if (!ok) {
        res.pending_replica_steps++
        continue
      }
      charge(node, wl.request, 1)
      ;(replicas[w] as Replica[]).push({ node, ready_at: readyAt, seq: seq++ })
    }
  }

  const observe = (t: number, s: number, stats: { util: number; latency: number }[]): Observation => ({
    t,
    step_seconds: dt,
    nodes: trace.nodes.map(
      (n): ObservedNode => ({
        id: n.id,
        region: n.region,
        health: healthAt(trace, n.id, s),
        capacity: { ...n.capacity },
        used: { ...(used.get(n.id) as Record<string, number>) },
        point: [...n.point],
        cost_per_unit_hour: { ...n.cost_per_unit_hour },
        carbon_intensity: n.carbon_intensity,
        availability: n.availability,
      }),
    ),
    workloads: W.map((w, i) => ({
      id: w.id,
      type: w.type,
      demand: w.demand[s] as number,
      replicas: (replicas[i] as Replica[]).map((r) => ({ node: r.node, ready: r.ready_at <= t })),
      per_replica: w.per_replica,
      request: { ...w.request },
      sla_latency_ms: w.sla_latency_ms,
      affinity: [...w.affinity],
      utilisation: stats[i]?.util ?? 0,
      latency_ms: stats[i]?.latency ?? 0,
    })),
  })

  for (let s = 0; s < trace.steps; s++) {
    const t0 = s * dt
    // Failures first: replicas on a node that went down vanish with it.
    for (const e of trace.events) {
      if (e.kind === 'spike' || e.start_step !== s) continue
      const down = new Set(e.nodes)
      const hit = W.filter((_, i) => (replicas[i] as Replica[]).some((r) => down.has(r.node))).map(
        (w) => w.id,
      )
      res.affected.push({ kind: e.kind, start_step: s, workloads: hit })
    }
    W.forEach((w, i) => {
      replicas[i] = (replicas[i] as Replica[]).filter((r) => {
        if (healthAt(trace, r.node, s) !== 'down') return true
        charge(r.node, w.request, -1)
        return false
      })
    })
    // The run starts from a deployed fleet: the first decision's replicas serve at once.
    if (s === 0) apply(yield observe(t0, 0, []), 0, 0)

    const stats = W.map((w, i) => {
      const demand = w.demand[s] as number
      const ready = (replicas[i] as Replica[]).filter((r) => r.ready_at <= t0).length
      const capacity = ready * w.per_replica
      const rho = demand === 0 ? 0 : capacity === 0 ? Number.POSITIVE_INFINITY : demand / capacity
      const latency = queueLatency(w.base_latency_ms, rho)
      const unserved = Math.max(0, demand - capacity)
      res.offered += demand * dt
      res.unserved += unserved * dt
      if (latency > w.sla_latency_ms || unserved > 0) (res.violated[i] as Uint8Array)[s] = 1
      const util = ready > 0 ? Math.min(1, rho) : 0
      for (const r of replicas[i] as Replica[]) {
        const node = nodeById.get(r.node)
        if (!node) continue
        const cpu = w.request.cpu ?? 0
        const mem = w.request.memory ?? 0
        const u = r.ready_at <= t0 ? util : 0
        const watts =
          (cpu * (POWER.cpu_min_w + (POWER.cpu_max_w - POWER.cpu_min_w) * u) + mem * POWER.memory_w_per_gb) *
          POWER.pue
        res.carbon_kg += (((watts * dt) / 3600 / 1000) * node.carbon_intensity) / 1000
        let price = 0
        for (const [k, q] of Object.entries(w.request)) price += q * (node.cost_per_unit_hour[k] ?? 0)
        res.cost += (price * dt) / 3600
      }
      res.replica_seconds += (replicas[i] as Replica[]).length * dt
      return { util, latency: Number.isFinite(latency) ? Math.min(latency, TIMEOUT_MS) : TIMEOUT_MS }
    })
    res.replicas.push(replicas.reduce((a, r) => a + r.length, 0))
    for (const n of trace.nodes) {
      const u = used.get(n.id) as Record<string, number>
      for (const [r, q] of Object.entries(u))
        res.max_overcommit = Math.max(res.max_overcommit, q - (n.capacity[r] ?? 0))
    }
    // The controller sees the step it just served, never the next one, and acts for the steps after it.
    const t1 = t0 + dt
    if (s + 1 < trace.steps) apply(yield observe(t1, s, stats), s + 1, t1 + startup)
  }
  return res
}
