// The Poincaré ball of curvature -kappa: distance, Möbius addition, exp/log maps and geodesics, cancellation-free.
//
// Coordinates always live in the open unit ball; curvature scales the metric,
// ds = 2|dx| / (sqrt(kappa) (1 - |x|^2)). This is isometric to the ball of radius 1/sqrt(kappa)
// (x -> x / sqrt(kappa)), so Möbius addition, exp/log maps and geodesics do not depend on kappa
// (a constant rescaling of a metric keeps its geodesics); only lengths are divided by sqrt(kappa).
import { GeometryError } from './errors.ts'
import { diffNorm, diffNormSq, normSq, oneMinusNormSq } from './exact.ts'
import type { Point } from './point.ts'

/**
 * The distance (curvature -1) from |x - y| and the two factors 1 - |x|^2, 1 - |y|^2:
 * arcosh(1 + 2u^2) = 2 asinh(u) with u = |x - y| / sqrt((1-|x|^2)(1-|y|^2)). No square of |x - y| is
 * formed, so nothing underflows for distinct points however close (asinh(u) = u for tiny u).
 */
export const distanceOf = (diff: number, roomX: number, roomY: number): number =>
  2 * Math.asinh(diff / Math.sqrt(roomX * roomY))

/**
 * d(x, y) = arcosh(1 + 2|x-y|^2 / ((1-|x|^2)(1-|y|^2))) / sqrt(kappa), with 1 - |x|^2 in double-double
 * and |x - y| from coordinate differences, scaled as hypot does: a few ulps of relative error everywhere
 * in the ball, including points of norm 1e-300.
 */
export function distance(x: Point, y: Point, kappa = 1): number {
  return distanceOf(diffNorm(x, 0, y, 0, x.length), oneMinusNormSq(x), oneMinusNormSq(y)) / Math.sqrt(kappa)
}

/** Keeps a computed point strictly inside: `room` is the exact 1 - |r|^2 known from an identity. */
function inside(r: number[], room: number): number[] {
  if (oneMinusNormSq(r) > 0) return r
  const n = Math.sqrt(normSq(r))
  const target = room > 2 ** -52 ? Math.sqrt(1 - room) : 1 - 2 ** -53
  const s = r.map((v) => (v / n) * target)
  if (oneMinusNormSq(s) > 0) return s
  throw new GeometryError(
    'outside_ball',
    'the result is too close to the boundary to represent in double precision',
  )
}

/** Möbius addition x ⊕ y; both coefficients rewritten as sums of non-negative terms. */
export function mobiusAdd(x: Point, y: Point): number[] {
  const ax = oneMinusNormSq(x)
  const ay = oneMinusNormSq(y)
  let s = 0
  for (let i = 0; i < x.length; i++) s += ((x[i] as number) + (y[i] as number)) ** 2
  const a = s + ax // 1 + 2<x,y> + |y|^2
  const d = s + ax * ay // 1 + 2<x,y> + |x|^2|y|^2
  return inside(
    x.map((xi, i) => (a * xi + ax * (y[i] as number)) / d),
    (ax * ay) / d,
  )
}

/** (-x) ⊕ y written as ((1-|x|^2)(y - x) - |y - x|^2 x) / (|y - x|^2 + (1-|x|^2)(1-|y|^2)): exact-ish for y ≈ x. */
export function gyroDiff(x: Point, y: Point): number[] {
  const ax = oneMinusNormSq(x)
  const ay = oneMinusNormSq(y)
  const s = diffNormSq(x, 0, y, 0, x.length)
  const d = s + ax * ay
  return inside(
    x.map((xi, i) => (ax * ((y[i] as number) - xi) - s * xi) / d),
    (ax * ay) / d,
  )
}

/** exp_x(v): the point reached from x along tangent vector v (Euclidean coordinates of v at x). */
export function expMap(x: Point, v: readonly number[]): number[] {
  const nv = Math.sqrt(normSq(v))
  if (nv === 0) return [...x]
  const t = Math.tanh(nv / oneMinusNormSq(x)) // tanh(lambda_x |v| / 2), lambda_x = 2 / (1 - |x|^2)
  return mobiusAdd(
    x,
    v.map((vi) => (t * vi) / nv),
  )
}

/** log_x(y): the tangent vector at x pointing to y, of Riemannian length d(x, y) (kappa = 1). */
export function logMap(x: Point, y: Point): number[] {
  const u = gyroDiff(x, y)
  const nu = Math.sqrt(normSq(u))
  if (nu === 0) return x.map(() => 0)
  const f = (oneMinusNormSq(x) * distance(x, y)) / (2 * nu)
  return u.map((ui) => ui * f)
}

/** The point a fraction t of the way from x to y along their geodesic (t outside [0, 1] extrapolates). */
export function geodesic(x: Point, y: Point, t: number): number[] {
  if (t === 0) return [...x]
  return expMap(
    x,
    logMap(x, y).map((v) => v * t),
  )
}

/** n + 1 evenly spaced points on the geodesic from x to y, both ends included. */
export const waypoints = (x: Point, y: Point, n: number): number[][] =>
  Array.from({ length: n + 1 }, (_, i) => (i === n ? [...y] : geodesic(x, y, i / n)))

/** The Riemannian norm of a tangent vector v at x (kappa = 1). */
export const tangentNorm = (x: Point, v: readonly number[]): number =>
  (2 * Math.sqrt(normSq(v))) / oneMinusNormSq(x)
