// Root cause core: Shapley attribution against brute force over all orders, its axioms, and counterfactual replay.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { StepBudget } from '../../functions/budget/index.ts'
import {
  type CompiledKernel,
  currentState,
  type EventValue,
  type FoldState,
  gateBatch,
  initialAggregates,
  step,
} from '../../functions/kernel/index.ts'
import { attribute, counterfactual, type HistoryItem } from '../../functions/lab/cause/index.ts'
import { compile, contractKernel } from '../support/kernels.ts'

const budget = () => new StepBudget('cause_steps', Number.POSITIVE_INFINITY, 0)

// Order-sensitive folds (last, ewma, max) so the window order matters to v(S).
const kernel = compile({
  id: 'c',
  aggregates: {
    sum: { fold: 'sum', expr: 'event.x', where: 'has(event.x)' },
    peak: { fold: 'max', expr: 'event.x', where: 'has(event.x)', empty: 0 },
    recent: { fold: 'ewma', alpha: 0.5, expr: 'event.x', where: 'has(event.x)', empty: 0 },
    latest: { fold: 'last', expr: 'event.x', where: 'has(event.x)', empty: 0 },
  },
  invariants: {
    Low: { score: 'agg.sum <= 10.0 ? 1.0 : 10.0 / agg.sum', threshold: 0.9, weight: 2 },
    Calm: { score: 'agg.recent <= 3.0 ? 1.0 : 0.0', threshold: 0.5 },
    Tail: { score: 'agg.latest < 5.0 ? 1.0 : 0.5', threshold: 0.8, weight: 3 },
  },
})

/** v(S) computed from the kernel's own fold and score, independently of attribute(). */
function v(k: CompiledKernel, start: FoldState[], w: EventValue[], members: number[]): number {
  const base = currentState(k, start, undefined).torsion
  let s = start
  let last: EventValue | undefined
  for (const i of [...members].sort((a, b) => a - b)) {
    s = step(k, s, w[i] as EventValue).states
    last = w[i]
  }
  return currentState(k, s, last).torsion - base
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]]
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  )
}

/** Shapley by definition: the mean over all n! orders of each event's marginal torsion. */
function bruteForce(k: CompiledKernel, start: FoldState[], w: EventValue[]): number[] {
  const phi = new Array<number>(w.length).fill(0)
  const orders = permutations(w.length)
  for (const order of orders) {
    const seen: number[] = []
    for (const p of order) {
      const before = v(k, start, w, seen)
      seen.push(p)
      phi[p] = (phi[p] as number) + v(k, start, w, seen) - before
    }
  }
  return phi.map((x) => x / orders.length)
}

const windowArb = (max: number) =>
  fc
    .array(
      fc.oneof(
        fc.integer({ min: -3, max: 9 }).map((x) => ({ x })),
        fc.constant({ note: 'no value' }),
      ),
      { minLength: 1, maxLength: max },
    )
    .map((es) => es.map((e, i) => ({ id: `e${i}`, ...e }) as EventValue))

