// Properties of the pure Kuramoto maths (functions/phase): the order parameter, the Euler step, the weights.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  centred,
  couplingWeights,
  globalPulse,
  kuramotoStep,
  orderParameter,
  TWO_PI,
  wrap,
} from '../../functions/phase/index.ts'

const angle = fc.double({ min: 0, max: TWO_PI, maxExcluded: true, noNaN: true })
const phases = fc.array(angle, { minLength: 1, maxLength: 50 })
/** Angular distance on the circle, in [0, π]. */
const gap = (a: number, b: number) => Math.abs(centred(a - b))

describe('order parameter', () => {
  it('r is in [0, 1], is 1 for equal phases, and does not change when every phase is rotated', () => {
    fc.assert(
      fc.property(phases, angle, (ps, rot) => {
        const { r } = orderParameter(ps)
        expect(r).toBeGreaterThanOrEqual(0)
        expect(r).toBeLessThanOrEqual(1)
        const turned = orderParameter(ps.map((p) => wrap(p + rot)))
        expect(turned.r).toBeCloseTo(r, 9)
        expect(orderParameter(ps.map(() => ps[0] as number)).r).toBeCloseTo(1, 12)
      }),
    )
  })

  it('is 0 for n phases spread evenly, and ψ is the common phase of equal phases', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), angle, (n, start) => {
        const even = Array.from({ length: n }, (_, i) => wrap(start + (i * TWO_PI) / n))
        expect(orderParameter(even).r).toBeLessThan(1e-9)
        expect(gap(orderParameter([start, start, start]).psi, start)).toBeLessThan(1e-9)
      }),
    )
  })
})

describe('Euler step', () => {
  it('without coupling advances by omega dt, wrapped into [0, 2π)', () => {
    fc.assert(
      fc.property(
        angle,
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        (t, w, dt) => {
          const next = kuramotoStep(t, w, 0, dt, [{ phase: 1, weight: 1 }])
          expect(next).toBeGreaterThanOrEqual(0)
          expect(next).toBeLessThan(TWO_PI)
          expect(gap(next, t + w * dt)).toBeLessThan(1e-9)
        },
      ),
    )
  })

  it('with coupling K > 0 and equal frequencies, a small step brings two oscillators closer', () => {
    fc.assert(
      fc.property(
        angle,
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (t, d, k) => {
          const peer = wrap(t + d)
          const dt = 0.01
          const next = kuramotoStep(t, 0, k, dt, [{ phase: peer, weight: 1 }])
          expect(gap(next, peer)).toBeLessThan(gap(t, peer))
        },
      ),
    )
  })
})

describe('weights and T_global', () => {
  it('weights are positive and sum to 1; a nearer peer in the ball weighs more', () => {
    const coord = fc.double({ min: -0.6, max: 0.6, noNaN: true })
    fc.assert(
      fc.property(fc.tuple(coord, coord), fc.tuple(coord, coord), fc.tuple(coord, coord), (self, a, b) => {
        const w = couplingWeights(self, [a, b, undefined], 1)
        expect(w.every((x) => x > 0)).toBe(true)
        expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12)
        const da = Math.hypot(a[0] - self[0], a[1] - self[1])
        const db = Math.hypot(b[0] - self[0], b[1] - self[1])
        if (da < db - 1e-3 && Math.hypot(...a) < 0.01 && Math.hypot(...b) < 0.01)
          expect(w[0]).toBeGreaterThan(w[1] as number)
      }),
    )
    expect(couplingWeights(undefined, [[0.1, 0.1], undefined], 1)).toEqual([0.5, 0.5])
    expect(
      couplingWeights(
        [0, 0],
        [
          [0.1, 0],
          [0.5, 0],
        ],
        1,
      )[0],
    ).toBeGreaterThan(0.5)
  })

  it('T_global is the equal mean of the pulses when peers weigh the same', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { maxLength: 20 }),
        (self, ps) => {
          const t = globalPulse(
            self,
            ps.map((pulse) => ({ pulse, weight: 1 / ps.length })),
          )
          expect(t).toBeCloseTo([self, ...ps].reduce((a, b) => a + b, 0) / (ps.length + 1), 9)
        },
      ),
    )
  })
})
