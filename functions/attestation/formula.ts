// Monotone formulas over comparison atoms, their disjunctive normal form, and what the kernel's folds imply.
//
// An atom over an absent aggregate is false (reading it is an error in the kernel, and an error is never a
// pass), so a formula built only from `and`, `or` and atoms under-approximates both truth and falsity of the
// CEL expression it came from (functions/attestation/translate.ts keeps the two apart, as Kleene logic does).
import { integerForm, isConst, type Lin, qSign } from './rational.ts'

export type Rel = 'ge' | 'gt' | 'eq' | 'ne'
/** `lin rel 0`, false unless every aggregate in `lin` is present; or an aggregate's presence. */
export type Atom = { rel: Rel; lin: Lin } | { rel: 'has' | 'absent'; agg: string }
export type Formula = boolean | { and: Formula[] } | { or: Formula[] } | { atom: Atom }

/** What the folds guarantee: `count` and `sum` (or a fold with `empty`) are always present; counts are >= 0. */
export interface Facts {
  present: ReadonlySet<string>
  nonNegative: ReadonlySet<string>
}

export class Unsupported extends Error {}

export const names = (a: Atom): string[] => ('lin' in a ? [...a.lin.c.keys()] : [a.agg])

/** A line's canonical text up to a positive factor (`ge`) and up to any factor (`eq`), computed once per line. */
const lines = new WeakMap<Lin, { ge: string; eq: string }>()
function lineKeys(lin: Lin): { ge: string; eq: string } {
  let keys = lines.get(lin)
  if (!keys) {
    const { terms, k } = integerForm(lin)
    const text = (ts: [string, bigint][], c: bigint) => `${ts.map(([n, v]) => `${v}*${n}`).join('+')}+${c}`
    const ge = text(terms, k)
    const first = terms[0]?.[1] ?? k
    keys = {
      ge,
      eq:
        first < 0n
          ? text(
              terms.map(([n, v]) => [n, -v]),
              -k,
            )
          : ge,
    }
    lines.set(lin, keys)
  }
  return keys
}

/** A canonical key: positive scaling does not change `lin rel 0`; `eq`/`ne` also ignore the sign. */
export function atomKey(a: Atom): string {
  if (!('lin' in a)) return `${a.rel}:${a.agg}`
  const keys = lineKeys(a.lin)
  return `${a.rel}:${a.rel === 'eq' || a.rel === 'ne' ? keys.eq : keys.ge}`
}

function signOf(rel: Rel, s: number): boolean {
  return rel === 'ge' ? s >= 0 : rel === 'gt' ? s > 0 : rel === 'eq' ? s === 0 : s !== 0
}

/** `lin rel 0` as a formula: decided outright for constants and for one always-present count. */
export function compare(rel: Rel, lin: Lin, facts: Facts): Formula {
  if (isConst(lin)) return signOf(rel, qSign(lin.k))
  const [only, ...more] = [...lin.c]
  if (only && more.length === 0 && facts.present.has(only[0]) && facts.nonNegative.has(only[0])) {
    // a * x + k with x >= 0 ranges over [k, inf) when a > 0 and over (-inf, k] when a < 0
    const up = qSign(only[1]) > 0
    const k = qSign(lin.k)
    const decided: Record<Rel, boolean | undefined> = up
      ? {
          ge: k >= 0 || undefined,
          gt: k > 0 || undefined,
          eq: k > 0 ? false : undefined,
          ne: k > 0 || undefined,
        }
      : {
          ge: k < 0 ? false : undefined,
          gt: k <= 0 ? false : undefined,
          eq: k < 0 ? false : undefined,
          ne: k < 0 || undefined,
        }
    const d = decided[rel]
    if (d !== undefined) return d
  }
  return atomOf(rel, lin)
}
const atomOf = (rel: Rel, lin: Lin): Formula => ({ atom: { rel, lin } })

export function presence(agg: string, has: boolean, facts: Facts): Formula {
  if (facts.present.has(agg)) return has
  return { atom: { rel: has ? 'has' : 'absent', agg } }
}

export function and(...xs: Formula[]): Formula {
  const out: Formula[] = []
  for (const x of xs) {
    if (x === false) return false
    if (x === true) continue
    if (typeof x === 'object' && 'and' in x) out.push(...x.and)
    else out.push(x)
  }
  return out.length === 0 ? true : out.length === 1 ? (out[0] as Formula) : { and: out }
}

