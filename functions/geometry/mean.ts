// Weighted centres of points: the Einstein midpoint (closed form, via the Klein model) and the Fréchet mean.
import type { StepBudget } from '../budget/index.ts'
import { distanceSteps } from './cost.ts'
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

export interface FrechetOptions {
  /** Stop when a step moves less than this (hyperbolic length). */
  tol?: number
  maxIter?: number
  /** Every cost evaluation spends one distance per point, every gradient three (log map, exp map). */
  budget?: StepBudget | undefined
}

/**
 * Fréchet (Karcher) mean: the minimiser of sum w_i d(m, p_i)^2, unique in negative curvature.
 * Riemannian gradient descent from the Einstein midpoint with backtracking; stops when the step is
 * below `tol` (hyperbolic length) or after `maxIter` steps.
 */
export function frechetMean(ps: readonly Point[], w?: readonly number[], o: FrechetOptions = {}): number[] {
  const { tol = 1e-12, maxIter = 200, budget } = o
  const ws = weightsFor(ps.length, w)
  const perCost = ps.length * distanceSteps((ps[0] as Point).length)
  const cost = (m: Point) => {
    budget?.spend(perCost)
    return frechetCost(m, ps, ws)
  }
  const total = ws.reduce((a, b) => a + b, 0)
  let m = einsteinMidpoint(ps, ws)
  let current = cost(m)
  for (let it = 0; it < maxIter; it++) {
    budget?.spend(3 * perCost)
    const g = m.map(() => 0)
    ps.forEach((p, j) => {
      const l = logMap(m, p)
      for (let i = 0; i < g.length; i++)
        g[i] = (g[i] as number) + ((ws[j] as number) * (l[i] as number)) / total
    })
    let step = 1
    let next = expMap(m, g)
    let nextCost = cost(next)
    while (nextCost > current && step > 1e-6) {
      step /= 2
      next = expMap(
        m,
        g.map((v) => v * step),
      )
      nextCost = cost(next)
    }
    if (nextCost > current) break
    const moved = tangentNorm(m, g) * step
    m = next
    current = nextCost
    if (moved < tol) break
  }
  return m
}
