// A high-precision reference for the Poincaré distance: exact rationals from the doubles, then 1400-bit fixed point.
const SCALE = 1100n // every double in (-1, 1) is an integer multiple of 2^-1074
const P = 1400n // fractional bits of the fixed-point evaluation
const ONE = 1n << P
const TINY = 1400n // fractional bits of sqrt(2 delta) for tiny delta (delta >= 2^-2200 or so)

/** The exact value of a double, times 2^1100, as a BigInt. */
export function exactScaled(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const bits = view.getBigUint64(0)
  const neg = bits >> 63n === 1n
  const exp = Number((bits >> 52n) & 0x7ffn)
  const frac = bits & ((1n << 52n) - 1n)
  const v = exp === 0 ? frac << 26n : (frac | (1n << 52n)) << BigInt(exp + 25)
  return neg ? -v : v
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n
  let x = 1n << BigInt((n.toString(2).length >> 1) + 1)
  for (;;) {
    const y = (x + n / x) >> 1n
    if (y >= x) return x
    x = y
  }
}

/** 2 artanh(u) for fixed-point 0 <= u <= 1/3: the series 2 sum u^(2j+1) / (2j+1). */
function twoArtanh(u: bigint): bigint {
  const u2 = (u * u) >> P
  let term = u
  let sum = 0n
  for (let j = 1n; term !== 0n; j += 2n) {
    sum += term / j
    term = (term * u2) >> P
  }
  return 2n * sum
}

const LN2 = twoArtanh(ONE / 3n)

/** ln z for fixed-point z >= 1. */
function ln(z: bigint): bigint {
  const k = BigInt(z.toString(2).length) - P - 1n
  const m = k > 0n ? z >> k : z
  return k * LN2 + twoArtanh(((m - ONE) << P) / (m + ONE))
}

/** d(x, y) for curvature -1, correct to far more than double precision, as a double. */
export function referenceDistance(x: readonly number[], y: readonly number[]): number {
  const xs = x.map(exactScaled)
  const ys = y.map(exactScaled)
  const one = 1n << (2n * SCALE)
  const diff = xs.reduce((s, xi, i) => s + (xi - (ys[i] as bigint)) ** 2n, 0n)
  const ax = one - xs.reduce((s, v) => s + v * v, 0n)
  const ay = one - ys.reduce((s, v) => s + v * v, 0n)
  if (ax <= 0n || ay <= 0n) throw new Error('reference: outside the ball')
  if (diff === 0n) return 0
  // delta = 2 diff / (ax ay), everything scaled: diff, ax, ay carry 2^2200 each
  const delta = (2n * diff * (1n << (2n * SCALE + P))) / (ax * ay)
  // tiny delta (points closer than ~1e-30, down to 2^-1074): acosh(1 + delta) = sqrt(2 delta) (1 - delta / 12 + ...),
  // so sqrt(2 delta) is exact to 2^-200 relative; evaluated with TINY fractional bits, far below what P holds
  if (delta < 1n << (P - 200n)) {
    const root = isqrt((4n * diff * (1n << (2n * SCALE + 2n * TINY))) / (ax * ay))
    return toDouble(root, TINY)
  }
  const z = ONE + delta + isqrt(delta * (delta + 2n * ONE))
  return toDouble(ln(z))
}

function toDouble(f: bigint, bits = P): number {
  // keep the top 64 bits, then scale: the division by a power of two is exact in doubles
  const len = BigInt(f.toString(2).length)
  const shift = len > 64n ? len - 64n : 0n
  const e = Number(shift - bits)
  return Number(f >> shift) * 2 ** Math.ceil(e / 2) * 2 ** Math.floor(e / 2)
}
