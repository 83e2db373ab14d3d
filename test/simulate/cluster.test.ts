// The cluster model: M/M/1 latency against the SLA, the start-up delay, capacity that is never overcommitted,
// replicas that vanish with their node, and the recovery metric.
import { describe, expect, it } from 'vitest'
import {
  type Controller,
  type Decision,
  makeTrace,
  type Observation,
  queueLatency,
  type RunResult,
  recoveryMinutes,
  StaticPeakController,
  simulate,
  type Trace,
} from '../../bench/simulate/index.ts'

/** One node, one workload (100 req/s per replica, 20 ms idle, 100 ms SLA), demand given per 30 s step. */
function tinyTrace(demand: number[], cpu = 4): Trace {
  return {
    seed: 0,
    step_seconds: 30,
    steps: demand.length,
    day_steps: demand.length,
    nodes: [
      {
        id: 'n1',
        region: 'r1',
        capacity: { cpu, memory: 64 },
        cost_per_unit_hour: { cpu: 0.04, memory: 0 },
        carbon_intensity: 400,
        availability: 0.999,
        point: [0, 0],
      },
    ],
    workloads: [
      {
        id: 'w',
        type: 'interactive',
        per_replica: 100,
        request: { cpu: 1, memory: 1 },
        base_latency_ms: 20,
        sla_latency_ms: 100,
        affinity: [0, 0],
        home_region: 'r1',
        demand,
      },
    ],
    events: [],
  }
}

/** Asks for a fixed replica count per step (from a schedule) on one node; records what it observed. */
class Scripted implements Controller {
  readonly name = 'scripted'
  readonly seen: Observation[] = []
  readonly count: (step: number) => number
  constructor(count: (step: number) => number) {
    this.count = count
  }
  decide(o: Observation): Decision {
    this.seen.push(structuredClone(o))
    const step = Math.round(o.t / o.step_seconds)
    return { placements: { w: Array.from({ length: this.count(step) }, () => 'n1') } }
  }
}

describe('queueing model', () => {
  it('latency is base / (1 - rho), infinite at rho >= 1', () => {
    expect(queueLatency(20, 0.75)).toBeCloseTo(80, 10)
    expect(queueLatency(20, 0.8)).toBeCloseTo(100, 10)
    expect(queueLatency(20, 1)).toBe(Number.POSITIVE_INFINITY)
  })

  it('2 replicas meet a 100 ms SLA at 150 req/s (80 ms), miss it at 170 (133 ms) and at 250 (unserved)', () => {
    const run = simulate(tinyTrace([150, 170, 250, 150]), new Scripted(() => 2))
    expect([...(run.violated[0] as Uint8Array)]).toEqual([0, 1, 1, 0])
    // 250 offered against 200 served for one 30 s step
    expect(run.unserved).toBeCloseTo(50 * 30, 6)
  })

  it('a replica started after step k serves from step k + 5 (30 s steps, 120 s start-up)', () => {
    // 1 replica throughout; a second one is asked for after step 2, so it is ready at t = 90 + 120 = 210 s = step 7
    const ctl = new Scripted((s) => (s >= 3 ? 2 : 1))
    const run = simulate(tinyTrace(Array(10).fill(150)), ctl)
    expect([...(run.violated[0] as Uint8Array)]).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0])
    expect(ctl.seen[4]?.workloads[0]?.replicas.map((r) => r.ready)).toEqual([true, false])
    expect(ctl.seen[7]?.workloads[0]?.replicas.map((r) => r.ready)).toEqual([true, true])
  })
})

describe('capacity', () => {
  it('never overcommits a node: replicas beyond capacity stay pending', () => {
    const run = simulate(tinyTrace(Array(6).fill(100), 4), new Scripted(() => 9))
    expect(run.max_overcommit).toBe(0)
    expect(Math.max(...run.replicas)).toBe(4)
    expect(run.pending_replica_steps).toBe(5 * 6)
  })

  it('static peak provisioning fits at t = 0 and no observed node ever exceeds its capacity', () => {
    const trace = makeTrace({ seed: 3, minutes: 360 })
    const inner = new StaticPeakController(trace)
    let over = 0
    const spy: Controller = {
      name: 'spy',
      decide(o) {
        for (const n of o.nodes)
          for (const [r, q] of Object.entries(n.used)) if (q > (n.capacity[r] ?? 0)) over++
        return inner.decide(o)
      },
    }
    const run = simulate(trace, spy)
    expect(over).toBe(0)
    expect(run.max_overcommit).toBe(0)
    expect(run.replicas[0]).toBe(Object.values(inner.counts).reduce((a, b) => a + b, 0))
  })
})

