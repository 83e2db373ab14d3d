// Robust z-score detector: each point against the causal baseline (median and MAD of the cleaned trailing
// residuals); flagged points are replaced by their expectation in the history, so a spike does not hide the next.
import type { StepBudget } from '../../budget/index.ts'
import { expectAt, zOf } from './baseline.ts'
import type { Anomaly } from './types.ts'

export interface RobustZParams {
  threshold: number
  warmup: number
  window: number
  period: number
  shiftAfter: number
}

export function robustZ(series: readonly number[], p: RobustZParams, budget?: StepBudget): Anomaly[] {
  const clean: number[] = []
  const out: Anomaly[] = []
  let restart = 0
  // the current run of consecutive flags of one sign: its first index and its anomalies in `out`
  let runStart = -1
  let runSign = 0
  for (let i = 0; i < series.length; i++) {
    const x = series[i] as number
    const e = expectAt(clean, i, restart, p.window, p.warmup, p.period)
    budget?.spend(1 + (e?.cost ?? 0))
    const z = e ? zOf(x, e) : 0
    if (!e || Math.abs(z) <= p.threshold) {
      clean.push(x)
      runStart = -1
      runSign = 0
      continue
    }
    const sign = Math.sign(z)
    if (sign !== runSign) {
      runStart = i
      runSign = sign
    }
    out.push({ index: i, value: x, expected: e.expected, score: z, kind: z > 0 ? 'spike' : 'drop', at: i })
    clean.push(e.fill)
    if (i - runStart + 1 >= p.shiftAfter) {
      // persistent: a new level, not outliers. Date it to the run's start, restore the run's raw values and
      // restart the baseline there.
      const first = out.findIndex((a) => a.index === runStart)
      const head = out[first] as Anomaly
      out.splice(first, out.length - first, { ...head, kind: 'level_shift', at: i })
      for (let j = runStart; j <= i; j++) clean[j] = series[j] as number
      restart = runStart
      runStart = -1
      runSign = 0
    }
  }
  return out
}
