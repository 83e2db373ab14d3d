// Seeded kernels with planted holes (and two without) for the stress tester's tests and bench.

import type { Finding, StressInput } from '../../functions/lab/stress/index.ts'
import { type KernelInput, KernelSpec } from '../../schemas/kernel.ts'

export interface PlantedCase {
  name: string
  /** The hole, in words; null for a kernel whose gate enforces the intent. */
  hole: string | null
  /** The finding the hole must produce (kind and intent); absent for the no-hole kernels. */
  expect?: { kind: Finding['kind']; intent: string }
  input: StressInput
}

const kernel = (k: KernelInput) => KernelSpec.parse(k)
const int = (min: number, max: number) => ({ kind: 'number' as const, min, max, integer: true })

export const PLANTED: PlantedCase[] = [
  {
    name: 'mean-vs-max',
    hole: 'the invariant caps the mean of x; the intent bounds its max: small events build room for one big one',
    expect: { kind: 'intent', intent: 'big_item' },
    input: {
      kernel: kernel({
        id: 'mean-vs-max',
        aggregates: { mean_x: { fold: 'mean', expr: 'event.x' }, max_x: { fold: 'max', expr: 'event.x' } },
        invariants: { Mean_Cap: { score: 'agg.mean_x <= 10 ? 1 : 0', threshold: 1 } },
      }),
      intents: [{ name: 'big_item', never: 'agg.max_x > 50' }],
      fields: { x: int(0, 100) },
    },
  },
  {
    name: 'ratio-after-ten',
    hole: 'the return ratio is checked only once more than 10 events were folded',
    expect: { kind: 'intent', intent: 'spoliation' },
    input: {
      kernel: kernel({
        id: 'ratio-after-ten',
        aggregates: {
          n: { fold: 'count' },
          contributed: { fold: 'sum', expr: 'event.contributed' },
          returned: { fold: 'sum', expr: 'event.returned' },
        },
        invariants: {
          Fair_Return: { score: 'agg.n <= 10 ? 1 : min(1, agg.returned / agg.contributed)', threshold: 0.5 },
        },
      }),
      intents: [{ name: 'spoliation', never: 'agg.contributed > 0 && agg.returned / agg.contributed < 0.5' }],
      fields: { contributed: int(1, 100), returned: int(0, 100) },
    },
  },
  {
    name: 'admit-improving',
    hole: 'from an insolvent state, admit_improving lets in an event that repays debt while charging a fee above the cap',
    expect: { kind: 'policy', intent: 'fee_gouging' },
    input: {
      kernel: kernel({
        id: 'admit-improving',
        aggregates: {
          debt: { fold: 'sum', expr: 'event.debt_delta' },
          fees: { fold: 'sum', expr: 'event.fee' },
        },
        invariants: {
          Solvency: { score: 'clamp(1 - agg.debt / 100, 0, 1)', threshold: 0.5 },
          Fee_Cap: { score: 'agg.fees <= 30 ? 1 : 0', threshold: 1, weight: 0.01 },
        },
        gate: { on_torsion: 'reject', admit_improving: true },
      }),
      intents: [{ name: 'fee_gouging', never: 'agg.fees > 30' }],
      fields: { debt_delta: int(-60, 20), fee: int(0, 40) },
      start: { aggregates: { debt: { n: 1, v: 80, c: 0 }, fees: { n: 1, v: 0, c: 0 } } },
    },
  },
  {
    name: 'refunds-all-time',
    hole: 'refunds are bounded to 20% of sales over all time; the intent bounds them over any 10 events',
    expect: { kind: 'intent', intent: 'refund_burst' },
    input: {
      kernel: kernel({
        id: 'refunds-all-time',
        aggregates: {
          sales: { fold: 'sum', expr: 'event.amount', where: "event.kind == 'sale'" },
          refunds: { fold: 'sum', expr: 'event.amount', where: "event.kind == 'refund'" },
        },
        invariants: { Refund_Ratio: { score: 'agg.refunds <= 0.2 * agg.sales ? 1 : 0', threshold: 1 } },
      }),
      intents: [{ name: 'refund_burst', never: 'win.refunds > 0.2 * win.sales', window: 10 }],
      fields: { kind: { kind: 'enum', values: ['sale', 'refund'] }, amount: int(1, 1000) },
    },
  },
  {
    name: 'threshold-exact',
    hole: 'the share threshold 0.5 admits a share of exactly 0.5; the intent wants it strictly above',
    expect: { kind: 'intent', intent: 'half_or_less' },
    input: {
      kernel: kernel({
        id: 'threshold-exact',
        aggregates: {
          contributed: { fold: 'sum', expr: 'event.contributed' },
          returned: { fold: 'sum', expr: 'event.returned' },
        },
        invariants: {
          Share: {
            score: 'agg.contributed == 0 ? 1 : min(1, agg.returned / agg.contributed)',
            threshold: 0.5,
          },
        },
      }),
      intents: [
        { name: 'half_or_less', never: 'agg.contributed > 0 && agg.returned / agg.contributed <= 0.5' },
      ],
      fields: { contributed: int(1, 1000), returned: int(0, 1000) },
    },
  },
  {
    name: 'flag-policy',
    hole: 'the gate flags a negative balance instead of refusing it',
    expect: { kind: 'policy', intent: 'overdrawn' },
    input: {
      kernel: kernel({
        id: 'flag-policy',
        aggregates: { balance: { fold: 'sum', expr: 'event.delta' } },
        invariants: { Balance: { score: 'agg.balance >= 0 ? 1 : 0', threshold: 1 } },
        gate: { on_torsion: 'flag', admit_improving: false },
      }),
      intents: [{ name: 'overdrawn', never: 'agg.balance < -100' }],
      fields: { delta: int(-100, 100) },
    },
  },
  {
    name: 'per-event-cap',
    hole: 'each event is capped at 150 but nothing bounds three in a row',
    expect: { kind: 'intent', intent: 'surge' },
    input: {
      kernel: kernel({
        id: 'per-event-cap',
        aggregates: { total: { fold: 'sum', expr: 'event.amount' } },
        invariants: { Event_Cap: { score: 'event.amount <= 150 ? 1 : 0', threshold: 1 } },
      }),
      intents: [{ name: 'surge', never: 'win.total > 400', window: 3 }],
      fields: { amount: int(0, 300) },
    },
  },
  {
    name: 'threshold-exact-wide',
    hole: 'as threshold-exact, over amounts up to 100,000: a random pair rarely lands on exactly one half',
    expect: { kind: 'intent', intent: 'half_or_less' },
    input: {
      kernel: kernel({
        id: 'threshold-exact-wide',
        aggregates: {
          contributed: { fold: 'sum', expr: 'event.contributed' },
          returned: { fold: 'sum', expr: 'event.returned' },
        },
        invariants: {
          Share: {
            score: 'agg.contributed == 0 ? 1 : min(1, agg.returned / agg.contributed)',
            threshold: 0.5,
          },
        },
      }),
      intents: [
        { name: 'half_or_less', never: 'agg.contributed > 0 && agg.returned / agg.contributed <= 0.5' },
      ],
      fields: { contributed: int(1, 100_000), returned: int(0, 100_000) },
    },
  },
  {
    name: 'mean-vs-max-deep',
    hole: 'as mean-vs-max, but the big item needs 40 events of slack first (mean <= 10, max > 400)',
    expect: { kind: 'intent', intent: 'big_item' },
    input: {
      kernel: kernel({
        id: 'mean-vs-max-deep',
        aggregates: { mean_x: { fold: 'mean', expr: 'event.x' }, max_x: { fold: 'max', expr: 'event.x' } },
        invariants: { Mean_Cap: { score: 'agg.mean_x <= 10 ? 1 : 0', threshold: 1 } },
      }),
      intents: [{ name: 'big_item', never: 'agg.max_x > 400' }],
      fields: { x: { kind: 'number', min: 0, max: 1000 } },
      max_length: 60,
    },
  },
  {
    name: 'no-hole-mirror',
    hole: null,
    input: {
      kernel: kernel({
        id: 'no-hole-mirror',
        aggregates: { balance: { fold: 'sum', expr: 'event.delta' } },
        invariants: { Balance: { score: 'agg.balance >= 0 ? 1 : 0', threshold: 1 } },
      }),
      intents: [{ name: 'overdrawn', never: 'agg.balance < 0' }],
      fields: { delta: int(-100, 100) },
    },
  },
  {
    name: 'no-hole-window-cap',
    hole: null,
    input: {
      kernel: kernel({
        id: 'no-hole-window-cap',
        aggregates: { total: { fold: 'sum', expr: 'event.amount' } },
        invariants: { Event_Cap: { score: 'event.amount <= 100 ? 1 : 0', threshold: 1 } },
      }),
      intents: [{ name: 'surge', never: 'win.total > 300', window: 3 }],
      fields: { amount: int(0, 200) },
    },
  },
  {
    name: 'no-hole-mean',
    hole: null,
    input: {
      kernel: kernel({
        id: 'no-hole-mean',
        aggregates: { mean_x: { fold: 'mean', expr: 'event.x' } },
        invariants: { Mean_Cap: { score: 'agg.mean_x <= 10 ? 1 : 0', threshold: 1 } },
        gate: { on_torsion: 'reject', admit_improving: true },
      }),
      intents: [{ name: 'mean_above', never: 'agg.mean_x > 10' }],
      fields: { x: { kind: 'number', min: 0, max: 100 } },
    },
  },
]
