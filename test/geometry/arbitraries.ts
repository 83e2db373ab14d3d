// fast-check generators for points of the ball and tangent vectors.
import fc from 'fast-check'

/** A point with Euclidean norm below `maxNorm`, in dimension `dim`. */
export const point = (dim: number, maxNorm = 0.95) =>
  fc
    .tuple(
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: dim, maxLength: dim }),
      fc.double({ min: 0, max: maxNorm, noNaN: true }),
    )
    .map(([v, r]) => {
      const n = Math.hypot(...v)
      return n < 1e-9 ? v.map(() => 0) : v.map((c) => (c / n) * r)
    })

export const vector = (dim: number, maxLen = 2) =>
  fc.array(fc.double({ min: -maxLen, max: maxLen, noNaN: true }), { minLength: dim, maxLength: dim })

export const dims = fc.constantFrom(2, 3, 5, 16, 64)
