// Incremental folds equal the same statistic computed directly over the whole history.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { emptyFold, fold, foldValue } from '../../functions/kernel/folds.ts'
import type { AggregateSpec } from '../../schemas/kernel.ts'

const run = (spec: AggregateSpec, xs: number[]) =>
  foldValue(
    spec,
    xs.reduce((s, x) => fold(spec, s, x), emptyFold()),
  )
const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 })

describe('folds', () => {
  it('count, min, max, last match direct computation', () => {
    fc.assert(
      fc.property(values, (xs) => {
        expect(run({ fold: 'count' }, xs)).toBe(xs.length)
        expect(run({ fold: 'min', expr: 'x' }, xs)).toBe(Math.min(...xs))
        expect(run({ fold: 'max', expr: 'x' }, xs)).toBe(Math.max(...xs))
        expect(run({ fold: 'last', expr: 'x' }, xs)).toBe(xs.at(-1))
      }),
    )
  })

  it('sum and mean are compensated: exact where naive summation is not', () => {
    const xs = [1e16, 1, -1e16, 1]
    expect(xs.reduce((a, b) => a + b)).not.toBe(2) // the naive sum loses the ones
    expect(run({ fold: 'sum', expr: 'x' }, xs)).toBe(2)
    expect(run({ fold: 'mean', expr: 'x' }, xs)).toBe(0.5)
  })

  it('sum and mean agree with a high-precision reference (BigInt over integers)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 300 }), (xs) => {
        const exact = xs.reduce((a, b) => a + BigInt(b), 0n)
        expect(run({ fold: 'sum', expr: 'x' }, xs)).toBe(Number(exact))
        expect(run({ fold: 'mean', expr: 'x' }, xs)).toBeCloseTo(Number(exact) / xs.length, 6)
      }),
    )
  })

  it('ewma follows s_k = alpha x_k + (1 - alpha) s_{k-1}, seeded with the first value', () => {
    fc.assert(
      fc.property(values, fc.double({ min: 0.01, max: 1, noNaN: true }), (xs, alpha) => {
        let s = xs[0] as number
        for (const x of xs.slice(1)) s = alpha * x + (1 - alpha) * s
        expect(run({ fold: 'ewma', alpha, expr: 'x' }, xs)).toBeCloseTo(s, 6)
      }),
    )
  })

  it('before any event: count and sum are 0, other folds absent unless `empty` is set', () => {
    expect(foldValue({ fold: 'count' }, emptyFold())).toBe(0)
    expect(foldValue({ fold: 'sum', expr: 'x' }, emptyFold())).toBe(0)
    expect(foldValue({ fold: 'mean', expr: 'x' }, emptyFold())).toBeUndefined()
    expect(foldValue({ fold: 'max', expr: 'x', empty: -1 }, emptyFold())).toBe(-1)
  })
})
