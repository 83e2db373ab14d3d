// What every forecaster provides: the shortest training series it needs, a fit, and forecasts from any origin.
import type { StepBudget } from '../budget/index.ts'
import type { ForecastModel } from './types.ts'

export interface Fitted {
  model: ForecastModel
  params: Record<string, number>
  /** Forecasts y[origin..origin+h) from y[0..origin) with the fitted parameters (no refit: rolling-origin updating). */
  forecastFrom(y: readonly number[], origin: number, h: number, budget: StepBudget): number[]
}

export interface Forecaster {
  model: ForecastModel
  /** Fewest training points the model fits on, for season length m. */
  minLength(m: number): number
  fit(train: readonly number[], m: number, budget: StepBudget): Fitted
}
