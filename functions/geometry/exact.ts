// Error-free transformations (Dekker, Knuth): 1 - |x|^2 and friends without cancellation near the boundary.

const SPLIT = 134217729 // 2^27 + 1, Veltkamp's splitter for doubles

/** a*b = hi + lo exactly (Dekker's TwoProduct without FMA). */
function twoProd(a: number, b: number): [number, number] {
  const p = a * b
  let t = SPLIT * a
  const ah = t - (t - a)
  const al = a - ah
  t = SPLIT * b
  const bh = t - (t - b)
  const bl = b - bh
  return [p, al * bl - (p - ah * bh - al * bh - ah * bl)]
}

/**
 * 1 - sum(x_i^2) in double-double arithmetic, rounded once: relative error about 1e-16 even when the
 * point is within 1e-15 of the boundary, where the naive form loses every digit to cancellation.
 */
export function oneMinusNormSq(x: ArrayLike<number>, off = 0, dim = x.length): number {
  let hi = 1
  let lo = 0
  for (let i = off; i < off + dim; i++) {
    const v = x[i] as number
    const [p, e] = twoProd(v, v)
    // (hi, lo) -= (p, e), Knuth's TwoSum on the high parts
    const s = hi - p
    const bb = s - hi
    const err = hi - (s - bb) - (p + bb)
    lo += err - e
    hi = s
  }
  return hi + lo
}

/** Squared Euclidean norm of x - y (differences first: exact for nearby points by Sterbenz' lemma). */
export function diffNormSq(
  x: ArrayLike<number>,
  xo: number,
  y: ArrayLike<number>,
  yo: number,
  dim: number,
): number {
  let s = 0
  for (let i = 0; i < dim; i++) {
    const d = (x[xo + i] as number) - (y[yo + i] as number)
    s += d * d
  }
  return s
}

/** Below this, |x - y|^2 may have lost bits to subnormal squares (or underflowed to 0): rescale as hypot does. */
const TINY_SQ = 2 ** -900
const SCALE_UP = 2 ** 600

/**
 * |x - y| without underflow: the plain sum of squares when it is comfortably normal, otherwise the
 * differences are scaled by 2^600 first (exact: a power of two), so points 1e-300 apart keep their distance.
 */
export function diffNorm(
  x: ArrayLike<number>,
  xo: number,
  y: ArrayLike<number>,
  yo: number,
  dim: number,
): number {
  const s = diffNormSq(x, xo, y, yo, dim)
  if (s >= TINY_SQ) return Math.sqrt(s)
  let t = 0
  for (let i = 0; i < dim; i++) {
    const d = ((x[xo + i] as number) - (y[yo + i] as number)) * SCALE_UP
    t += d * d
  }
  return Math.sqrt(t) / SCALE_UP
}

function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += (x[i] as number) * (y[i] as number)
  return s
}

export const normSq = (x: ArrayLike<number>): number => dot(x, x)
