// forecast(): backtest each model by rolling origin, choose the lowest MASE, refit it on the whole series, and
// put empirical prediction intervals around its forecast.
import { BudgetExceededError, type StepBudget } from '../budget/index.ts'
import { lstmByDefault, lstmForecaster } from '../lab/learned/forecaster.ts'
import { ar } from './ar.ts'
import { type BacktestRun, backtest, naiveScales, rollingOrigins } from './backtest.ts'
import {
  DEFAULT_ORIGINS,
  FORECAST_CPU_MS,
  forecastBudget,
  MAX_HORIZON,
  MAX_ORIGINS,
  MAX_PERIOD,
  MAX_SERIES,
} from './budgets.ts'
import { holtWinters } from './holt-winters.ts'
import type { Forecaster } from './model.ts'
import { normalQuantile, quantile } from './numeric.ts'
import { seasonalNaive } from './seasonal-naive.ts'
import {
  type Backtest,
  type Forecast,
  ForecastInputError,
  type ForecastModel,
  type ForecastOptions,
  MODELS,
} from './types.ts'

const FORECASTERS: Record<ForecastModel, Forecaster> = {
  seasonal_naive: seasonalNaive,
  holt_winters: holtWinters,
  ar,
  lstm: lstmForecaster,
}

/** Relative difference under which two backtest errors tie (and the simpler model wins). */
const TIE = 1e-9

const isInt = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi

function check(series: readonly number[], o: ForecastOptions): void {
  if (series.length === 0) throw new ForecastInputError('empty', 'the series is empty')
  if (series.length > MAX_SERIES)
    throw new BudgetExceededError(
      'forecast_series',
      MAX_SERIES,
      'items',
      FORECAST_CPU_MS,
      `the series has ${series.length} points, more than the ${MAX_SERIES} a forecast accepts`,
    )
  if (!series.every(Number.isFinite))
    throw new ForecastInputError('not_finite', 'the series holds a non-finite value')
  if (!isInt(o.horizon, 1, MAX_HORIZON))
    throw new ForecastInputError('horizon', `the horizon must be an integer from 1 to ${MAX_HORIZON}`)
  if (!isInt(o.period, 1, MAX_PERIOD))
    throw new ForecastInputError('period', `the period must be an integer from 1 to ${MAX_PERIOD}`)
  if (o.level !== undefined && !(o.level > 0 && o.level < 1))
    throw new ForecastInputError('level', 'the level must lie strictly between 0 and 1')
  if (o.models && (o.models.length === 0 || o.models.some((m) => !MODELS.includes(m))))
    throw new ForecastInputError('models', `models must be a non-empty list of ${MODELS.join(', ')}`)
  if (o.origins !== undefined && !isInt(o.origins, 1, MAX_ORIGINS))
    throw new ForecastInputError('origins', `origins must be an integer from 1 to ${MAX_ORIGINS}`)
  if (o.interval !== undefined && o.interval !== 'normal' && o.interval !== 'empirical')
    throw new ForecastInputError('interval', "interval must be 'normal' or 'empirical'")
}

/** Fewest points a model needs before its first backtest origin: its own minimum, and m + 1 for the MASE scale. */
export const trainingMinimum = (model: ForecastModel, period: number): number =>
  Math.max(FORECASTERS[model].minLength(period), period + 1)

/** Fewest series points with which `forecast` answers (some model fits one backtest origin of the horizon). */
export function minimumLength(options: ForecastOptions): number {
  const models = options.models ?? MODELS
  return Math.min(...models.map((m) => trainingMinimum(m, options.period))) + options.horizon
}

/** Which run has the smaller error: MASE when defined, MAE otherwise; within TIE, the earlier (simpler) one. */
function better(a: BacktestRun, b: BacktestRun): boolean {
  const ka = a.mase ?? a.mae
  const kb = b.mase ?? b.mae
  return ka < kb - TIE * Math.abs(kb)
}

export function forecast(series: readonly number[], options: ForecastOptions, budget?: StepBudget): Forecast {
  check(series, options)
  const spend = budget ?? forecastBudget()
  const start = spend.spent
  spend.spend(2 * series.length) // the checks, the scales and the training copy
  const { horizon: h, period: m } = options
  const level = options.level ?? 0.9
  const n = series.length
  const asked = MODELS.filter((x) => (options.models ?? MODELS).includes(x))
  const skipped: Backtest[] = []
  const usable: ForecastModel[] = []
  const origins0 = options.origins ?? DEFAULT_ORIGINS
  for (const model of asked) {
    const need = trainingMinimum(model, m)
    // unnamed, the learned model runs only where it was shown to win, and within a share of the budget
    const why = model === 'lstm' && !options.models ? lstmByDefault(m, h, origins0) : undefined
    if (need + h > n)
      skipped.push({
        model,
        mase: null,
        mae: null,
        origins: 0,
        skipped: `needs at least ${need + h} points (${need} to train, ${h} to test one origin); the series has ${n}`,
      })
    else if (why) skipped.push({ model, mase: null, mae: null, origins: 0, skipped: why })
    else usable.push(model)
  }
  if (usable.length === 0)
    throw new ForecastInputError(
      'too_short',
      `the series has ${n} points; with period ${m} and horizon ${h} it needs at least ${minimumLength(options)}`,
      minimumLength(options),
    )
  const earliest = Math.max(...usable.map((x) => trainingMinimum(x, m)))
  const origins = rollingOrigins(n, h, m, options.origins ?? DEFAULT_ORIGINS, earliest)
  const scales = naiveScales(series, m, origins)
  const train = series.slice(0, origins[0])
  const runs = usable.map((x) =>
    backtest(series, FORECASTERS[x].fit(train, m, spend), origins, scales, h, spend),
  )
  let best = runs[0] as BacktestRun
  for (const r of runs) if (better(r, best)) best = r
  const fitted = FORECASTERS[best.model].fit(series, m, spend)
  const raw = fitted.forecastFrom(series, n, h, spend)
  const point: number[] = []
  const lower: number[] = []
  const upper: number[] = []
  const z = normalQuantile((1 + level) / 2)
  raw.forEach((p, j) => {
    const errors = best.errors[j] as number[]
    let lo: number
    let hi: number
    if (options.interval === 'empirical') {
      lo = p + Math.min(0, quantile(errors, (1 - level) / 2))
      hi = p + Math.max(0, quantile(errors, (1 + level) / 2))
    } else {
      const half = z * Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length)
      lo = p - half
      hi = p + half
    }
    // demand is never negative; clamping keeps lower <= point <= upper
    const pt = Math.max(0, p)
    point.push(pt)
    lower.push(Math.max(0, Math.min(lo, pt)))
    upper.push(Math.max(hi, pt))
  })
  const entry = (r: BacktestRun): Backtest => ({
    model: r.model,
    mase: r.mase,
    mae: r.mae,
    origins: r.origins,
  })
  return {
    model: best.model,
    point,
    lower,
    upper,
    level,
    backtest: [{ ...entry(best), chosen: true }, ...runs.filter((r) => r !== best).map(entry), ...skipped],
    params: Object.fromEntries(Object.entries(fitted.params).filter(([, v]) => Number.isFinite(v))),
    steps: spend.spent - start,
  }
}
