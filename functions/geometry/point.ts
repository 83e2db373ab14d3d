// Points of the open unit ball: validation (finite, inside, dimension) and the explicit, opt-in projection.
import { GeometryError } from './errors.ts'
import { oneMinusNormSq } from './exact.ts'

export type Point = readonly number[]

const MIN_DIM = 2
const MAX_DIM = 512
/** Where `project` puts a point given on or outside the boundary: this Euclidean radius (hyperbolic ~21.4). */
export const PROJECTION_RADIUS = 1 - 1e-9

export type Boundary = 'reject' | 'project'

/** Checks a point; with `project`, a finite point on or outside the boundary is scaled onto PROJECTION_RADIUS. */
export function checkPoint(
  x: readonly number[],
  dim?: number,
  boundary: Boundary = 'reject',
  pointer = '',
): Point {
  if (x.length < MIN_DIM || x.length > MAX_DIM)
    throw new GeometryError(
      'dimension_out_of_range',
      `dimension ${x.length} is not in ${MIN_DIM}..${MAX_DIM}`,
      pointer,
    )
  if (dim !== undefined && x.length !== dim)
    throw new GeometryError('dimension_mismatch', `dimension ${x.length}, expected ${dim}`, pointer)
  for (const [i, v] of x.entries())
    if (!Number.isFinite(v))
      throw new GeometryError('not_finite', `coordinate ${i} is not a finite number`, pointer)
  const room = oneMinusNormSq(x)
  if (room > 0) return x
  if (boundary === 'project') {
    const norm = Math.hypot(...x)
    if (norm === 0) return x
    return x.map((v) => (v / norm) * PROJECTION_RADIUS)
  }
  throw new GeometryError(
    'outside_ball',
    `|x|^2 = 1 - (${room}): the point is on or outside the boundary of the unit ball (send boundary: "project" to scale it inside)`,
    pointer,
  )
}

/** All points share one dimension (the first one's unless `dim` is given); `at(i)` is point i's JSON pointer. */
export function checkPoints(
  xs: readonly (readonly number[])[],
  boundary: Boundary,
  at: (i: number) => string,
  dim?: number,
): Point[] {
  const d = dim ?? xs[0]?.length
  return xs.map((x, i) => checkPoint(x, d, boundary, at(i)))
}
