// The refusal explainer on the kernel itself: boundary search, the aggregates a score reads, budgets.
import { describe, expect, it } from 'vitest'
import { StepBudget } from '../../functions/budget/index.ts'
import { initialAggregates, step } from '../../functions/kernel/index.ts'
import { aggregatesRead, explainEvent, nearestPassing, numericFields } from '../../functions/mcp/explain.ts'
import { compile, contractKernel } from '../support/kernels.ts'

describe('nearestPassing', () => {
  it('finds the boundary of a threshold on either side, as an integer for integer values', () => {
    expect(nearestPassing(70, (x) => x <= 40)).toBe(40)
    expect(nearestPassing(3, (x) => x >= 1000)).toBe(1000)
    expect(nearestPassing(-5, (x) => x > 7)).toBe(8)
  })

  it('shortens decimals to the fewest digits that still pass, never farther than the boundary', () => {
    expect(nearestPassing(0.9, (x) => x <= 0.25)).toBe(0.25)
    expect(nearestPassing(0.5, (x) => x <= 0.1234567)).toBe(0.1234567)
    expect(nearestPassing(1.5, (x) => x < 1)).toBeLessThan(1)
  })

  it('picks the nearer of two boundaries, and says null when no value passes', () => {
    expect(nearestPassing(10, (x) => x <= 2 || x >= 13)).toBe(13)
    expect(nearestPassing(10, () => false)).toBeNull()
  })
})

describe('aggregatesRead and numericFields', () => {
  it('reads agg.name, agg["name"] and agg[\'name\'] once each', () => {
    expect(aggregatesRead('agg.a + agg["b"] * agg.a - agg[\'c_1\'] + event.agg')).toEqual(['a', 'b', 'c_1'])
  })

  it('lists numeric leaves as JSON pointers, without id, lists or non-numbers', () => {
    const fields = numericFields({ id: 'e', n: 1, s: 'x', o: { 'a/b': 2, deep: { z: 3 } }, l: [4] })
    expect(fields.map((f) => f.pointer)).toEqual(['/n', '/o/a~1b', '/o/deep/z'])
    expect(numericFields({ id: 'e', a: 1, b: 2, c: 3 }, 2)).toHaveLength(2)
  })
})

describe('explainEvent', () => {
  const k = compile(contractKernel)
  // history: contributed 100, returned 98 (ratio 0.98 >= 0.94)
  const states = step(k, initialAggregates(k), {
    id: 'h',
    contributed: 100,
    returned: 98,
    trace_id: 't',
  }).states

  it('gives the returned amount that restores the ratio, derived from the threshold', () => {
    const x = explainEvent(k, states, { id: 'e', contributed: 100, returned: 50, trace_id: 't' })
    expect(x.verdict).toBe('reject')
    const v = x.violations[0]
    // returned/contributed = 148/200 = 0.74, 0.2 short of 0.94
    expect(v?.invariant).toBe('Non_Spoliation')
    expect(v?.shortfall).toBeCloseTo(0.94 - 148 / 200, 12)
    // meeting 0.94 on 200 contributed needs 188 returned in total: the aggregate by +40, this event's field to 90
    expect(v?.aggregates).toContainEqual({ aggregate: 'returned', value: 148, needed: 188, change: 40 })
    const contributed = v?.aggregates.find((a) => a.aggregate === 'contributed')
    expect(contributed?.needed).toBe(Math.floor(148 / 0.94))
    expect(x.fields).toContainEqual({ field: '/returned', value: 50, needed: 90, change: 40 })
    // or contribute less: (98 + 50) / (100 + c) >= 0.94 gives c <= 148/0.94 - 100
    expect(x.fields).toContainEqual({
      field: '/contributed',
      value: 100,
      needed: Math.floor(148 / 0.94 - 100),
      change: Math.floor(148 / 0.94 - 100) - 100,
    })
    expect(x.summary.join('\n')).toContain('raise field /returned from 50 to 90 (+40)')
  })

  it('reports an admitted event with nothing to change', () => {
    const x = explainEvent(k, states, { id: 'e', contributed: 10, returned: 10, trace_id: 't' })
    expect(x).toMatchObject({
      verdict: 'admit',
      admissible: true,
      violations: [],
      fields: [],
      complete: true,
    })
  })

  it('keeps the explanation when the budget runs out during the searches, marked incomplete', () => {
    // the first gate and scoring cost a few hundred steps; the searches need thousands
    const x = explainEvent(
      k,
      states,
      { id: 'e', contributed: 100, returned: 50, trace_id: 't' },
      { budget: new StepBudget('expression_steps', 2_000, 1) },
    )
    expect(x.verdict).toBe('reject')
    expect(x.complete).toBe(false)
    expect(x.summary.join('\n')).toContain('the work budget ran out')
  })
})
