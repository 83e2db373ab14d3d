// Exact rationals (BigInt) and linear forms over named aggregates: what the attestation circuit can compare.

/** n / d with d > 0, in lowest terms. */
export interface Q {
  readonly n: bigint
  readonly d: bigint
}

const abs = (a: bigint) => (a < 0n ? -a : a)
export function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [abs(a), abs(b)]
  while (y) [x, y] = [y, x % y]
  return x
}

export function q(n: bigint, d = 1n): Q {
  if (d === 0n) throw new RangeError('zero denominator')
  const s = d < 0n ? -1n : 1n
  const g = gcd(n, d) || 1n
  return { n: (s * n) / g, d: (s * d) / g }
}
export const ZERO = q(0n)
export const ONE = q(1n)
export const qAdd = (a: Q, b: Q): Q => q(a.n * b.d + b.n * a.d, a.d * b.d)
export const qMul = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d)
export const qNeg = (a: Q): Q => ({ n: -a.n, d: a.d })
export const qSign = (a: Q): number => (a.n > 0n ? 1 : a.n < 0n ? -1 : 0)

/** The exact value of a finite double (every double is m * 2^e). */
export function qFromNumber(x: number): Q {
  if (!Number.isFinite(x)) throw new RangeError(`${x} is not finite`)
  let m = x
  let e = 0n
  while (!Number.isInteger(m)) {
    m *= 2 // exact: a double times two is a double until it is an integer
    e++
  }
  return q(BigInt(m), 1n << e)
}

/** The rational a kernel author wrote: the shortest decimal that reads back as this double (0.9 is 9/10). */
export function qFromLiteral(x: number): Q {
  if (!Number.isFinite(x)) throw new RangeError(`${x} is not finite`)
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x))
  if (!m) return qFromNumber(x)
  const [, sign, int, frac = '', exp = '0'] = m
  const e = Number(exp) - frac.length
  const digits = BigInt(`${sign}${int}${frac}`)
  return e >= 0 ? q(digits * 10n ** BigInt(e)) : q(digits, 10n ** BigInt(-e))
}

/** sum of c[name] * agg.name, plus k. Coefficients are never zero (absent means zero). */
export interface Lin {
  readonly c: ReadonlyMap<string, Q>
  readonly k: Q
}

export const linConst = (k: Q): Lin => ({ c: new Map(), k })
export const linVar = (name: string): Lin => ({ c: new Map([[name, ONE]]), k: ZERO })
export const isConst = (a: Lin): boolean => a.c.size === 0

export function linAdd(a: Lin, b: Lin): Lin {
  const c = new Map(a.c)
  for (const [name, v] of b.c) {
    const s = qAdd(c.get(name) ?? ZERO, v)
    if (s.n === 0n) c.delete(name)
    else c.set(name, s)
  }
  return { c, k: qAdd(a.k, b.k) }
}

export function linScale(a: Lin, s: Q): Lin {
  if (s.n === 0n) return linConst(ZERO)
  return { c: new Map([...a.c].map(([name, v]) => [name, qMul(v, s)])), k: qMul(a.k, s) }
}

export const linNeg = (a: Lin): Lin => linScale(a, q(-1n))

/** a * b, or undefined when both depend on aggregates (the product is not linear). */
export function linMul(a: Lin, b: Lin): Lin | undefined {
  if (isConst(a)) return linScale(b, a.k)
  if (isConst(b)) return linScale(a, b.k)
  return undefined
}

/** The same form scaled to integer coefficients with no common factor: [sorted (name, coefficient)], constant. */
export function integerForm(a: Lin): { terms: [string, bigint][]; k: bigint } {
  const qs = [...a.c.values(), a.k]
  let lcm = 1n
  for (const v of qs) lcm = (lcm * v.d) / gcd(lcm, v.d)
  const terms = [...a.c]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([name, v]): [string, bigint] => [name, (v.n * lcm) / v.d])
  const k = (a.k.n * lcm) / a.k.d
  const g = [...terms.map(([, v]) => v), k].reduce(gcd, 0n) || 1n
  return { terms: terms.map(([name, v]) => [name, v / g]), k: k / g }
}
