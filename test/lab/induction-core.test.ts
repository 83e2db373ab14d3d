// MS-Beta core: order-statistics intervals, threshold and candidate recovery on planted histories, simulation.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { StepBudget } from '../../functions/budget/index.ts'
import { gateBatch, initialAggregates, step } from '../../functions/kernel/index.ts'
import {
  binomialCdf,
  candidatesOf,
  induce,
  proposedSpec,
  quantileRank,
  quantileRanks,
  quantileWithInterval,
  replaySeries,
  roundOutward,
  simulate,
} from '../../functions/lab/induction/index.ts'
import { mulberry32 } from '../../functions/random/index.ts'
import { compile } from '../support/kernels.ts'
import { shopHistory, shopKernel } from './induction-planted.ts'

const big = () => new StepBudget('test', Number.POSITIVE_INFINITY, 0)

function choose(n: number, k: number): number {
  let c = 1
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i
  return c
}

describe('order statistics', () => {
  it('binomialCdf equals the direct sum of the pmf', () => {
    for (const [n, p] of [
      [1, 0.3],
      [10, 0.01],
      [25, 0.5],
      [40, 0.93],
    ] as const) {
      const cdf = binomialCdf(n, p)
      let s = 0
      for (let k = 0; k <= n; k++) {
        s += choose(n, k) * p ** k * (1 - p) ** (n - k)
        expect(cdf[k]).toBeCloseTo(s, 12)
      }
    }
  })

  it('the ranks bracket the quantile with at least the level, exactly by the binomial law', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 30, max: 3000 }),
        fc.double({ min: 0.001, max: 0.5, noNaN: true }),
        fc.constantFrom(0.8, 0.9, 0.95, 0.99),
        (n, p, level) => {
          const { lower, upper } = quantileRanks(n, p, level)
          const cdf = binomialCdf(n, p)
          // P(x_(l) <= ξ <= x_(u)) = P(l <= Bin <= u - 1), with rank 0 / n+1 the open ends
          const atMost = (k: number) => (k < 0 ? 0 : k >= n ? 1 : (cdf[k] as number))
          const coverage = atMost(upper - 1) - atMost(lower - 1)
          expect(coverage).toBeGreaterThanOrEqual(level - 1e-9)
          expect(lower).toBeLessThanOrEqual(quantileRank(n, p))
          expect(upper).toBeGreaterThanOrEqual(quantileRank(n, p))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('the interval contains the true quantile in about `level` of repeated seeded samples', () => {
    const trials = 400
    for (const [n, p, level] of [
      [200, 0.05, 0.9],
      [1000, 0.01, 0.95],
    ] as const) {
      let hits = 0
      for (let t = 0; t < trials; t++) {
        const r = mulberry32(1000 + t)
        const xs = Array.from({ length: n }, () => r()) // uniform: the p-quantile is p
        const { interval } = quantileWithInterval(xs, p, level, [0, 1])
        if (interval[0] <= p && p <= interval[1]) hits++
      }
      // discrete intervals are conservative: at least the level (minus sampling noise), not far above
      expect(hits / trials).toBeGreaterThan(level - 0.04)
      expect(hits / trials).toBeLessThan(Math.min(1, level + 0.045))
    }
  })

  it('rounds bounds outward so the history itself stays inside', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (x) => {
        expect(roundOutward(x, true)).toBeGreaterThanOrEqual(x)
        expect(roundOutward(x, false)).toBeLessThanOrEqual(x)
      }),
    )
  })
})

describe('induce on a planted history', () => {
  const k = compile(shopKernel)
  const events = shopHistory(7, 1000)
  const out = induce({ kernel: k, events, coverage: 0.99, level: 0.95 }, big())

  it('proposes the 1% quantile of a uniform score with an interval containing the true 0.01', () => {
    const q = out.thresholds.find((t) => t.invariant === 'Quality')
    expect(q).toBeDefined()
    expect(q?.current).toBe(0)
    expect(q?.n).toBe(1000)
    expect(q?.quantile).toBeCloseTo(0.01, 12)
    expect(q?.interval[0]).toBeLessThanOrEqual(0.01)
    expect(q?.interval[1]).toBeGreaterThanOrEqual(0.01)
    expect(q?.interval[0]).toBeLessThanOrEqual(q?.proposed as number)
    expect(q?.interval[1]).toBeGreaterThanOrEqual(q?.proposed as number)
    // a threshold that admitted 99% of past states refuses about 1% of past events when replayed
    const below = events.filter((e) => e.quality < (q?.proposed as number)).length
    expect(q?.simulation.refused).toBe(below)
    expect(below).toBeGreaterThanOrEqual(5)
    expect(below).toBeLessThanOrEqual(10)
  })

  it('recovers the planted refunds/amount ratio (tending to 0.03) and the planted bound amount <= 100', () => {
    const ratio = out.candidates.find((c) => c.basis.startsWith('ratio agg.refunds/agg.amount'))
    expect(ratio, JSON.stringify(out.candidates.map((c) => c.basis))).toBeDefined()
    const [lo, hi] = (ratio?.basis.match(/\[([^,]+), ([^\]]+)\]/)?.slice(1) ?? []).map(Number)
    expect(lo).toBeLessThan(0.03)
    expect(hi).toBeGreaterThan(0.03)
    expect(hi).toBeLessThan(0.06)
    expect(ratio?.simulation.refused).toBe(0)
    const biggest = out.candidates.find((c) => c.name === 'induced.range.biggest')
    expect(biggest).toBeDefined()
    const top = Number(biggest?.basis.match(/, ([^\]]+)\]/)?.[1])
    expect(top).toBeLessThanOrEqual(100)
    expect(top).toBeGreaterThan(99)
    // trends are not bounds: the growing sums and the count are never proposed as ranges
    expect(out.candidates.map((c) => c.name)).not.toContain('induced.range.amount')
    expect(out.candidates.map((c) => c.name)).not.toContain('induced.range.sales')
    expect(out.candidates.length).toBeLessThanOrEqual(10)
  })

  it('an augmented kernel refuses a later event breaking the induced bound', () => {
    const ratio = out.candidates.find((c) => c.basis.startsWith('ratio agg.refunds/agg.amount'))
    const aug = compile(proposedSpec(k.spec, ratio as NonNullable<typeof ratio>))
    let states = initialAggregates(aug)
    for (const e of events) states = step(aug, states, e).states
    const last = events.at(-1)
    const fine = gateBatch(aug, states, [{ id: 'ok', amount: 50, refund: 1, quality: 0.5 }], { last })
    expect(fine.rejected).toBeUndefined()
    const greedy = gateBatch(aug, states, [{ id: 'x', amount: 10, refund: 2000, quality: 0.5 }], { last })
    expect(greedy.rejected).toBe(0)
    expect(greedy.results[0]?.violations.map((v) => v.invariant)).toEqual([ratio?.name])
  })
})

