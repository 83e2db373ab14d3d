// Anomaly detection: held-out false-positive rate and recall on planted anomalies, properties of the robust z
// (shift and scale invariance, silence on constant and purely seasonal series), budget and input refusals.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BudgetExceededError, StepBudget } from '../../functions/budget/index.ts'
import {
  AnomalyInputError,
  detect,
  localLine,
  median,
  robustScale,
} from '../../functions/lab/anomaly/index.ts'
import { mulberry32 } from '../../functions/random/index.ts'
import { HELD_OUT_SEEDS, rates, scoreSeeds } from './anomaly-traces.ts'

// Held-out seeds 101-110 (defaults were chosen on seeds 1-20). Measured 2026-12-01 (bench/lab-anomaly.ts):
// robust_z FPR 0.52 %, recall 86.2 % (demand streams: FPR 0.53 %, recall 96.6 %); cusum FPR 1.6 %, recall 22.6 %.
const HELD = HELD_OUT_SEEDS.slice(0, 10)
const SLOW = 120_000
let zAll: ReturnType<typeof rates> | undefined
const robustAll = () => {
  zAll ??= rates(scoreSeeds(HELD, {}))
  return zAll
}

describe('planted anomalies on held-out seeds', () => {
  it(
    'robust_z (the default) keeps the false-positive rate under 1 % and finds at least 82 % of them',
    () => {
      const r = robustAll()
      expect(r.fpr).toBeLessThan(0.01)
      expect(r.recall).toBeGreaterThan(0.82)
      expect(r.delay).toBeLessThan(2)
    },
    SLOW,
  )
  it(
    'on orchestrator demand it finds at least 95 % at under 1.2 % false positives',
    () => {
      const r = rates(scoreSeeds(HELD, {}, (s) => s.name.startsWith('demand:')))
      expect(r.fpr).toBeLessThan(0.012)
      expect(r.recall).toBeGreaterThan(0.94)
    },
    SLOW,
  )
  it(
    'CUSUM, the compared method, finds fewer at a higher false-positive rate (why it is not the default)',
    () => {
      const z = robustAll()
      const c = rates(scoreSeeds(HELD, { method: 'cusum' }))
      expect(c.recall).toBeLessThan(z.recall)
      expect(c.fpr).toBeGreaterThan(z.fpr)
    },
    SLOW,
  )
})

describe('a planted spike, drop and level shift on a noisy level', () => {
  const rand = mulberry32(7)
  const xs = Array.from({ length: 300 }, () => 100 + 4 * (rand() - 0.5))
  xs[120] = 160
  xs[180] = 40
  for (let i = 240; i < 300; i++) xs[i] = (xs[i] as number) + 50
  it('flags each where it was planted, with its kind, and nothing else', () => {
    const d = detect(xs, {})
    expect(d.anomalies.map((a) => [a.index, a.kind])).toEqual([
      [120, 'spike'],
      [180, 'drop'],
      [240, 'level_shift'],
    ])
    const spike = d.anomalies[0]
    expect(spike?.expected).toBeGreaterThan(97)
    expect(spike?.expected).toBeLessThan(103)
    // the level shift is known after shift_after (5) flags in a row
    expect(d.anomalies[2]?.at).toBe(244)
  })
  it('CUSUM dates the level shift to where it began', () => {
    const d = detect(xs, { method: 'cusum' })
    expect(d.anomalies.some((a) => a.kind === 'level_shift' && Math.abs(a.index - 240) <= 1)).toBe(true)
  })
})

const ints = (min: number, max: number) =>
  fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: min, maxLength: max })

describe('noise alone', () => {
  it(
    'i.i.d. uniform and normal noise is flagged at under 0.05 % of points (200 seeded series)',
    () => {
      let flags = 0
      let points = 0
      for (let seed = 1; seed <= 200; seed++) {
        const r = mulberry32(seed)
        const xs = Array.from(
          { length: 60 + (seed % 140) },
          () =>
            100 + (seed % 2 ? r() - 0.5 : Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())),
        )
        flags += detect(xs, {}).anomalies.length
        points += xs.length
      }
      expect(flags / points).toBeLessThan(0.0005)
    },
    SLOW,
  )
  it('regression: a flagged point does not feed the line slope back into the history (a runaway of drops)', () => {
    // with the extrapolated value as the fill, this calm series gave 16 drops in a row-ish after index 15
    const r = mulberry32(11)
    const calm = Array.from({ length: 60 }, () => 250 * (1 + 0.04 * (r() - 0.5)))
    expect(detect(calm, { warmup: 12 }).anomalies.length).toBeLessThanOrEqual(2)
    expect(detect(calm, {}).anomalies).toEqual([])
  })
})