describe('attribute', () => {
  it('equals the brute-force mean over all orders on small windows', () => {
    fc.assert(
      fc.property(windowArb(6), windowArb(3), (w, prefix) => {
        let start = initialAggregates(kernel)
        for (const e of prefix) start = step(kernel, start, e).states
        const a = attribute(kernel, start, w, budget())
        expect(a.method).toBe('exact')
        const ref = bruteForce(kernel, start, w)
        for (const [i, e] of a.events.entries()) expect(e.shapley).toBeCloseTo(ref[i] as number, 9)
      }),
      { numRuns: 40 },
    )
  })

  it('is efficient: event values and weighted invariant deltas both sum to the torsion change', () => {
    fc.assert(
      fc.property(windowArb(10), (w) => {
        const a = attribute(kernel, initialAggregates(kernel), w, budget())
        const total = a.torsion_after - a.torsion_before
        expect(a.events.reduce((s, e) => s + e.shapley, 0)).toBeCloseTo(total, 9)
        expect(a.invariants.reduce((s, i) => s + i.weighted_delta, 0)).toBeCloseTo(total, 9)
        // torsion_after is the torsion of the whole window folded, computed independently
        expect(a.torsion_after - a.torsion_before).toBeCloseTo(
          v(
            kernel,
            initialAggregates(kernel),
            w,
            w.map((_, i) => i),
          ),
          12,
        )
      }),
      { numRuns: 30 },
    )
  })

  it('gives a null event zero and symmetric events equal values (order-free folds)', () => {
    const k = compile({
      id: 's',
      aggregates: { sum: { fold: 'sum', expr: 'event.x', where: 'has(event.x)' } },
      invariants: { Low: { score: 'agg.sum <= 4.0 ? 1.0 : 4.0 / agg.sum', threshold: 0.9 } },
    })
    const w = [
      { id: 'a', x: 3 },
      { id: 'noise', note: 1 },
      { id: 'b', x: 3 },
      { id: 'c', x: 1 },
    ]
    const a = attribute(k, initialAggregates(k), w, budget())
    const by = Object.fromEntries(a.events.map((e) => [e.event_id, e.shapley]))
    expect(by.noise).toBe(0)
    expect(by.a).toBeCloseTo(by.b as number, 12)
    expect(by.a).toBeGreaterThan(by.c as number)
    expect(a.torsion_after).toBeGreaterThan(0)
  })

  it('names the invariant that rose: per-invariant scores before and after', () => {
    const k = compile(contractKernel)
    const w = [
      { id: 'a', contributed: 10, returned: 10, trace_id: 't' },
      { id: 'b', contributed: 10, returned: 0, trace_id: 't' },
    ]
    const a = attribute(k, initialAggregates(k), w, budget(), { indices: [7, 9] })
    const ns = a.invariants.find((i) => i.name === 'Non_Spoliation')
    expect(ns).toMatchObject({ before: 1, after: 0.5, delta: -0.5 })
    expect(ns?.weighted_delta).toBeCloseTo((0.94 - 0.5) ** 2, 12)
    expect(a.invariants.find((i) => i.name === 'Traceability')?.weighted_delta).toBe(0)
    expect(a.events.map((e) => e.index)).toEqual([7, 9])
    // b alone raises torsion to 0.94^2; a alone not at all; together 0.44^2: Shapley splits the difference
    const full = (0.94 - 0.5) ** 2
    const bAlone = 0.94 ** 2
    expect(a.events[1]?.shapley).toBeCloseTo((bAlone + full) / 2, 12)
    expect(a.events[0]?.shapley).toBeCloseTo((0 + full - bAlone) / 2, 12)
  })

  it('samples above 12 events: seeded, efficient, intervals cover the exact values', async () => {
    const { shapleyOf } = await import('../../functions/markets/shapley.ts')
    const w = Array.from({ length: 14 }, (_, i) => ({ id: `e${i}`, x: (i * 7) % 5 }))
    const start = initialAggregates(kernel)
    const a = attribute(kernel, start, w, budget(), { samples: 400, seed: 7 })
    expect(a.method).toBe('sampled')
    const again = attribute(kernel, start, w, budget(), { samples: 400, seed: 7 })
    expect(again.events).toEqual(a.events)
    expect(a.events.reduce((s, e) => s + e.shapley, 0)).toBeCloseTo(a.torsion_after - a.torsion_before, 9)
    const exact = shapleyOf(14, (mask) =>
      v(
        kernel,
        start,
        w,
        w.map((_, i) => i).filter((i) => mask & (1 << i)),
      ),
    )
    const covered = a.events.filter((e, i) => {
      const [lo, hi] = e.ci95 as [number, number]
      return lo - 1e-12 <= (exact[i] as number) && (exact[i] as number) <= hi + 1e-12
    }).length
    expect(covered).toBeGreaterThanOrEqual(12)
  })

  it('spends its budget and stops when it runs out', () => {
    const w = Array.from({ length: 12 }, (_, i) => ({ id: `e${i}`, x: i }))
    expect(() =>
      attribute(kernel, initialAggregates(kernel), w, new StepBudget('cause_steps', 1000, 1)),
    ).toThrow(/cause_steps/)
  })
})

const strict = compile({
  id: 'q',
  aggregates: { good: { fold: 'sum', expr: 'event.good' }, n: { fold: 'count' } },
  invariants: { Quality: { score: 'agg.n == 0 ? 1.0 : agg.good / agg.n', threshold: 0.5 } },
})

/** Gates events one at a time like the holon does and records the attempted history. */
function record(k: CompiledKernel, events: EventValue[]): HistoryItem[] {
  let states = initialAggregates(k)
  let last: EventValue | undefined
  let seq = 0
  return events.map((event, i) => {
    const out = gateBatch(k, states, [event], { last })
    const r = out.results[0] as { verdict: HistoryItem['verdict']; torsion: number }
    const admitted = out.rejected === undefined
    if (admitted) {
      states = out.states
      last = event
    }
    return {
      index: i + 1,
      seq: admitted ? ++seq : null,
      event,
      verdict: r.verdict,
      torsion: r.torsion,
      kernel_version: 1,
    }
  })
}

