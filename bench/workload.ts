// The benchmark workload: a 10-invariant kernel over 10 aggregates and a stream of admissible events.
import type { KernelInput } from '../schemas/kernel.ts'

export const benchKernel: KernelInput = {
  id: 'bench-payments',
  aggregates: {
    n: { fold: 'count' },
    amount: { fold: 'sum', expr: 'event.amount' },
    amount_mean: { fold: 'mean', expr: 'event.amount' },
    amount_max: { fold: 'max', expr: 'event.amount' },
    amount_min: { fold: 'min', expr: 'event.amount' },
    last_amount: { fold: 'last', expr: 'event.amount' },
    latency: { fold: 'ewma', alpha: 0.1, expr: 'event.latency_ms' },
    traced: { fold: 'count', where: 'has(event.trace_id)' },
    refunds: { fold: 'sum', expr: 'event.amount', where: "event.kind == 'refund'" },
    big: { fold: 'count', where: 'event.amount > 900' },
  },
  invariants: {
    Traceability: { score: 'agg.n == 0 ? 1 : agg.traced / agg.n', threshold: 0.99, weight: 2 },
    Mean_Bound: { score: 'agg.amount_mean <= 1000 ? 1 : 1000 / agg.amount_mean', threshold: 1 },
    Max_Bound: { score: 'agg.amount_max <= 5000 ? 1 : 0', threshold: 1 },
    Min_Positive: { score: 'agg.amount_min >= 0 ? 1 : 0', threshold: 1 },
    Latency: { score: 'clamp(1 - agg.latency / 1000, 0, 1)', threshold: 0.5 },
    Refund_Ratio: { score: 'agg.amount == 0 ? 1 : 1 - agg.refunds / agg.amount', threshold: 0.9 },
    Big_Share: { score: 'agg.n == 0 ? 1 : 1 - agg.big / agg.n', threshold: 0.5 },
    Event_Sane: { score: 'event.amount >= 0 && event.amount <= 5000 ? 1 : 0', threshold: 1 },
    Last_Bound: { score: 'agg.last_amount <= 5000 ? 1 : 0', threshold: 1 },
    Kind_Known: { score: "event.kind in ['sale', 'refund', 'transfer'] ? 1 : 0", threshold: 1 },
  },
  gate: { on_torsion: 'reject', admit_improving: false },
}

/** Deterministic admissible events (a small LCG, so runs are comparable). */
export function* events(prefix: string, seed = 1): Generator<Record<string, unknown> & { id: string }> {
  let x = seed >>> 0
  const rnd = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    return x / 2 ** 32
  }
  for (let i = 0; ; i++) {
    const refund = rnd() < 0.05
    yield {
      id: `${prefix}-${i}`,
      kind: refund ? 'refund' : rnd() < 0.8 ? 'sale' : 'transfer',
      amount: Math.round((refund ? 20 : 1000) * rnd() * 100) / 100,
      latency_ms: Math.round(300 * rnd()),
      trace_id: `tr-${prefix}-${i}`,
      merchant: `m-${Math.floor(rnd() * 500)}`,
    }
  }
}

export const take = <T>(g: Generator<T>, n: number): T[] =>
  Array.from({ length: n }, () => g.next().value as T)
