// Work budget of a forecast: steps calibrated to CPU milliseconds (docs/forecast.md, "Budget"), and the size limits.
import { StepBudget } from '../budget/index.ts'

/**
 * One step is one time point through a model's recurrence (a Holt-Winters update with its squared error, a
 * seasonal-naive forecast, one row-by-column entry of a least-squares fit). Measured on the reference machine
 * with `npm run bench -- forecast`: about 100,000 steps per CPU ms on long series (where budgets bind), fewer
 * on short ones whose fixed costs (about 1 ms) no budget could refuse anyway; half that rate keeps the
 * milliseconds an upper estimate.
 */
export const STEPS_PER_MS = 50_000

/**
 * CPU milliseconds one forecast request may spend: enough for the longest series with every model (about
 * 11 million steps at most: two Holt-Winters fits of 245 evaluations, two AR fits of orders 0..8, 20 origins).
 */
export const FORECAST_CPU_MS = 250

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
