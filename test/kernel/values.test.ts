// Event members named after object internals (constructor, __proto__, toString, ...) read exactly in CEL.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileExpr, expressionBudget, score } from '../../functions/kernel/index.ts'
import { celValue } from '../../functions/kernel/values.ts'
import { single } from '../support/kernels.ts'

const internals = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']
const keys = [...internals, 'a', 'id']

const run = (src: string, event: unknown, want = 0) => {
  const r = compileExpr(src, { scope: 'score', result: 'bool', aggregates: new Set(['want']) })
  if (!r.ok) throw new Error(r.problem.message)
  return r.expr({ agg: { want }, event: celValue(event) }, expressionBudget())
}

/** An object parsed from JSON, so `__proto__` is an own member as it is in a request body. */
const parsed = (entries: [string, unknown][]) =>
  JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`) as Record<
    string,
    unknown
  >

describe('event members named after object internals', () => {
  it('every member reads back exactly, at the top level and nested (property)', () => {
    const entries = fc.uniqueArray(fc.tuple(fc.constantFrom(...keys), fc.integer({ min: -1e6, max: 1e6 })), {
      selector: ([k]) => k,
      minLength: 1,
    })
    fc.assert(
      fc.property(entries, fc.boolean(), (es, nested) => {
        const inner = parsed(es)
        const event = nested ? { id: 'e', m: inner } : inner
        const base = nested ? 'event.m' : 'event'
        expect(run(`size(${base}) == ${es.length}`, event)).toBe(true)
        for (const [k, v] of es) {
          expect(run(`${base}["${k}"] == agg.want`, event, v)).toBe(true)
          expect(run(`"${k}" in ${base}`, event)).toBe(true)
        }
        for (const k of keys.filter((k) => !es.some(([x]) => x === k))) {
          expect(run(`"${k}" in ${base}`, event)).toBe(false)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('event.constructor == 1.0 evaluates, and other invariants no longer fail', () => {
    const k = single('event.constructor == 1.0 && event.amount > 2.0 ? 1.0 : 0.0', 1)
    const out = score(k, {}, { id: 'e', constructor: 1, amount: 3 })
    expect(out.errors).toEqual([])
    expect(out.state_vector).toEqual([1])
    expect(score(k, {}, { id: 'e', constructor: 2, amount: 3 }).state_vector).toEqual([0])
  })

  it('members inside lists are converted too, and has() sees them', () => {
    const event = { id: 'e', xs: [{ constructor: 'c' }, { constructor: 'd' }] }
    expect(run('event.xs.map(x, x.constructor) == ["c", "d"]', event)).toBe(true)
    expect(run('event.xs.all(x, has(x.constructor))', event)).toBe(true)
  })

  it('plain events are passed through without a copy (the fast path allocates nothing)', () => {
    const event = { id: 'e', a: 1, m: { b: [1, { c: 2 }] } }
    expect(celValue(event)).toBe(event)
    const withInternal = { id: 'e', m: { constructor: 1 } }
    const converted = celValue(withInternal) as Record<string, unknown>
    expect(converted).not.toBe(withInternal)
    expect(converted.m).toBeInstanceOf(Map)
    expect(withInternal.m).toEqual({ constructor: 1 }) // the caller's event is not modified
  })
})
