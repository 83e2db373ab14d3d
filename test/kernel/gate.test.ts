// Gate verdicts under each policy, including admitting events that bring a violating holon back.
import { describe, expect, it } from 'vitest'
import { gateBatch, initialAggregates } from '../../functions/kernel/index.ts'
import type { KernelInput } from '../../schemas/kernel.ts'
import { compile } from '../support/kernels.ts'

const kernel = (gate: KernelInput['gate']) =>
  compile({
    id: 'g',
    aggregates: { good: { fold: 'sum', expr: 'event.good' }, n: { fold: 'count' } },
    invariants: { Quality: { score: 'agg.n == 0 ? 1 : agg.good / agg.n', threshold: 0.8 } },
    gate,
  })

const ev = (id: string, good: number) => ({ id, good })

describe('gate', () => {
  it('admits zero torsion and rejects the rest by default', () => {
    const k = kernel(undefined)
    const out = gateBatch(k, initialAggregates(k), [ev('a', 1), ev('b', 0)])
    expect(out.results.map((r) => r.verdict)).toEqual(['admit', 'reject'])
    expect(out.rejected).toBe(1)
  })

  it('require_override answers override_required; an override admits and says so', () => {
    const k = kernel({ on_torsion: 'require_override', admit_improving: false })
    expect(gateBatch(k, initialAggregates(k), [ev('a', 0)]).results[0]?.verdict).toBe('override_required')
    const forced = gateBatch(k, initialAggregates(k), [ev('a', 0)], { override: true })
    expect(forced.rejected).toBeUndefined()
    expect(forced.results[0]?.verdict).toBe('admit_override')
  })

  it('flag commits violations, marked', () => {
    const k = kernel({ on_torsion: 'flag', admit_improving: false })
    const out = gateBatch(k, initialAggregates(k), [ev('a', 0), ev('b', 1)])
    expect(out.rejected).toBeUndefined()
    expect(out.results.map((r) => r.verdict)).toEqual(['admit_flagged', 'admit_flagged'])
  })

  it('admit_improving lets a violating holon climb back, strictly', () => {
    const k = kernel({ on_torsion: 'reject', admit_improving: true })
    // Force the holon out of bounds (0 of 2 good), then climb: 1/3 improves, 1/4 would not.
    const low = gateBatch(k, initialAggregates(k), [ev('a', 0), ev('b', 0)], { override: true })
    const climb = gateBatch(k, low.states, [ev('c', 1)], { last: { id: 'b', good: 0 } })
    expect(climb.results[0]).toMatchObject({ verdict: 'admit_improving', torsion_before: (0.8 - 0) ** 2 })
    expect(climb.results[0]?.torsion).toBeCloseTo((0.8 - 1 / 3) ** 2, 15)
    const worse = gateBatch(k, low.states, [ev('d', 0)], { last: { id: 'b', good: 0 } })
    expect(worse.results[0]?.verdict).toBe('reject')
  })

  it('never admits an improving event that raises expression errors', () => {
    const k = kernel({ on_torsion: 'reject', admit_improving: true })
    const low = gateBatch(k, initialAggregates(k), [ev('a', 0)], { override: true })
    const broken = gateBatch(k, low.states, [{ id: 'x' }], { last: { id: 'a', good: 0 } })
    expect(broken.results[0]?.verdict).toBe('reject')
  })

  it('gates a batch in order: later events see earlier ones', () => {
    const k = kernel(undefined)
    const out = gateBatch(k, initialAggregates(k), [
      ev('a', 1),
      ev('b', 1),
      ev('c', 1),
      ev('d', 1),
      ev('e', 0),
    ])
    // 4 of 5 good = 0.8 meets the threshold only because the first four came first.
    expect(out.rejected).toBeUndefined()
    expect(out.results.at(-1)?.state_vector).toEqual([0.8])
  })
})
