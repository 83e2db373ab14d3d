// Planted histories for the induction tests and bench: known score quantiles, ratios and bounds.
import { mulberry32 } from '../../functions/random/index.ts'
import type { KernelInput } from '../../schemas/kernel.ts'

/**
 * A shop: `amount` uniform in [10, 100], refunds a uniform share of it in [0, 0.06] (so refunds/amount tends
 * to 0.03), `quality` uniform in [0, 1] (so the Quality score's q-quantile is q). `amount` never exceeds 100.
 */
export const shopKernel: KernelInput = {
  id: 'shop',
  aggregates: {
    amount: { fold: 'sum', expr: 'event.amount' },
    refunds: { fold: 'sum', expr: 'event.refund' },
    sales: { fold: 'count' },
    biggest: { fold: 'max', expr: 'event.amount' },
    quality: { fold: 'last', expr: 'event.quality' },
  },
  invariants: {
    Quality: { score: 'agg.quality', threshold: 0 },
    Refund_Cap: { score: 'agg.amount == 0.0 ? 1.0 : 1.0 - agg.refunds / agg.amount', threshold: 0.5 },
  },
}

export interface ShopEvent {
  id: string
  amount: number
  refund: number
  quality: number
  [k: string]: unknown
}

/** `share`: refunds are a uniform share in [0, share] of each amount (refunds/amount tends to share / 2); `cap`: amounts in [10, cap]. */
export function shopHistory(seed: number, n: number, prefix = 'e', share = 0.06, cap = 100): ShopEvent[] {
  const r = mulberry32(seed)
  return Array.from({ length: n }, (_, i) => {
    const amount = 10 + (cap - 10) * r()
    return { id: `${prefix}${i + 1}`, amount, refund: amount * share * r(), quality: r() }
  })
}
