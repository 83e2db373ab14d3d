// Candidate invariants: stable ratios between pairs of aggregates and bounded single aggregates, from their history.
import type { StepBudget } from '../../budget/index.ts'
import type { CompiledKernel } from '../../kernel/index.ts'

export interface CandidateInvariant {
  name: string
  /** CEL over `agg` in the kernel's own dialect: 1.0 inside the observed band, 0.0 outside. */
  score: string
  threshold: number
  /** What the history showed, e.g. "ratio agg.refunds/agg.amount stayed in [0, 0.031] over 900 states". */
  basis: string
  /** 1 / (1 + cv + drift) over the second half of the history: 1 is a constant, near 0 a trend or noise. */
  stability: number
}

/** Fewer states than this say nothing about a bound. */
export const MIN_STATES = 30
/** Candidates kept, the most stable first. */
export const MAX_CANDIDATES = 10
/** Aggregates considered for pairs (their number is quadratic in this). */
export const MAX_PAIR_AGGREGATES = 32
/** A series whose last quarter moved by more than this fraction of its level is a trend, not a bound. */
export const MAX_DRIFT = 0.1

/** A CEL double literal (CEL has no `3` double: it needs `3.0`). */
export function celNumber(x: number): string {
  const s = String(x)
  return /[.eE]/.test(s) || !Number.isFinite(x) ? s : `${s}.0`
}

/** `x` rounded outward to 6 significant digits (up or down), past the float noise of `a <= U * b`. */
export function roundOutward(x: number, up: boolean): number {
  if (x === 0) return 0
  const nudged = x + (up ? 1 : -1) * Math.abs(x) * 1e-9
  const r = Number(nudged.toPrecision(6))
  if (up ? r >= nudged : r <= nudged) return r
  const step = 10 ** (Math.floor(Math.log10(Math.abs(nudged))) - 5)
  return Number((r + (up ? step : -step)).toPrecision(6))
}

/** How steady the second half of a series is: coefficient of variation plus the drift between its quarters. */
export function stabilityOf(series: readonly number[]): { stability: number; drift: number } {
  const late = series.slice(Math.floor(series.length / 2))
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length)
  const m = mean(late)
  const level = Math.max(Math.abs(m), 1e-12)
  const sd = Math.sqrt(mean(late.map((x) => (x - m) ** 2)))
  const half = Math.floor(late.length / 2)
  const drift = Math.abs(mean(late.slice(half)) - mean(late.slice(0, half))) / level
  const cv = sd / level
  return { stability: 1 / (1 + cv + drift), drift }
}

const band = (lo: number, hi: number) => `[${celNumber(lo)}, ${celNumber(hi)}]`
const minMax = (xs: readonly number[]) => {
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (const x of xs) {
    if (x < lo) lo = x
    if (x > hi) hi = x
  }
  return [lo, hi] as const
}

/** A name not taken by the kernel's invariants (nor by an earlier candidate), within the 64-character limit. */
function freeName(base: string, taken: Set<string>): string {
  const stem = base.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 58)
  let name = stem
  for (let i = 2; taken.has(name); i++) name = `${stem}.${i}`
  taken.add(name)
  return name
}

/**
 * Ratio candidates a/b over the states where both are present and b > 0 (pairs whose denominator is ever
 * negative, or positive in fewer than MIN_STATES states, are degenerate), oriented so the typical ratio is at
 * most 1; range candidates over each aggregate's present values. Constant series and trends (drift above
 * MAX_DRIFT) are skipped, and so is an aggregate repeating an earlier one's series. Each costs one budget step
 * per state examined.
 */
