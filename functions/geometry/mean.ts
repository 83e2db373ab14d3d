// Weighted centres of points: the Einstein midpoint (closed form, via the Klein model) and the Fréchet mean.
import { GeometryError } from './errors.ts'
import { normSq, oneMinusNormSq } from './exact.ts'
import { distance, expMap, logMap, tangentNorm } from './poincare.ts'
import type { Point } from './point.ts'

const weightsFor = (n: number, w?: readonly number[]): readonly number[] => {
  if (n === 0) throw new GeometryError('dimension_mismatch', 'no points to average')
  return w ?? Array.from({ length: n }, () => 1)
}

/**
 * Einstein midpoint: sum w_i gamma_i k_i / sum w_i gamma_i in the Klein model, k_i = 2p_i / (1 + |p_i|^2),
 * gamma_i = (1 + |p_i|^2) / (1 - |p_i|^2); mapped back by p = k / (1 + sqrt(1 - |k|^2)).
 */
export function einsteinMidpoint(ps: readonly Point[], w?: readonly number[]): number[] {
  const ws = weightsFor(ps.length, w)
  const dim = (ps[0] as Point).length
  const num = new Array<number>(dim).fill(0)
  let den = 0
  ps.forEach((p, j) => {
    const room = oneMinusNormSq(p)
    const wj = ws[j] as number
    for (let i = 0; i < dim; i++) num[i] = (num[i] as number) + (wj * 2 * (p[i] as number)) / room
    den += (wj * (1 + normSq(p))) / room
  })
  const k = num.map((v) => v / den)
  const s = 1 + Math.sqrt(Math.max(0, oneMinusNormSq(k)))
  return k.map((v) => v / s)
}

/** Weighted sum of squared distances / 2, the function the Fréchet mean minimises. */
const frechetCost = (m: Point, ps: readonly Point[], ws: readonly number[]) =>
  ps.reduce((s, p, j) => s + (ws[j] as number) * distance(m, p) ** 2, 0) / 2

/**
 * Fréchet (Karcher) mean: the minimiser of sum w_i d(m, p_i)^2, unique in negative curvature.
 * Riemannian gradient descent from the Einstein midpoint with backtracking; stops when the step is
 * below `tol` (hyperbolic length) or after `maxIter` steps.
 */
export function frechetMean(
  ps: readonly Point[],
  w?: readonly number[],
  tol = 1e-12,
  maxIter = 200,
): number[] {
  const ws = weightsFor(ps.length, w)
  const total = ws.reduce((a, b) => a + b, 0)
  let m = einsteinMidpoint(ps, ws)
  let cost = frechetCost(m, ps, ws)
  for (let it = 0; it < maxIter; it++) {
    const g = m.map(() => 0)
    ps.forEach((p, j) => {
      const l = logMap(m, p)
      for (let i = 0; i < g.length; i++)
        g[i] = (g[i] as number) + ((ws[j] as number) * (l[i] as number)) / total
    })
    let step = 1
    let next = expMap(m, g)
    let nextCost = frechetCost(next, ps, ws)
    while (nextCost > cost && step > 1e-6) {
      step /= 2
      next = expMap(
        m,
        g.map((v) => v * step),
      )
      nextCost = frechetCost(next, ps, ws)
    }
    if (nextCost > cost) break
    const moved = tangentNorm(m, g) * step
    m = next
    cost = nextCost
    if (moved < tol) break
  }
  return m
}
