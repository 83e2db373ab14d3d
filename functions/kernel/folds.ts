// Incremental aggregate folds: each new event updates a fixed-size state in O(1).
import type { AggregateSpec } from '../../schemas/kernel.ts'

/** n: events folded; v: running value (or sum); c: Neumaier compensation for sums. */
export interface FoldState {
  n: number
  v: number
  c: number
}

export const emptyFold = (): FoldState => ({ n: 0, v: 0, c: 0 })

export function fold(spec: AggregateSpec, s: FoldState, x: number): FoldState {
  const n = s.n + 1
  switch (spec.fold) {
    case 'count':
      return { n, v: n, c: 0 }
    case 'sum':
    case 'mean':
      return neumaier(s, x, n)
    case 'min':
      return { n, v: s.n === 0 ? x : Math.min(s.v, x), c: 0 }
    case 'max':
      return { n, v: s.n === 0 ? x : Math.max(s.v, x), c: 0 }
    case 'last':
      return { n, v: x, c: 0 }
    case 'ewma':
      return { n, v: s.n === 0 ? x : spec.alpha * x + (1 - spec.alpha) * s.v, c: 0 }
  }
}

/** Compensated summation keeps long sums of mixed magnitudes exact to the last bit or two. */
function neumaier(s: FoldState, x: number, n: number): FoldState {
  const t = s.v + x
  const c = Math.abs(s.v) >= Math.abs(x) ? s.c + (s.v - t + x) : s.c + (x - t + s.v)
  return { n, v: t, c }
}

/** The value expressions see as `agg.<name>`; undefined (absent) before any event unless `empty` is set. */
export function foldValue(spec: AggregateSpec, s: FoldState): number | undefined {
  if (spec.fold === 'count') return s.n
  if (spec.fold === 'sum') return s.v + s.c
  if (s.n === 0) return spec.empty
  if (spec.fold === 'mean') return (s.v + s.c) / s.n
  return s.v
}