export function candidatesOf(
  kernel: CompiledKernel,
  values: readonly (readonly number[])[],
  budget: StepBudget,
): CandidateInvariant[] {
  const names = kernel.aggregates.map((a) => a.name)
  const out: CandidateInvariant[] = []
  // An aggregate whose series repeats an earlier one's (e.g. two counts that always agreed) adds no candidate.
  const seen = new Set<string>()
  const twin = names.map((_, i) => {
    const key = (values[i] ?? []).join(',')
    if (seen.has(key)) return true
    seen.add(key)
    return false
  })
  names.forEach((a, i) => {
    if (twin[i]) return
    const xs = (values[i] ?? []).filter((x) => !Number.isNaN(x))
    budget.spend(xs.length)
    if (xs.length < MIN_STATES) return
    const [lo, hi] = minMax(xs)
    if (lo === hi) return
    const { stability, drift } = stabilityOf(xs)
    if (drift > MAX_DRIFT) return
    const L = roundOutward(lo, false)
    const U = roundOutward(hi, true)
    out.push({
      name: `induced.range.${a}`,
      score: `(!has(agg.${a}) || (agg.${a} >= ${celNumber(L)} && agg.${a} <= ${celNumber(U)})) ? 1.0 : 0.0`,
      threshold: 1,
      basis: `agg.${a} stayed in ${band(lo, hi)} over ${xs.length} states`,
      stability,
    })
  })
  const considered = Math.min(names.length, MAX_PAIR_AGGREGATES)
  for (let i = 0; i < considered; i++) {
    for (let j = i + 1; j < considered; j++) {
      if (twin[i] || twin[j]) continue
      const c = ratioCandidate(names, values, i, j, budget)
      if (c) out.push(c)
    }
  }
  const taken = new Set(kernel.dimensions)
  return out
    .sort((x, y) => y.stability - x.stability || x.name.localeCompare(y.name))
    .slice(0, MAX_CANDIDATES)
    .map((c) => ({ ...c, name: freeName(c.name, taken) }))
}

function ratioCandidate(
  names: readonly string[],
  values: readonly (readonly number[])[],
  i: number,
  j: number,
  budget: StepBudget,
): CandidateInvariant | undefined {
  const xi = values[i] ?? []
  const xj = values[j] ?? []
  budget.spend(xi.length)
  // Orientation: the denominator must never be negative; of the admissible ones, the smaller typical ratio.
  const ratios = (num: readonly number[], den: readonly number[]) => {
    const r: number[] = []
    for (let t = 0; t < num.length; t++) {
      const n = num[t] as number
      const d = den[t] as number
      if (Number.isNaN(n) || Number.isNaN(d)) continue
      if (d < 0) return undefined
      if (d > 0) r.push(n / d)
    }
    return r.length >= MIN_STATES ? r : undefined
  }
  const options = [
    { num: i, den: j, r: ratios(xi, xj) },
    { num: j, den: i, r: ratios(xj, xi) },
  ].filter((o): o is { num: number; den: number; r: number[] } => o.r !== undefined)
  const median = (r: number[]) => [...r].sort((a, b) => a - b)[r.length >> 1] as number
  const pick = options.sort((x, y) => Math.abs(median(x.r)) - Math.abs(median(y.r)))[0]
  if (!pick) return undefined
  const [lo, hi] = minMax(pick.r)
  if (lo === hi) return undefined
  const { stability, drift } = stabilityOf(pick.r)
  if (drift > MAX_DRIFT) return undefined
  const a = names[pick.num] as string
  const b = names[pick.den] as string
  const L = roundOutward(lo, false)
  const U = roundOutward(hi, true)
  const lower = lo !== 0 ? ` && agg.${a} >= ${celNumber(L)} * agg.${b}` : ''
  return {
    name: `induced.ratio.${a}.${b}`,
    score: `(!has(agg.${a}) || !has(agg.${b}) || agg.${b} <= 0.0 || (agg.${a} <= ${celNumber(U)} * agg.${b}${lower})) ? 1.0 : 0.0`,
    threshold: 1,
    basis: `ratio agg.${a}/agg.${b} stayed in ${band(lo, hi)} over ${pick.r.length} states`,
    stability,
  }
}
