// Poincaré-ball geometry: metric axioms, isometries, exp/log round trips, geodesics, means, known answers.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkPoint,
  distance,
  einsteinMidpoint,
  expMap,
  frechetMean,
  GeometryError,
  geodesic,
  logMap,
  mobiusAdd,
  PROJECTION_RADIUS,
  tangentNorm,
  waypoints,
} from '../../functions/geometry/index.ts'
import { dims, point, vector } from './arbitraries.ts'

const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * (1 + Math.abs(b))
const withDim = <T>(f: (d: number) => fc.Arbitrary<T>) => dims.chain(f)

describe('known answers (independent closed forms)', () => {
  it('d(0, r e1) = 2 artanh(r) = ln((1+r)/(1-r)), scaled by 1/sqrt(kappa)', () => {
    expect(distance([0, 0], [0.5, 0])).toBeCloseTo(Math.log(3), 15)
    expect(distance([0, 0, 0], [0, 0, -0.9])).toBeCloseTo(Math.log(19), 14)
    expect(distance([0, 0], [0.5, 0], 4)).toBeCloseTo(Math.log(3) / 2, 15)
  })

  it('in the disc, Möbius addition is the complex map (x + y) / (1 + conj(x) y)', () => {
    fc.assert(
      fc.property(point(2), point(2), ([a = 0, b = 0], [c = 0, d = 0]) => {
        // (a+bi) + (c+di) over 1 + (a-bi)(c+di)
        const nr = a + c
        const ni = b + d
        const dr = 1 + a * c + b * d
        const di = a * d - b * c
        const den = dr * dr + di * di
        const [x, y] = mobiusAdd([a, b], [c, d])
        expect(close(x as number, (nr * dr + ni * di) / den, 1e-12)).toBe(true)
        expect(close(y as number, (ni * dr - nr * di) / den, 1e-12)).toBe(true)
      }),
    )
  })
})

describe('metric axioms (property-based)', () => {
  it('d(x, x) = 0 and symmetry, exactly', () => {
    fc.assert(
      fc.property(
        withDim((d) => fc.tuple(point(d, 0.999999), point(d, 0.999999))),
        ([x, y]) => {
          expect(distance(x, x)).toBe(0)
          expect(distance(x, y)).toBe(distance(y, x))
          // positive once the squared coordinate differences do not underflow
          if (x.some((v, i) => Math.abs(v - (y[i] as number)) > 1e-150))
            expect(distance(x, y)).toBeGreaterThan(0)
        },
      ),
    )
  })

  it('triangle inequality', () => {
    fc.assert(
      fc.property(
        withDim((d) => fc.tuple(point(d, 0.9999), point(d, 0.9999), point(d, 0.9999))),
        ([x, y, z]) => {
          expect(distance(x, z)).toBeLessThanOrEqual((distance(x, y) + distance(y, z)) * (1 + 1e-12) + 1e-12)
        },
      ),
    )
  })

  it('Möbius translations x -> a ⊕ x and orthogonal maps are isometries', () => {
    fc.assert(
      fc.property(
        withDim((d) => fc.tuple(point(d, 0.9), point(d, 0.9), point(d, 0.9))),
        ([a, x, y]) => {
          expect(close(distance(mobiusAdd(a, x), mobiusAdd(a, y)), distance(x, y), 1e-8)).toBe(true)
          const flip = (p: number[]) => [...p].reverse().map((v, i) => (i % 2 ? -v : v))
          expect(close(distance(flip(x), flip(y)), distance(x, y), 1e-14)).toBe(true)
        },
      ),
    )
  })

  it('curvature -kappa divides every distance by sqrt(kappa)', () => {
    fc.assert(
      fc.property(point(4), point(4), fc.double({ min: 0.01, max: 100, noNaN: true }), (x, y, k) => {
        expect(close(distance(x, y, k), distance(x, y) / Math.sqrt(k), 1e-14)).toBe(true)
      }),
    )
  })
})

