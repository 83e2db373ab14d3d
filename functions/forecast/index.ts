// TEMPORARY stand-in (replaced by the forecast branch at merge): seasonal naive only.
import type { StepBudget } from '../budget/index.ts'
export type ForecastModel = 'seasonal_naive' | 'holt_winters' | 'ar'
export interface ForecastOptions {
  horizon: number
  period: number
  level?: number
  models?: ForecastModel[]
}
export interface Backtest {
  model: ForecastModel
  mase: number | null
  mae: number | null
  origins: number
  skipped?: string
}
export interface Forecast {
  model: ForecastModel
  point: number[]
  lower: number[]
  upper: number[]
  level: number
  backtest: Backtest[]
  params: Record<string, number>
}
export function forecast(series: readonly number[], o: ForecastOptions, _budget?: StepBudget): Forecast {
  const p = Math.min(o.period, series.length) || 1
  const point = Array.from({ length: o.horizon }, (_, h) => series[series.length - p + (h % p)] ?? 0)
  return {
    model: 'seasonal_naive',
    point,
    lower: point,
    upper: point.map((x) => x * 1.1),
    level: 0.9,
    backtest: [{ model: 'seasonal_naive', mase: 1, mae: 0, origins: 0 }],
    params: {},
  }
}