describe('properties', () => {
  it('robust z is invariant to shifting and positive scaling of the series', () => {
    fc.assert(
      fc.property(
        ints(20, 120),
        fc.constantFrom(0.5, 2, 8, 1000),
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.constantFrom(1, 5),
        (xs, a, b, period) => {
          const d0 = detect(xs, { period })
          const d1 = detect(
            xs.map((x) => a * x + b),
            { period },
          )
          const near = (s: number) => Math.abs(Math.abs(s) - 5) < 1e-6
          const key = (d: typeof d0) =>
            d.anomalies
              .filter((x) => !near(x.score) && Math.abs(x.score) < 1e8)
              .map((x) => `${x.index}:${x.kind}`)
          expect(key(d1)).toEqual(key(d0))
          for (const x of d1.anomalies) {
            const y = d0.anomalies.find((o) => o.index === x.index)
            if (y && Math.abs(y.score) < 1e8) expect(x.score).toBeCloseTo(y.score, 6)
          }
        },
      ),
      { numRuns: 60 },
    )
  })
  it('finds nothing on a constant series', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        fc.integer({ min: 0, max: 300 }),
        fc.constantFrom('robust_z' as const, 'cusum' as const),
        fc.integer({ min: 1, max: 30 }),
        (c, n, method, period) => {
          expect(detect(new Array<number>(n).fill(c), { method, period }).anomalies).toEqual([])
        },
      ),
      { numRuns: 60 },
    )
  })
  it('finds nothing on a purely seasonal series, however spiky its cycle', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom('robust_z' as const, 'cusum' as const),
        (cycle, cycles, method) => {
          const xs = Array.from(
            { length: cycle.length * (cycles + 2) },
            (_, i) => cycle[i % cycle.length] as number,
          )
          expect(detect(xs, { method, period: cycle.length }).anomalies).toEqual([])
        },
      ),
      { numRuns: 60 },
    )
  })
  it('median, MAD scale and the local line agree with brute force on small inputs', () => {
    fc.assert(
      fc.property(ints(1, 15), (xs) => {
        const s = [...xs].sort((a, b) => a - b)
        const m = median(xs)
        // at least half the points on each side of the median
        expect(s.filter((x) => x <= m).length).toBeGreaterThanOrEqual(xs.length / 2)
        expect(s.filter((x) => x >= m).length).toBeGreaterThanOrEqual(xs.length / 2)
        expect(robustScale(xs)).toBeGreaterThanOrEqual(0)
      }),
    )
    // a straight line is extrapolated exactly, with zero residuals
    const line = localLine([3, 5, 7, 9, 11, 13, 15, 17])
    expect(line.next).toBe(19)
    expect(line.residuals.every((r) => r === 0)).toBe(true)
    // 1.4826 x MAD of a sample: MAD of [1, 2, 3, 4, 100] around 3 is 1
    expect(robustScale([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 10)
  })
})

describe('refusals', () => {
  it('a budget too small for the series is a BudgetExceededError naming anomaly_steps', () => {
    const xs = Array.from({ length: 500 }, (_, i) => i % 7)
    expect(() => detect(xs, {}, new StepBudget('anomaly_steps', 1000, 1))).toThrow(BudgetExceededError)
  })
  it('non-finite values and options out of range are AnomalyInputError with a pointer', () => {
    expect(() => detect([1, 2, Number.NaN], {})).toThrow(AnomalyInputError)
    expect(() => detect([1, 2, 3], { period: 0 })).toThrow(AnomalyInputError)
    expect(() => detect([1, 2, 3], { threshold: -1 })).toThrow(AnomalyInputError)
    expect(() => detect([1, 0, 3], { transform: 'log' })).toThrow(AnomalyInputError)
    try {
      detect([1, Number.POSITIVE_INFINITY], {})
    } catch (e) {
      expect((e as AnomalyInputError).pointer).toBe('/series/1')
    }
  })
})
