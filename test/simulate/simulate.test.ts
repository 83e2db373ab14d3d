// The simulator end to end: the trace, determinism, and a metric that tells a foresighted controller from HPA.
import { describe, expect, it } from 'vitest'
import {
  compare,
  compareAsync,
  HpaController,
  makeTrace,
  StaticPeakController,
  simulate,
  simulateAsync,
  toMarkdown,
} from '../../bench/simulate/index.ts'
import { ForesightController } from './foresight.ts'

describe('trace', () => {
  it('has non-negative demand, a spike, a node failure and an outage of a region', () => {
    const t = makeTrace({ seed: 11, minutes: 720 })
    expect(t.steps).toBe(1440)
    expect(t.workloads.every((w) => w.demand.length === t.steps && w.demand.every((d) => d >= 0))).toBe(true)
    expect(t.events.map((e) => e.kind)).toEqual(['spike', 'node_failure', 'region_outage'])
    const outage = t.events[2]
    if (outage?.kind !== 'region_outage') throw new Error('no outage')
    expect(outage.nodes.length).toBe(4)
    expect(t.nodes.filter((n) => n.region === outage.region).map((n) => n.id)).toEqual(outage.nodes)
    expect(t.nodes.every((n) => Math.hypot(...n.point) < 1)).toBe(true)
  })

  it('is a pure function of its seed', () => {
    expect(makeTrace({ seed: 4, minutes: 120 })).toEqual(makeTrace({ seed: 4, minutes: 120 }))
    expect(makeTrace({ seed: 4, minutes: 120 }).workloads[0]?.demand).not.toEqual(
      makeTrace({ seed: 5, minutes: 120 }).workloads[0]?.demand,
    )
  })
})

describe('report', () => {
  const run = (seed: number) => {
    const trace = makeTrace({ seed, minutes: 480 })
    return compare(trace, [new HpaController(), new StaticPeakController(trace)])
  }

  it('is the same report, byte for byte, for the same seed', () => {
    const a = run(9)
    expect(JSON.stringify(a)).toBe(JSON.stringify(run(9)))
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(run(10)))
    expect(toMarkdown(a)).toContain('| SLA-violation minutes (all workloads) |')
  })

  it('an asynchronous controller (decide returns a promise) gets the same run as the synchronous one', async () => {
    const trace = makeTrace({ seed: 9, minutes: 240 })
    const hpa = new HpaController()
    const viaPromise = {
      name: hpa.name,
      decide: (o: Parameters<HpaController['decide']>[0]) => Promise.resolve(hpa.decide(o)),
    }
    const a = await simulateAsync(trace, viaPromise)
    const b = simulate(trace, new HpaController())
    expect(a.replicas).toEqual(b.replicas)
    expect(a.violated).toEqual(b.violated)
    expect(a.cost).toBe(b.cost)
    const r = await compareAsync(trace, [new StaticPeakController(trace)])
    expect(r).toEqual(compare(trace, [new StaticPeakController(trace)]))
  })

  it('peak provisioning uses more replica-hours than HPA and does not miss the spike', () => {
    const [hpa, fixed] = run(9).controllers
    expect(fixed?.replica_hours).toBeGreaterThan(hpa?.replica_hours ?? Number.POSITIVE_INFINITY)
    expect(fixed?.spike_violation_minutes).toBe(0)
  })

  it('a perfect-foresight controller misses fewer SLA minutes in the spike than HPA, on several seeds', () => {
    for (const seed of [1, 2, 3]) {
      const trace = makeTrace({ seed, minutes: 480 })
      const [hpa, oracle] = compare(trace, [new HpaController(), new ForesightController(trace)]).controllers
      // HPA reacts after the step that saturated it and waits 2 minutes for new replicas
      expect(hpa?.spike_violation_minutes).toBeGreaterThanOrEqual(2)
      expect(oracle?.spike_violation_minutes).toBeLessThan(hpa?.spike_violation_minutes ?? 0)
    }
  })
})