describe('exp and log maps, geodesics', () => {
  it('exp_x(log_x(y)) = y and d(x, y) = |log_x(y)|_x', () => {
    fc.assert(
      fc.property(
        withDim((d) => fc.tuple(point(d), point(d))),
        ([x, y]) => {
          const v = logMap(x, y)
          expect(close(tangentNorm(x, v), distance(x, y), 1e-9)).toBe(true)
          expect(distance(expMap(x, v), y)).toBeLessThan(1e-8)
        },
      ),
    )
  })

  it('log_x(exp_x(v)) = v', () => {
    fc.assert(
      fc.property(
        withDim((d) => fc.tuple(point(d, 0.8), vector(d, 0.5))),
        ([x, v]) => {
          const back = logMap(x, expMap(x, v))
          v.forEach((vi, i) => {
            expect(Math.abs((back[i] as number) - vi)).toBeLessThan(1e-9)
          })
        },
      ),
    )
  })

  it('the geodesic point at t splits the distance t : 1 - t', () => {
    fc.assert(
      fc.property(
        withDim((d) => fc.tuple(point(d), point(d))),
        fc.double({ min: 0, max: 1, noNaN: true }),
        ([x, y], t) => {
          const g = geodesic(x, y, t)
          const d = distance(x, y)
          expect(Math.abs(distance(x, g) - t * d)).toBeLessThan(1e-8 * (1 + d))
          expect(Math.abs(distance(g, y) - (1 - t) * d)).toBeLessThan(1e-8 * (1 + d))
        },
      ),
    )
  })

  it('waypoints are evenly spaced and end exactly at both points', () => {
    const x = [0.1, -0.7]
    const y = [-0.5, 0.6]
    const w = waypoints(x, y, 4)
    expect(w[0]).toEqual(x)
    expect(w[4]).toEqual(y)
    const d = distance(x, y)
    for (let i = 0; i < 4; i++) expect(distance(w[i] as number[], w[i + 1] as number[])).toBeCloseTo(d / 4, 9)
  })
})

describe('means', () => {
  it('for two points, the Einstein midpoint and the Fréchet mean are the geodesic midpoint', () => {
    fc.assert(
      fc.property(
        withDim((d) => fc.tuple(point(d), point(d))),
        ([x, y]) => {
          const m = geodesic(x, y, 0.5)
          expect(distance(einsteinMidpoint([x, y]), m)).toBeLessThan(1e-8)
          expect(distance(frechetMean([x, y]), m)).toBeLessThan(1e-8)
        },
      ),
    )
  })

  it('the Fréchet mean is a critical point: the weighted sum of log maps vanishes', () => {
    fc.assert(
      fc.property(
        fc.array(point(3, 0.9), { minLength: 1, maxLength: 8 }),
        fc.array(fc.double({ min: 0.1, max: 5, noNaN: true }), { minLength: 8, maxLength: 8 }),
        (ps, w) => {
          const ws = w.slice(0, ps.length)
          const m = frechetMean(ps, ws)
          const g = [0, 0, 0]
          ps.forEach((p, j) => {
            logMap(m, p).forEach((v, i) => {
              g[i] = (g[i] as number) + (ws[j] as number) * v
            })
          })
          expect(tangentNorm(m, g)).toBeLessThan(1e-6)
        },
      ),
    )
  })
})

describe('validation: rejected, never clamped, unless projection is asked for', () => {
  const issue = (f: () => unknown) => {
    try {
      f()
    } catch (e) {
      return e instanceof GeometryError ? e.issue : 'other'
    }
    return 'none'
  }
  it('names what is wrong', () => {
    expect(issue(() => checkPoint([0.6, 0.8]))).toBe('outside_ball') // |x| = 1 exactly
    expect(issue(() => checkPoint([1, 1]))).toBe('outside_ball')
    expect(issue(() => checkPoint([Number.NaN, 0]))).toBe('not_finite')
    expect(issue(() => checkPoint([0.1, 0.2, 0.3], 2))).toBe('dimension_mismatch')
    expect(issue(() => checkPoint([0.1]))).toBe('dimension_out_of_range')
    expect(issue(() => checkPoint(new Array(513).fill(0)))).toBe('dimension_out_of_range')
    expect(issue(() => checkPoint([0.6, 0.8 - 1e-15]))).toBe('none')
  })

  it('projects onto radius 1 - 1e-9 only when asked, and leaves inside points alone', () => {
    const p = checkPoint([3, 4], undefined, 'project')
    expect(Math.hypot(...p)).toBeCloseTo(PROJECTION_RADIUS, 15)
    expect((p[0] as number) / (p[1] as number)).toBeCloseTo(0.75, 12)
    const q = [0.3, 0.4]
    expect(checkPoint(q, undefined, 'project')).toBe(q)
    expect(issue(() => checkPoint([Number.NaN, 0], undefined, 'project'))).toBe('not_finite')
  })
})
