// Distance accuracy against the 1400-bit reference: nearly equal points and points within 1e-12 of the boundary.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { distance } from '../../functions/geometry/index.ts'
import { referenceDistance } from './reference.ts'

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b)

/** A point of norm about 1 - gap in a random direction. */
const nearBoundary = (dim: number) =>
  fc
    .tuple(
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: dim, maxLength: dim }),
      fc.integer({ min: 1, max: 15 }),
    )
    .filter(([v]) => Math.hypot(...v) > 0.1)
    .map(([v, k]) => {
      const n = Math.hypot(...v)
      return v.map((c) => (c / n) * (1 - 10 ** -k))
    })
    .filter((x) => 1 - x.reduce((s, c) => s + c * c, 0) > 0)

describe('the reference itself', () => {
  it('agrees with closed forms: d(0, (r, 0)) = ln((1 + r) / (1 - r))', () => {
    expect(relErr(referenceDistance([0, 0], [0.5, 0]), Math.log(3))).toBeLessThan(3e-16)
    expect(relErr(referenceDistance([0, 0], [0.75, 0]), Math.log(7))).toBeLessThan(1e-16)
    // ln((1 + r) / (1 - r)) with r = 1 - 2^-40: (2 - 2^-40) / 2^-40 = 2^41 - 1
    expect(relErr(referenceDistance([0, 0], [1 - 2 ** -40, 0]), Math.log(2 ** 41 - 1))).toBeLessThan(1e-16)
  })
})

describe('distance accuracy (relative error against the reference)', () => {
  let worst = 0
  const check = (x: number[], y: number[]): void => {
    const ref = referenceDistance(x, y)
    if (ref === 0) {
      expect(distance(x, y)).toBe(0)
      return
    }
    const d = distance(x, y)
    // a subnormal result has fewer than 53 bits: there, a few units of 2^-1074 is the best any double can do
    if (ref < 2 ** -1022) {
      expect(Math.abs(d - ref)).toBeLessThanOrEqual(2 ** -1072)
      return
    }
    const e = relErr(d, ref)
    worst = Math.max(worst, e)
    expect(e).toBeLessThan(2e-15)
  }

  it('points within 1e-1 .. 1e-15 of the boundary, dimension 2 and 16', () => {
    for (const dim of [2, 16])
      fc.assert(fc.property(nearBoundary(dim), nearBoundary(dim), check), { numRuns: 150 })
  })

  it('nearly equal points (offsets 1e-3 .. 1e-15), anywhere including next to the boundary', () => {
    fc.assert(
      fc.property(
        nearBoundary(3),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 3, max: 15 }),
        (x, dir, k) => {
          const y = x.map((c, i) => c * (1 - 10 ** -k * Math.abs(dir[i] as number)))
          if (1 - y.reduce((s, c) => s + c * c, 0) <= 0) return
          check(x, y)
        },
      ),
      { numRuns: 200 },
    )
    // 1e-17 apart in one coordinate, 1e-12 from the boundary
    const x = [0.6, 0.8 - 1e-12]
    const y = [0.6 + 2 ** -53, 0.8 - 1e-12]
    check(x, y)
  })

  it('the naive formula fails where this one does not (why the careful form matters)', () => {
    const x = [0.6, 0.8 - 2e-13]
    const y = [0.6, 0.8 - 3e-13]
    const naive = Math.acosh(
      1 +
        (2 * ((x[1] as number) - (y[1] as number)) ** 2) /
          ((1 - (x[0] as number) ** 2 - (x[1] as number) ** 2) *
            (1 - (y[0] as number) ** 2 - (y[1] as number) ** 2)),
    )
    const ref = referenceDistance(x, y)
    expect(relErr(naive, ref)).toBeGreaterThan(1e-5)
    expect(relErr(distance(x, y), ref)).toBeLessThan(2e-15)
    const p = [0.3, 0.4]
    const q = [0.3, 0.4 + 2 ** -50]
    expect(Math.acosh(1 + (2 * 2 ** -100) / (0.75 * 0.75))).toBe(0) // the naive form rounds to 0
    expect(relErr(distance(p, q), referenceDistance(p, q))).toBeLessThan(2e-15)
  })

  it('tiny points (norms 1e-150 .. 1e-320, subnormals included): distinct points keep their distance', () => {
    // |x - y|^2 underflows below ~1e-162 and returned 0 for distinct points; scaled as hypot does, it does not
    const tiny = (dim: number) =>
      fc
        .tuple(
          fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: dim, maxLength: dim }),
          fc.integer({ min: 150, max: 320 }),
        )
        .map(([v, e]) => v.map((c) => c * 10 ** -e))
    for (const dim of [2, 5])
      fc.assert(
        fc.property(tiny(dim), tiny(dim), (x, y) => {
          check(x, y)
          if (x.some((c, i) => c !== y[i])) expect(distance(x, y)).toBeGreaterThan(0)
        }),
        { numRuns: 200 },
      )
  })

  it('a tiny point against one near the boundary, and the 1e-300 reproducer', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e-300, max: 1e-300, noNaN: true }), { minLength: 3, maxLength: 3 }),
        nearBoundary(3),
        (x, y) => check(x, y),
      ),
      { numRuns: 100 },
    )
    const x = [1e-300, 0]
    const y = [2e-300, 0]
    // d(x, y) = 2 asinh(1e-300 / sqrt(...)) = 2e-300 to double precision, as the reference says
    expect(relErr(distance(x, y), 2e-300)).toBeLessThan(2e-15)
    check(x, y)
    check([5e-324, 0], [0, 5e-324])
  })

  it('reports the worst relative error seen', () => {
    console.log(`worst relative error of distance vs 1400-bit reference: ${worst.toExponential(2)}`)
    expect(worst).toBeLessThan(2e-15)
  })
})