describe('counterfactual', () => {
  const events = [
    { id: 'a', good: 1 },
    { id: 'b', good: 0 },
    { id: 'c', good: 0 }, // 1/3 < 0.5: rejected
    { id: 'd', good: 1 },
    { id: 'e', good: 0 },
  ]
  const history = record(strict, events)

  it('replays the same history under the same kernel to the same verdicts and state', () => {
    expect(history.map((h) => h.verdict)).toEqual(['admit', 'admit', 'reject', 'admit', 'admit'])
    const cf = counterfactual({ kernel: strict, history }, budget())
    expect(cf.changed_verdicts).toEqual([])
    expect(cf.final).toEqual(cf.actual)
    expect(cf.actual.aggregates).toEqual({ good: 2, n: 4 })
    expect(cf.replayed).toBe(5)
    expect(cf.dropped).toBe(0)
  })

  it('without an event: a refused event is admitted and the final state differs', () => {
    const cf = counterfactual({ kernel: strict, history, without: new Set(['b']) }, budget())
    expect(cf.dropped).toBe(1)
    expect(cf.replayed).toBe(4)
    expect(cf.changed_verdicts).toEqual([
      { event_id: 'c', index: 3, actual: 'reject', counterfactual: 'admit' },
    ])
    expect(cf.final.aggregates).toEqual({ good: 2, n: 4 }) // a, c, d, e
    expect(cf.actual.aggregates).toEqual({ good: 2, n: 4 }) // a, b, d, e
  })

  it('under a stricter kernel: later events are refused and do not fold', () => {
    const stricter = compile({
      id: 'q2',
      aggregates: { good: { fold: 'sum', expr: 'event.good' }, n: { fold: 'count' } },
      invariants: { Quality: { score: 'agg.n == 0 ? 1.0 : agg.good / agg.n', threshold: 0.9 } },
    })
    const cf = counterfactual({ kernel: stricter, history, current: strict }, budget())
    expect(cf.changed_verdicts.map((c) => [c.event_id, c.counterfactual])).toEqual([
      ['b', 'reject'],
      ['e', 'reject'],
    ])
    expect(cf.final.aggregates).toEqual({ good: 2, n: 2 })
    expect(cf.actual.aggregates).toEqual({ good: 2, n: 4 })
  })

  it('skips compensated events and leaves the input untouched', () => {
    const h = history.map((x) => (x.event.id === 'b' ? { ...x, compensated: true } : x))
    const copy = structuredClone(h)
    const cf = counterfactual({ kernel: strict, history: h }, budget())
    expect(h).toEqual(copy)
    expect(cf.actual.aggregates).toEqual({ good: 2, n: 3 })
    expect(cf.changed_verdicts).toEqual([
      { event_id: 'c', index: 3, actual: 'reject', counterfactual: 'admit' },
    ])
  })

  it('as gated: each event under its own kernel version, the kept history refolded at a switch', () => {
    const lenient = compile({
      id: 'q0',
      aggregates: { good: { fold: 'sum', expr: 'event.good' }, n: { fold: 'count' } },
      invariants: { Quality: { score: 'agg.n == 0 ? 1.0 : agg.good / agg.n', threshold: 0.2 } },
    })
    // v1 (lenient) gated a, b, c; v2 (strict, 0.5) gated d, e
    const v1 = record(lenient, [
      { id: 'a', good: 1 },
      { id: 'b', good: 0 },
      { id: 'c', good: 0 },
    ])
    let states = initialAggregates(strict)
    for (const h of v1) states = step(strict, states, h.event).states
    const d = gateBatch(strict, states, [{ id: 'd', good: 0 }], { last: { id: 'c', good: 0 } })
    expect(d.results[0]?.verdict).toBe('reject') // 1/4 under v2
    const e = gateBatch(strict, states, [{ id: 'e', good: 1 }], { last: { id: 'c', good: 0 } })
    expect(e.results[0]?.verdict).toBe('admit') // 2/4 = 0.5
    const history: HistoryItem[] = [
      ...v1,
      { index: 4, seq: null, event: { id: 'd', good: 0 }, verdict: 'reject', torsion: 0, kernel_version: 2 },
      { index: 5, seq: 4, event: { id: 'e', good: 1 }, verdict: 'admit', torsion: 0, kernel_version: 2 },
    ]
    const kernelOf = (v: number) => (v === 1 ? lenient : strict)
    const cf = counterfactual({ kernel: strict, history, kernelOf, current: strict }, budget())
    expect(cf.changed_verdicts).toEqual([])
    expect(cf.final).toEqual(cf.actual)
    // dropping b and c: v2 refolds a alone, so d (1/2) is admitted
    const without = counterfactual(
      { kernel: strict, history, kernelOf, current: strict, without: new Set(['b', 'c']) },
      budget(),
    )
    expect(without.changed_verdicts).toEqual([
      { event_id: 'd', index: 4, actual: 'reject', counterfactual: 'admit' },
    ])
    // the same history all under v2: c (1/3) is refused at once
    const flat = counterfactual({ kernel: strict, history }, budget())
    expect(flat.changed_verdicts.map((c) => c.event_id)).toEqual(['c'])
  })

  it('final state equals the fold of exactly the events it admitted (random histories)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 29 }),
        (goods, drop) => {
          const h = record(
            strict,
            goods.map((good, i) => ({ id: `e${i}`, good })),
          )
          const cf = counterfactual({ kernel: strict, history: h, without: new Set([`e${drop}`]) }, budget())
          const verdictOf = new Map(cf.changed_verdicts.map((c) => [c.event_id, c.counterfactual]))
          const admitted = h.filter(
            (x) =>
              x.event.id !== `e${drop}` &&
              ['admit', 'admit_improving'].includes(verdictOf.get(x.event.id as string) ?? x.verdict),
          )
          expect(cf.final.aggregates).toEqual({
            good: admitted.reduce((s, x) => s + (x.event.good as number), 0),
            n: admitted.length,
          })
        },
      ),
      { numRuns: 50 },
    )
  })
})
