// Seasonal naive: each step repeats the value one season earlier (the naive forecast when the period is 1).
import type { StepBudget } from '../budget/index.ts'
import type { Fitted, Forecaster } from './model.ts'

/** y_hat(T + j) = y(T + j - m (floor((j - 1) / m) + 1)), from y[0..origin). */
export function seasonalNaiveFrom(y: readonly number[], origin: number, m: number, h: number): number[] {
  const out: number[] = []
  for (let j = 1; j <= h; j++) out.push(y[origin - 1 + j - m * (Math.floor((j - 1) / m) + 1)] as number)
  return out
}

export const seasonalNaive: Forecaster = {
  model: 'seasonal_naive',
  minLength: (m) => m,
  fit(_train, m): Fitted {
    return {
      model: 'seasonal_naive',
      params: { period: m },
      forecastFrom: (y, origin, h, budget: StepBudget) => {
        budget.spend(h)
        return seasonalNaiveFrom(y, origin, m, h)
      },
    }
  },
}