describe('simulation', () => {
  it('counts exactly the events a direct re-evaluation of each prefix refuses', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0.2, max: 0.95, noNaN: true }),
        (seed, t) => {
          const k = compile({
            ...shopKernel,
            invariants: { ...shopKernel.invariants, Quality: { score: 'agg.quality', threshold: t } },
            gate: { on_torsion: 'reject', admit_improving: seed % 2 === 0 },
          })
          const events = shopHistory(seed, 60)
          const sim = simulate(k, events, big(), { firstSeq: 11 })
          let states = initialAggregates(k)
          const refusedAt: number[] = []
          events.forEach((e, i) => {
            const g = gateBatch(k, states, [e], { last: events[i - 1] })
            if (g.rejected !== undefined) refusedAt.push(11 + i)
            states = step(k, states, e).states
          })
          expect(sim.refused).toBe(refusedAt.length)
          expect(sim.refused_at).toEqual(refusedAt)
          expect(sim.first_refused?.seq).toBe(refusedAt[0])
          if (refusedAt[0] !== undefined) expect(sim.first_refused?.event_id).toBe(`e${refusedAt[0] - 10}`)
        },
      ),
      { numRuns: 25 },
    )
  })

  it('a window starting from given aggregates simulates like the whole history', () => {
    const k = compile({ ...shopKernel, invariants: { Q: { score: 'agg.quality', threshold: 0.3 } } })
    const events = shopHistory(3, 120)
    let start = initialAggregates(k)
    for (const e of events.slice(0, 50)) start = step(k, start, e).states
    const whole = simulate(k, events, big())
    const tail = simulate(k, events.slice(50), big(), { start, firstSeq: 51, before: events[49] })
    expect(tail.refused_at).toEqual(whole.refused_at.filter((s) => s > 50))
  })
})

describe('degenerate histories', () => {
  it('proposes nothing from fewer than 30 states, and no ratio over a denominator that stays zero', () => {
    const k = compile({
      id: 'z',
      aggregates: {
        x: { fold: 'sum', expr: 'event.x' },
        zero: { fold: 'sum', expr: '0' },
        q: { fold: 'last', expr: 'event.x' },
      },
      invariants: { I: { score: 'agg.q', threshold: 0 }, Flat: { score: '1.0', threshold: 0.5 } },
    })
    const r = mulberry32(5)
    const events = Array.from({ length: 200 }, (_, i) => ({ id: `z${i}`, x: r() }))
    expect(induce({ kernel: k, events: events.slice(0, 29) }, big())).toEqual({
      thresholds: [],
      candidates: [],
    })
    // a constant score has no quantile to speak of: only I gets a threshold proposal
    expect(induce({ kernel: k, events }, big()).thresholds.map((t) => t.invariant)).toEqual(['I'])
    const { values } = replaySeries(k, events, undefined, big())
    const cands = candidatesOf(k, values, big())
    expect(cands.some((c) => c.basis.includes('agg.zero'))).toBe(false)
    expect(cands.some((c) => c.name === 'induced.range.q')).toBe(true)
  })

  it('spends the budget: a small one is exceeded', () => {
    const k = compile(shopKernel)
    const tiny = new StepBudget('induction_steps', 5000, 1)
    expect(() => induce({ kernel: k, events: shopHistory(1, 500) }, tiny)).toThrow(/induction_steps/)
  })
})

describe('duplicated aggregates', () => {
  it('two aggregates that always agreed give one set of candidates, not two', () => {
    const k = compile({
      id: 'twins',
      aggregates: {
        paid: { fold: 'sum', expr: 'event.paid' },
        events: { fold: 'count' },
        traced: { fold: 'count', where: 'has(event.trace)' },
      },
      invariants: { I: { score: '1.0', threshold: 1 } },
    })
    const r = mulberry32(9)
    const events = Array.from({ length: 200 }, (_, i) => ({ id: `t${i}`, paid: 50 + 10 * r(), trace: 'x' }))
    const { values } = replaySeries(k, events, undefined, big())
    const names = candidatesOf(k, values, big()).map((c) => c.name)
    expect(names).toContain('induced.ratio.events.paid')
    expect(names.filter((n) => n.includes('traced'))).toEqual([])
    // once traced differs from events, it is a candidate of its own again
    const mixed = events.map((e, i) => (i % 3 === 0 ? { id: e.id, paid: e.paid } : e))
    const v2 = replaySeries(k, mixed, undefined, big()).values
    expect(candidatesOf(k, v2, big()).some((c) => c.name.includes('traced'))).toBe(true)
  })
})
