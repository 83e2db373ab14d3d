// Work budget of a forecast: steps calibrated to CPU milliseconds (docs/forecast.md, "Budget"), and the size limits.
import { StepBudget } from '../budget/index.ts'

/**
 * One step is one time point through a model's recurrence (a Holt-Winters update with its squared error, a
 * seasonal-naive error, a row-by-column product of a least-squares fit). Measured on the reference machine
 * with `npm run bench -- forecast`: 60,000 to 200,000 steps per CPU ms by model; the low end keeps the
 * milliseconds an upper estimate.
 */
export const STEPS_PER_MS = 50_000

/** CPU milliseconds one forecast request may spend. */
export const FORECAST_CPU_MS = 200

/** Longest series a forecast accepts (e.g. 34 days of 5-minute steps). */
export const MAX_SERIES = 10_000
/** Longest season and horizon, in steps. */
export const MAX_PERIOD = 2_000
export const MAX_HORIZON = 2_000

/** Rolling origins of the backtest unless the caller asks for fewer or more. */
export const DEFAULT_ORIGINS = 20
export const MAX_ORIGINS = 100

/** Objective evaluations one Holt-Winters fit may spend (45 grid points, the rest Nelder-Mead). */
export const HW_MAX_EVALS = 245

/** Highest AR order AIC chooses from. */
export const AR_MAX_ORDER = 8

export const forecastBudget = (): StepBudget =>
  new StepBudget('forecast_steps', FORECAST_CPU_MS * STEPS_PER_MS, FORECAST_CPU_MS)
