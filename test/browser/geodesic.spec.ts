// The disk's geodesic arcs: circles orthogonal to the boundary through both ends, chords through the centre.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { geodesic } from '../../dashboard/src/geodesic.ts'

const R = 200
const radius = fc.double({ min: 0.05, max: 0.95, noNaN: true })
/**
 * Two points inside the disk not in line with the centre: b's angle is a's plus or minus 0.05 to pi - 0.05 (drawn
 * directly, not filtered: fast-check's bias towards bounds made a filter on collinearity skip most runs).
 */
const pairs = fc
  .tuple(
    radius,
    fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
    radius,
    fc.double({ min: 0.05, max: Math.PI - 0.05, noNaN: true }),
    fc.boolean(),
  )
  .map(([r1, t, r2, d, flip]) => {
    const t2 = t + (flip ? -d : d)
    return [
      [r1 * R * Math.cos(t), r1 * R * Math.sin(t)] as const,
      [r2 * R * Math.cos(t2), r2 * R * Math.sin(t2)] as const,
    ] as const
  })

const parse = (d: string) => {
  const m = /^M([^,]+),([^A]+)A([^,]+),([^ ]+) 0 0 ([01]) ([^,]+),(.+)$/.exec(d)
  if (!m) return null
  return { radius: Number(m[3]), end: [Number(m[6]), Number(m[7])] }
}

describe('geodesic', () => {
  it('through the centre is a straight segment', () => {
    expect(geodesic([0, 0], [100, 50], R)).toBe('M0,0L100,50')
    expect(geodesic([50, 50], [-100, -100], R)).toBe('M50,50L-100,-100')
  })

  it('otherwise is an arc of a circle through both ends that meets the boundary at right angles', () => {
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        const arc = parse(geodesic(a, b, R))
        expect(arc).not.toBeNull()
        const r = arc?.radius as number
        // the centre is where both ends sit at distance r; orthogonality: |centre|^2 = r^2 + R^2
        const na = a[0] ** 2 + a[1] ** 2
        const nb = b[0] ** 2 + b[1] ** 2
        // with |c|^2 = r^2 + R^2 the ends satisfy |p|^2 - 2 p.c + R^2 = 0: solve the 2x2 system for c
        const det = a[0] * b[1] - a[1] * b[0]
        const cx = ((na + R * R) * b[1] - (nb + R * R) * a[1]) / (2 * det)
        const cy = (a[0] * (nb + R * R) - b[0] * (na + R * R)) / (2 * det)
        expect(Math.hypot(a[0] - cx, a[1] - cy)).toBeCloseTo(r, 6)
        expect(Math.hypot(b[0] - cx, b[1] - cy)).toBeCloseTo(r, 6)
        expect(cx * cx + cy * cy).toBeCloseTo(r * r + R * R, 3)
        expect(arc?.end).toEqual([b[0], b[1]])
      }),
    )
  })
})
