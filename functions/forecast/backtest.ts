// Rolling-origin backtest (Tashman 2000) with MASE (Hyndman & Koehler 2006) and MAE, the basis of model choice.
//
// Origins o_1 < ... < o_K end at n - h and are spaced s = max(1, round(m / K)) apart, so with a season they
// sample about one season of phases. A model is fitted once on y[0..o_1) and then only updated (its states
// run forward over the actuals, no refit) to forecast y[o..o+h) from each origin: no look-ahead, and cheap.
// The error at origin o is scaled by q_o, the in-sample seasonal-naive MAE on y[0..o):
//   q_o = mean_{t=m..o-1} |y_t - y_{t-m}|,  MASE = mean over origins and steps of |y - y_hat| / q_o.
// When some q_o is 0 (a constant stretch), MASE is undefined (null) and the choice falls back to MAE.
import type { StepBudget } from '../budget/index.ts'
import type { Fitted } from './model.ts'
import type { ForecastModel } from './types.ts'

/** At most k origins ending at n - h, spaced max(1, round(m / k)) apart, none before `earliest`. */
export function rollingOrigins(n: number, h: number, m: number, k: number, earliest: number): number[] {
  const s = Math.max(1, Math.round(m / k))
  const out: number[] = []
  for (let i = 0; i < k; i++) {
    const o = n - h - i * s
    if (o < earliest) break
    out.push(o)
  }
  return out.reverse()
}

/** q_o for each origin: the seasonal-naive in-sample MAE on y[0..o) (needs o > m). */
export function naiveScales(y: readonly number[], m: number, origins: readonly number[]): number[] {
  const out: number[] = []
  let sum = 0
  let t = m
  for (const o of origins) {
    for (; t < o; t++) sum += Math.abs((y[t] as number) - (y[t - m] as number))
    out.push(sum / (o - m))
  }
  return out
}

export interface BacktestRun {
  model: ForecastModel
  mase: number | null
  mae: number
  /** errors[j][i]: actual - forecast at step j + 1 from origin i. */
  errors: number[][]
  origins: number
}

export function backtest(
  y: readonly number[],
  fitted: Fitted,
  origins: readonly number[],
  scales: readonly number[],
  h: number,
  budget: StepBudget,
): BacktestRun {
  const errors: number[][] = Array.from({ length: h }, () => [])
  let abs = 0
  let scaled = 0
  const defined = scales.every((q) => q > 0)
  origins.forEach((o, i) => {
    const f = fitted.forecastFrom(y, o, h, budget)
    for (let j = 0; j < h; j++) {
      const e = (y[o + j] as number) - (f[j] as number)
      ;(errors[j] as number[]).push(e)
      abs += Math.abs(e)
      if (defined) scaled += Math.abs(e) / (scales[i] as number)
    }
  })
  const count = origins.length * h
  return {
    model: fitted.model,
    mase: defined ? scaled / count : null,
    mae: abs / count,
    errors,
    origins: origins.length,
  }
}