describe('failures', () => {
  it('replicas on a failed node vanish, its resources are freed, and it refuses new ones until it is back', () => {
    const trace = makeTrace({ seed: 5, minutes: 240 })
    const failure = trace.events.find((e) => e.kind === 'node_failure')
    if (failure?.kind !== 'node_failure') throw new Error('no node failure in the trace')
    const dead = failure.nodes[0] as string
    const seen: Observation[] = []
    // Puts one replica of every workload on the doomed node, and keeps asking for it there.
    const stubborn: Controller = {
      name: 'stubborn',
      decide(o) {
        seen.push(o)
        return { placements: Object.fromEntries(o.workloads.map((w) => [w.id, [dead]])) }
      },
    }
    const run = simulate(trace, stubborn)
    const before = seen[failure.start_step] as Observation // observed after the last step before the failure
    const during = seen[failure.start_step + 1] as Observation
    expect(before.workloads.every((w) => w.replicas.length === 1)).toBe(true)
    expect(before.nodes.find((n) => n.id === dead)?.health).toBe('degraded')
    expect(during.nodes.find((n) => n.id === dead)?.health).toBe('down')
    expect(during.workloads.every((w) => w.replicas.length === 0)).toBe(true)
    expect(Object.values(during.nodes.find((n) => n.id === dead)?.used ?? {}).every((q) => q === 0)).toBe(
      true,
    )
    expect(run.affected.find((a) => a.kind === 'node_failure')?.workloads).toHaveLength(
      trace.workloads.length,
    )
    const downSteps = failure.end_step - failure.start_step
    expect(run.pending_replica_steps).toBeGreaterThanOrEqual((downSteps - 1) * trace.workloads.length)
    // back up: the replicas return
    expect(seen[failure.end_step + 1]?.workloads.every((w) => w.replicas.length === 1)).toBe(true)
  })
})

describe('eviction delay of the Kubernetes baselines', () => {
  it('replaces the pods of a failed node only 300 s after it went down (at once with 0)', () => {
    const trace = makeTrace({ seed: 5, minutes: 240 })
    const f = trace.events.find((e) => e.kind === 'node_failure')?.start_step as number
    const total = Object.values(new StaticPeakController(trace).counts).reduce((a, b) => a + b, 0)
    const late = simulate(trace, new StaticPeakController(trace, 300)).replicas
    const now = simulate(trace, new StaticPeakController(trace, 0)).replicas
    const lost = total - (late[f] as number)
    expect(lost).toBeGreaterThan(0)
    expect([late[f - 1], late[f + 1], late[f + 10], late[f + 11]]).toEqual([
      total,
      total - lost,
      total - lost,
      total,
    ])
    expect([now[f], now[f + 1]]).toEqual([total - lost, total])
  })
})

describe('recovery metric', () => {
  const run = (rows: number[]): RunResult => ({
    controller: 'x',
    step_seconds: 60,
    violated: [Uint8Array.from(rows)],
    replicas: rows.map(() => 1),
    replica_seconds: 0,
    cost: 0,
    carbon_kg: 0,
    offered: 0,
    unserved: 0,
    pending_replica_steps: 0,
    affected: [],
    max_overcommit: 0,
  })
  it('counts minutes from the event to the start of 5 clean minutes', () => {
    expect(recoveryMinutes(run([0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0]), [0], 2)).toBe(5)
    expect(recoveryMinutes(run([0, 0, 0, 0, 0, 0, 0]), [0], 1)).toBe(0)
    expect(recoveryMinutes(run([0, 1, 1, 1]), [0], 1)).toBeNull()
  })
})
