// The kernel language: CEL with JSON number semantics, helper functions, and precise compile errors.
import { describe, expect, it } from 'vitest'
import { compileExpr } from '../../functions/kernel/expr.ts'
import { expressionBudget } from '../../functions/kernel/limits.ts'

const aggregates = new Set(['returned', 'contributed', 'n', 'x'])
const run = (src: string, agg: Record<string, number> = {}, event: Record<string, unknown> = {}) => {
  const r = compileExpr(src, { scope: 'score', result: 'number', aggregates })
  if (!r.ok) throw new Error(r.problem.message)
  return r.expr({ agg, event }, expressionBudget())
}

describe('numbers behave as kernel authors expect', () => {
  it('divides aggregates as reals', () => {
    expect(run('agg.returned / agg.contributed', { returned: 47, contributed: 50 })).toBe(0.94)
  })
  it('divides integer literals as reals', () => {
    expect(run('1 / 2')).toBe(0.5)
    expect(run('7 / 2 == 3.5 ? 1 : 0')).toBe(1)
  })
  it('mixes integer literals with doubles', () => {
    expect(run('agg.x + 1', { x: 0.5 })).toBe(1.5)
    expect(run('2 * agg.x - 1', { x: 0.75 })).toBe(0.5)
    expect(run('agg.n == 0 ? 1 : 0', { n: 0 })).toBe(1)
    expect(run('agg.n > 3 ? 1 : 0', { n: 3.5 })).toBe(1)
  })
  it('min/max/abs/clamp take ints and doubles alike', () => {
    expect(run('min(1.0, agg.x)', { x: 3 })).toBe(1)
    expect(run('min(1, agg.x)', { x: 0.25 })).toBe(0.25)
    expect(run('max(0, agg.x)', { x: -2 })).toBe(0)
    expect(run('abs(agg.x - 5)', { x: 3 })).toBe(2)
    expect(run('clamp(agg.x, 0, 1)', { x: 7 })).toBe(1)
    expect(run('sqrt(16) + ln(1) + exp(0) + pow(2, 3) + floor(1.5) + ceil(1.5) + round(2.4)')).toBe(
      4 + 0 + 1 + 8 + 1 + 2 + 2,
    )
  })
  it('compares ints (sizes, int()) with doubles', () => {
    expect(run('size(event.l) == 3 ? 1 : 0', {}, { l: [1, 2, 3] })).toBe(1)
    expect(run('3.0 == size(event.l) ? 1 : 0', {}, { l: [1, 2, 3] })).toBe(1)
    expect(run('int(event.a) != 2.0 && int(event.a) < 2.5 ? 1 : 0', {}, { a: 2.7 })).toBe(0)
  })
  it('event numbers (JSON) mix with literals and sizes', () => {
    expect(run('event.a / 4', {}, { a: 1 })).toBe(0.25)
    expect(run('size(event.items) / 2', {}, { items: [1, 2, 3] })).toBe(1.5)
    expect(run('event.items[0] + 1', {}, { items: [41] })).toBe(42)
  })
})

describe('compile errors', () => {
  const err = (src: string, scope: 'score' | 'event' = 'score') => {
    const r = compileExpr(src, {
      scope,
      result: 'number',
      aggregates: scope === 'score' ? aggregates : undefined,
    })
    if (r.ok) throw new Error('compiled')
    return r.problem
  }
  it("gives the position of a syntax error in the author's source", () => {
    expect(err('agg.x +\n  * 2')).toMatchObject({ line: 2, column: 3 })
  })
  it('names unknown aggregates with their position', () => {
    expect(err('1 + agg.nope')).toMatchObject({
      message: "unknown aggregate 'nope'",
      offset: 8,
      line: 1,
      column: 9,
    })
  })
  it('rejects expressions of the wrong type', () => {
    expect(err('"text"').message).toMatch(/string/)
    expect(err('agg.x + "a"').message).toMatch(/overload/)
  })
  it('does not let aggregate expressions read agg', () => {
    expect(err('agg.x', 'event').message).toMatch(/agg/)
  })
})
