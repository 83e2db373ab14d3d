// Two-sided CUSUM (Page 1954) on robust z-scores against the causal baseline: detects level shifts, dates them
// to where the alarming sum last left zero, and restarts the baseline there. z is clipped so that one outlier
// alone cannot raise an alarm (a Huber-type CUSUM).
import type { StepBudget } from '../../budget/index.ts'
import { expectAt, zOf } from './baseline.ts'
import type { Anomaly } from './types.ts'

/** Reference value k (half the shift, in sd, the chart is tuned to: 1 sd) and the clip of each z. */
export const CUSUM_K = 0.5
export const CUSUM_CLIP = 3

export interface CusumParams {
  threshold: number
  warmup: number
  window: number
  period: number
}

export function cusum(series: readonly number[], p: CusumParams, budget?: StepBudget): Anomaly[] {
  const out: Anomaly[] = []
  let restart = 0
  let hi = 0
  let lo = 0
  let hiFrom = 0
  let loFrom = 0
  const expected: number[] = []
  for (let i = 0; i < series.length; i++) {
    const x = series[i] as number
    const e = expectAt(series, i, restart, p.window, p.warmup, p.period)
    budget?.spend(1 + (e?.cost ?? 0))
    expected.push(e ? e.expected : x)
    if (!e) continue
    const z = Math.max(-CUSUM_CLIP, Math.min(CUSUM_CLIP, zOf(x, e)))
    if (hi === 0) hiFrom = i
    if (lo === 0) loFrom = i
    hi = Math.max(0, hi + z - CUSUM_K)
    lo = Math.max(0, lo - z - CUSUM_K)
    if (hi <= p.threshold && lo <= p.threshold) continue
    const up = hi > p.threshold
    const from = up ? hiFrom : loFrom
    out.push({
      index: from,
      value: series[from] as number,
      expected: expected[from] as number,
      score: up ? hi : -lo,
      kind: 'level_shift',
      at: i,
    })
    restart = from
    hi = 0
    lo = 0
  }
  return out
}
