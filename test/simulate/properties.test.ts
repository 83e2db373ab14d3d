// Properties of the baselines over random inputs: HPA stays in bounds and moves the way the metric says; the
// scheduler never binds past a node's capacity and only refuses when nothing fits.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fits, hpaNormalize, newHpaState, reconcile, type SchedNode } from '../../bench/simulate/index.ts'

describe('HPA behavior over random recommendation sequences (30 s syncs)', () => {
  it('stays within 1..10, never moves against the recommendation, at most doubles per sync', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 60 }),
        (start, recs) => {
          const st = newHpaState()
          let current = start
          recs.forEach((desired, i) => {
            const next = hpaNormalize(st, i * 30, current, desired)
            expect(next).toBeGreaterThanOrEqual(1)
            expect(next).toBeLessThanOrEqual(10)
            if (desired >= current) expect(next).toBeGreaterThanOrEqual(current)
            if (desired <= current) expect(next).toBeLessThanOrEqual(current)
            expect(next).toBeLessThanOrEqual(2 * current)
            current = next
          })
        },
      ),
    )
  })
})

describe('spread scheduler', () => {
  const nodeArb = fc.record({
    cpu: fc.integer({ min: 1, max: 16 }),
    usedCpu: fc.integer({ min: 0, max: 16 }),
    region: fc.constantFrom('a', 'b', 'c'),
    schedulable: fc.boolean(),
  })
  it('never binds past capacity, and stops short only when no schedulable node fits', () => {
    fc.assert(
      fc.property(
        fc.array(nodeArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 30 }),
        (specs, cpu, want) => {
          const nodes: SchedNode[] = specs.map((s, i) => ({
            id: `n${i}`,
            region: s.region,
            schedulable: s.schedulable,
            capacity: { cpu: s.cpu },
            used: { cpu: Math.min(s.usedCpu, s.cpu) },
          }))
          const out = reconcile(nodes, { cpu }, [], want)
          expect(out.length).toBeLessThanOrEqual(want)
          for (const n of nodes) expect(n.used.cpu).toBeLessThanOrEqual(n.capacity.cpu as number)
          for (const id of out) expect(nodes.find((n) => n.id === id)?.schedulable).toBe(true)
          if (out.length < want) expect(nodes.some((n) => n.schedulable && fits(n, { cpu }))).toBe(false)
        },
      ),
    )
  })

  it('spreads 3 replicas over 3 regions of empty, equal nodes', () => {
    const nodes: SchedNode[] = ['a', 'b', 'c'].flatMap((r) =>
      [1, 2].map((k) => ({
        id: `${r}${k}`,
        region: r,
        schedulable: true,
        capacity: { cpu: 8 },
        used: { cpu: 0 },
      })),
    )
    const out = reconcile(nodes, { cpu: 1 }, [], 3)
    expect(new Set(out.map((id) => id[0])).size).toBe(3)
  })
})
