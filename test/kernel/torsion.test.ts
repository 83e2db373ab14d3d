// Torsion = sum w * max(0, threshold - score)^2 over the state after the event; errors never pass.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { aggView, evaluateEvent, initialAggregates, score, step } from '../../functions/kernel/index.ts'
import { compile, contractKernel, single } from '../support/kernels.ts'

const stateAfter = (
  k: ReturnType<typeof compile>,
  history: Record<string, unknown>[],
  event: Record<string, unknown>,
) => {
  let s = initialAggregates(k)
  for (const e of history) s = step(k, s, e).states
  return evaluateEvent(k, s, event).evaluation
}

describe('contract kernel', () => {
  const k = compile(contractKernel)
  const history = [
    { id: '1', contributed: 100, returned: 97, trace_id: 'a' },
    { id: '2', contributed: 100, returned: 95, trace_id: 'b' },
  ]

  it('is admissible while members get at least 94% back and everything is traced', () => {
    const e = stateAfter(k, history, { id: '3', contributed: 50, returned: 48, trace_id: 'c' })
    expect(e.dimensions).toEqual(['Non_Spoliation', 'Traceability'])
    expect(e.state_vector).toEqual([240 / 250, 1])
    expect(e).toMatchObject({ torsion: 0, violations: [], errors: [], admissible: true })
  })

  it('charges (0.94 - score)^2 for spoliation', () => {
    const e = stateAfter(k, history, { id: '3', contributed: 100, returned: 70, trace_id: 'c' })
    const s = 262 / 300
    expect(e.state_vector[0]).toBeCloseTo(s, 15)
    expect(e.torsion).toBeCloseTo((0.94 - s) ** 2, 15)
    expect(e.violations).toEqual([
      { invariant: 'Non_Spoliation', score: e.state_vector[0], threshold: 0.94, weight: 1, cost: e.torsion },
    ])
  })

  it('weights Traceability twice', () => {
    const e = stateAfter(k, history, { id: '3', contributed: 10, returned: 10 })
    expect(e.state_vector[1]).toBeCloseTo(2 / 3, 15)
    expect(e.torsion).toBeCloseTo(2 * (1 - 2 / 3) ** 2, 15)
  })

  it('treats a missing field as an error that violates, never as a pass', () => {
    const e = stateAfter(k, history, { id: '3', returned: 10, trace_id: 'c' })
    expect(e.errors).toContainEqual(expect.objectContaining({ aggregate: 'contributed' }))
    expect(e.errors).toContainEqual(expect.objectContaining({ invariant: 'Non_Spoliation' }))
    expect(e.admissible).toBe(false)
    expect(e.violations.map((v) => v.invariant)).toContain('Non_Spoliation')
  })
})

describe('scores', () => {
  it('are clamped to [0, 1]', () => {
    expect(score(single('5'), {}, {}).state_vector).toEqual([1])
    expect(score(single('-5'), {}, {}).state_vector).toEqual([0])
  })

  it.each([
    ['NaN', 'event.a / event.b', { a: 0, b: 0 }],
    ['Infinity', 'event.a / event.b', { a: 1, b: 0 }],
    ['a missing field', 'event.missing', {}],
    ['an integer division by zero', 'int(event.a) / int(event.b) == 0 ? 1 : 0', { a: 1, b: 0 }],
    ['a non-number', 'event.s', { s: 'x' }],
    ['null', 'event.n', { n: null }],
  ])('%s is an error and a violation, even with threshold 0', (_, src, event) => {
    const e = score(single(src, 0), {}, event)
    expect(e.errors).toHaveLength(1)
    expect(e.errors[0]?.invariant).toBe('I')
    expect(e.admissible).toBe(false)
    expect(e.violations).toHaveLength(1)
  })

  it('booleans score 1 or 0', () => {
    expect(score(single('event.ok', 1), {}, { ok: true }).state_vector).toEqual([1])
    expect(score(single('event.ok', 1), {}, { ok: false }).state_vector).toEqual([0])
  })
})

describe('torsion (property)', () => {
  const kernel = compile({
    id: 'p',
    invariants: {
      A: { score: 'event.a', threshold: 0.7, weight: 1.5 },
      B: { score: 'event.b', threshold: 0.2 },
      C: { score: 'event.c', threshold: 1, weight: 0.25 },
    },
  })
  const unit = fc.double({ min: -0.5, max: 1.5, noNaN: true })

  it('is sum w * max(0, t - clamp(s))^2, zero exactly when every score meets its threshold', () => {
    fc.assert(
      fc.property(unit, unit, unit, (a, b, c) => {
        const e = score(kernel, aggView(kernel, []), { a, b, c })
        const cl = (x: number) => Math.min(1, Math.max(0, x))
        const expected =
          1.5 * Math.max(0, 0.7 - cl(a)) ** 2 +
          Math.max(0, 0.2 - cl(b)) ** 2 +
          0.25 * Math.max(0, 1 - cl(c)) ** 2
        expect(e.torsion).toBeCloseTo(expected, 12)
        expect(e.state_vector).toEqual([cl(a), cl(b), cl(c)])
        expect(e.admissible).toBe(cl(a) >= 0.7 && cl(b) >= 0.2 && cl(c) >= 1)
        expect(e.torsion === 0).toBe(e.admissible)
      }),
    )
  })
})