export function or(...xs: Formula[]): Formula {
  const out: Formula[] = []
  for (const x of xs) {
    if (x === true) return true
    if (x === false) continue
    if (typeof x === 'object' && 'or' in x) out.push(...x.or)
    else out.push(x)
  }
  return out.length === 0 ? false : out.length === 1 ? (out[0] as Formula) : { or: out }
}

/** A conjunction of atoms by key. */
export type Clause = ReadonlyMap<string, Atom>

/** Pairs of atoms that cannot both hold. */
function contradicts(x: Atom, y: Atom): boolean {
  if (!('lin' in x) || !('lin' in y)) {
    const [p, o] = 'lin' in x ? [y, x] : [x, y]
    if (!('agg' in p)) return false
    if ('agg' in o) return o.agg === p.agg && o.rel !== p.rel
    return p.rel === 'absent' && names(o).includes(p.agg)
  }
  const [kx, ky] = [lineKeys(x.lin), lineKeys(y.lin)]
  if (kx.eq !== ky.eq) return false
  // same line up to a factor; compare orientation
  const flipped = kx.ge !== ky.ge
  const rels = new Set([x.rel, y.rel])
  if (rels.has('eq') && rels.has('ne')) return true
  if (!flipped) return (rels.has('eq') && rels.has('gt')) || (x.rel === 'gt' && y.rel === 'eq')
  // L rel1 0 and -L rel2 0
  const strict = (r: Rel) => r === 'gt'
  if ((x.rel === 'ge' || x.rel === 'gt') && (y.rel === 'ge' || y.rel === 'gt'))
    return strict(x.rel) || strict(y.rel)
  return (x.rel === 'eq' && y.rel === 'gt') || (y.rel === 'eq' && x.rel === 'gt')
}

function consistent(c: Clause): boolean {
  const xs = [...c.values()]
  for (let i = 0; i < xs.length; i++)
    for (let j = i + 1; j < xs.length; j++) if (contradicts(xs[i] as Atom, xs[j] as Atom)) return false
  return true
}

/** Drops `has(x)` where another conjunct compares x (it already needs x present). */
function tidy(c: Clause): Clause {
  const compared = new Set([...c.values()].flatMap((a) => ('lin' in a ? names(a) : [])))
  return new Map([...c].filter(([, a]) => !(a.rel === 'has' && compared.has((a as { agg: string }).agg))))
}

const MAX_CLAUSES = 512

/** The formula as a minimal list of consistent clauses (no clause contains another). */
export function dnf(f: Formula): Clause[] {
  const work = { steps: 0, memo: new WeakMap<object, Clause[]>() }
  return minimal(expand(f, work).map(tidy).filter(consistent))
}

/** Without clauses that contain another (a weaker case already covers them). */
function minimal(cs: Clause[]): Clause[] {
  const sorted = [...cs].sort((a, b) => a.size - b.size)
  const out: Clause[] = []
  for (const c of sorted) if (!out.some((o) => [...o.keys()].every((k) => c.has(k)))) out.push(c)
  return out
}

const MAX_STEPS = 50_000

/** Shared subformulas (the translator reuses them) expand once; every clause built counts against MAX_STEPS. */
function expand(f: Formula, work: { steps: number; memo: WeakMap<object, Clause[]> }): Clause[] {
  if (f === true) return [new Map()]
  if (f === false) return []
  const known = work.memo.get(f)
  if (known) return known
  let out: Clause[]
  if ('atom' in f) out = [new Map([[atomKey(f.atom), f.atom]])]
  else if ('or' in f) out = minimal(cap(f.or.flatMap((x) => expand(x, work))))
  else {
    out = [new Map()]
    for (const x of f.and) {
      const xs = expand(x, work)
      cap({ length: out.length * xs.length } as Clause[]) // refuse before building a product that large
      work.steps += out.length * xs.length
      if (work.steps > MAX_STEPS)
        throw new Unsupported(`its condition is too large to state (more than ${MAX_STEPS} steps)`)
      out = minimal(out.flatMap((a) => xs.map((b) => new Map([...a, ...b]))).filter(consistent))
    }
  }
  work.memo.set(f, out)
  return out
}

function cap(cs: Clause[]): Clause[] {
  if (cs.length > MAX_CLAUSES)
    throw new Unsupported(`its condition expands to more than ${MAX_CLAUSES} cases`)
  return cs
}
