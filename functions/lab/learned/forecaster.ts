// The stored LSTM as a forecaster of functions/forecast: no per-series fit (one global model), a budgeted forecast.
import type { StepBudget } from '../../budget/index.ts'
import { FORECAST_CPU_MS, STEPS_PER_MS } from '../../forecast/budgets.ts'
import type { Fitted, Forecaster } from '../../forecast/model.ts'
import { cellWork, type LstmWeights, lstmForecast, lstmMinLength, parameterCount } from './lstm.ts'
import stored from './lstm-weights.json' with { type: 'json' }

export const LSTM_WEIGHTS = stored as LstmWeights

/**
 * Multiply-adds of the forward pass per forecast budget step. A budget step is calibrated at 50,000 per CPU ms
 * (functions/forecast/budgets.ts); `npm run bench -- lab` measures the forward pass (bench/lab-lstm.ts) at about
 * twice that rate in steps counted this way, so the milliseconds stay an upper estimate.
 */
export const LSTM_WORK_PER_STEP = 2

/**
 * Budget steps an unnamed LSTM may cost a forecast request: a tenth of the request's budget (25 CPU ms), so that
 * adding it to the default models never turns a request the classic models answer (at most about 11 million of
 * the 12.5 million steps) into a budget refusal. Named in `models`, it may spend the whole budget.
 */
export const LSTM_DEFAULT_STEPS = (FORECAST_CPU_MS * STEPS_PER_MS) / 10

/**
 * Seasons an unnamed LSTM is tried for: those of the families it was trained and judged on (12, 24 and 48 steps;
 * docs/kernel-lab-lstm.md). Elsewhere (no season, long seasons) there is no held-out evidence that it wins, so it
 * runs only when named.
 */
export const LSTM_DEFAULT_PERIODS = { min: 12, max: 48 } as const

/** Whether an unnamed LSTM is tried for season m and horizon h: within its seasons and its share of the budget. */
export const lstmByDefault = (m: number, h: number, origins: number): string | undefined => {
  if (m < LSTM_DEFAULT_PERIODS.min || m > LSTM_DEFAULT_PERIODS.max)
    return `tried unless named only for periods ${LSTM_DEFAULT_PERIODS.min} to ${LSTM_DEFAULT_PERIODS.max}, where it was shown to win`
  const cost = lstmSteps(origins + 1, h)
  if (cost > LSTM_DEFAULT_STEPS)
    return `would spend about ${cost} budget steps, more than the ${LSTM_DEFAULT_STEPS} it gets unless named in models`
  return undefined
}

/** Budget steps of `forecasts` forecasts of horizon h with the stored weights (a backtest is origins + the final one). */
export const lstmSteps = (forecasts: number, h: number, w: LstmWeights = LSTM_WEIGHTS): number =>
  forecasts * (w.context + h - 1) * Math.ceil(cellWork(w) / LSTM_WORK_PER_STEP)

export function lstmForecasterOf(w: LstmWeights): Forecaster {
  return {
    model: 'lstm',
    minLength: (m) => lstmMinLength(w, m),
    fit(_train, m): Fitted {
      return {
        model: 'lstm',
        params: { hidden: w.hidden, context: w.context, parameters: parameterCount(w), period: m },
        forecastFrom: (y, origin, h, budget: StepBudget) =>
          lstmForecast(w, y, origin, m, h, (work) => budget.spend(Math.ceil(work / LSTM_WORK_PER_STEP))),
      }
    },
  }
}

/** The forecaster over the weights stored in the repository. */
export const lstmForecaster: Forecaster = lstmForecasterOf(LSTM_WEIGHTS)
