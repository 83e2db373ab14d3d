// Kernel lab bench, learned forecaster: held-out backtest MASE of the LSTM vs Holt-Winters, AR and seasonal naive;
// CPU per forecast. `npm run bench -- lab` (the lead wires it) or `node -e "import('./bench/lab-lstm.ts').then(m => m.run())"`.
import { StepBudget } from '../functions/budget/index.ts'
import { type ForecastModel, forecast, MODELS } from '../functions/forecast/index.ts'
import {
  LSTM_WEIGHTS,
  LSTM_WORK_PER_STEP,
  lstmForecast,
  parameterCount,
} from '../functions/lab/learned/index.ts'
import { corpus, FAMILIES, type Family, HELD_OUT_SEEDS, type Series } from './lab-lstm-corpus.ts'
import { cpuMs, fmt, median, table } from './report.ts'

export interface FamilyResult {
  /** 'overall': every series weighs the same; 'families': every family weighs the same (series counts families). */
  family: Family | 'overall' | 'families'
  series: number
  /** Mean backtest MASE of each model over the family's series. */
  mase: Record<ForecastModel, number>
  /** Series on which the LSTM's MASE is below Holt-Winters'. */
  lstmWins: number
  /** Fraction of the held-out last horizon inside the 90% interval, each model alone forecasting it from the rest. */
  coverage: { holt_winters: number; lstm: number }
}

type Run = { s: Series; mase: Record<ForecastModel, number>; covered: { holt_winters: number; lstm: number } }

/** How many of the last `horizon` actuals fall inside the interval `model` alone forecasts from the rest. */
function covered(s: Series, model: 'holt_winters' | 'lstm'): number {
  const n = s.y.length
  const f = forecast(s.y.slice(0, n - s.horizon), { horizon: s.horizon, period: s.period, models: [model] })
  return f.point.filter((_, j) => {
    const a = s.y[n - s.horizon + j] as number
    return a >= (f.lower[j] as number) && a <= (f.upper[j] as number)
  }).length
}

/** Backtest MASE of every model on each series (the same rolling origins: forecast() backtests them together). */
export function backtestAll(series: readonly Series[]): Run[] {
  return series.map((s) => {
    const f = forecast(s.y, { horizon: s.horizon, period: s.period, models: [...MODELS] })
    const mase = Object.fromEntries(
      MODELS.map((m) => [m, f.backtest.find((b) => b.model === m)?.mase ?? Number.NaN]),
    ) as Record<ForecastModel, number>
    return { s, mase, covered: { holt_winters: covered(s, 'holt_winters'), lstm: covered(s, 'lstm') } }
  })
}

/** Per family and overall: mean MASE per model and how often the LSTM beats Holt-Winters. */
export function compare(series: readonly Series[]): FamilyResult[] {
  const runs = backtestAll(series)
  const summarise = (family: FamilyResult['family'], rs: typeof runs): FamilyResult => ({
    family,
    series: rs.length,
    mase: Object.fromEntries(
      MODELS.map((m) => [m, rs.reduce((a, r) => a + r.mase[m], 0) / rs.length]),
    ) as Record<ForecastModel, number>,
    lstmWins: rs.filter((r) => r.mase.lstm < r.mase.holt_winters).length,
    coverage: {
      holt_winters:
        rs.reduce((a, r) => a + r.covered.holt_winters, 0) / rs.reduce((a, r) => a + r.s.horizon, 0),
      lstm: rs.reduce((a, r) => a + r.covered.lstm, 0) / rs.reduce((a, r) => a + r.s.horizon, 0),
    },
  })
  const present = FAMILIES.filter((f) => runs.some((r) => r.s.family === f))
  const per = present.map((f) =>
    summarise(
      f,
      runs.filter((r) => r.s.family === f),
    ),
  )
  const mean = (g: (r: FamilyResult) => number) => per.reduce((a, r) => a + g(r), 0) / per.length
  const families: FamilyResult = {
    family: 'families',
    series: per.length,
    mase: Object.fromEntries(MODELS.map((m) => [m, mean((r) => r.mase[m])])) as Record<ForecastModel, number>,
    lstmWins: per.filter((r) => r.mase.lstm < r.mase.holt_winters).length,
    coverage: { holt_winters: mean((r) => r.coverage.holt_winters), lstm: mean((r) => r.coverage.lstm) },
  }
  return [...per, summarise('overall', runs), families]
}

/** Median CPU microseconds of one LSTM forecast (context plus horizon) and its steps per CPU ms. */
function forecastCost(s: Series, runs: number): { us: number; stepsPerMs: number } {
  const budget = new StepBudget('bench', 1e15, 1e9)
  const f = () =>
    lstmForecast(LSTM_WEIGHTS, s.y, s.y.length, s.period, s.horizon, (w) =>
      budget.spend(Math.ceil(w / LSTM_WORK_PER_STEP)),
    )
  for (let i = 0; i < 20; i++) f()
  const xs: number[] = []
  const before = budget.spent
  const t0all = process.cpuUsage()
  for (let i = 0; i < runs; i++) {
    const t0 = process.cpuUsage()
    f()
    const d = process.cpuUsage(t0)
    xs.push(d.user + d.system)
  }
  const dall = process.cpuUsage(t0all)
  return { us: median(xs), stepsPerMs: (budget.spent - before) / ((dall.user + dall.system) / 1000) }
}

export async function run(quick = false): Promise<void> {
  const seeds = quick ? HELD_OUT_SEEDS.slice(0, 5) : HELD_OUT_SEEDS
  const results = compare(corpus(seeds))
  table(
    `Learned forecaster (LSTM, ${parameterCount(LSTM_WEIGHTS)} parameters) vs Holt-Winters: backtest MASE, held-out seeds ${seeds[0]}..${seeds.at(-1)}`,
    [
      'family',
      'series',
      'MASE seasonal naive',
      'MASE Holt-Winters',
      'MASE AR',
      'MASE LSTM',
      'LSTM beats HW on',
      '90% coverage HW',
      '90% coverage LSTM',
    ],
    results.map((r) => [
      r.family,
      r.series,
      fmt(r.mase.seasonal_naive, 3),
      fmt(r.mase.holt_winters, 3),
      fmt(r.mase.ar, 3),
      fmt(r.mase.lstm, 3),
      `${r.lstmWins} / ${r.series}`,
      `${fmt(100 * r.coverage.holt_winters, 1)}%`,
      `${fmt(100 * r.coverage.lstm, 1)}%`,
    ]),
  )
  const rows = FAMILIES.map((family) => {
    const s = corpus([HELD_OUT_SEEDS[0] as number], [family])[0] as Series
    const c = forecastCost(s, quick ? 50 : 200)
    return [
      family,
      s.period,
      s.horizon,
      LSTM_WEIGHTS.context + s.horizon - 1,
      fmt(c.us, 0),
      fmt(c.stepsPerMs, 0),
    ]
  })
  table(
    'CPU per LSTM forecast (one origin, median of runs after warm-up)',
    ['family', 'period', 'horizon', 'cell steps', 'CPU µs', 'budget steps per CPU ms'],
    rows,
  )
  const request = (y: number[], m: number, h: number, models: ForecastModel[]) =>
    cpuMs(() => forecast(y, { horizon: h, period: m, models }), quick ? 5 : 21)
  const sim = (corpus([HELD_OUT_SEEDS[0] as number], ['sim'])[0] as Series).y
  table(
    'CPU of one forecast request (20-origin backtest and the final forecast; median ms)',
    ['series', 'period', 'horizon', 'classic models ms', 'with the LSTM ms'],
    [
      ['simulator, first 96 steps', 24, 12, sim.slice(0, 96)],
      ['simulator, 240 steps', 48, 12, sim],
    ].map(([name, m, h, y]) => [
      name as string,
      m as number,
      h as number,
      fmt(request(y as number[], m as number, h as number, ['seasonal_naive', 'holt_winters', 'ar']), 2),
      fmt(request(y as number[], m as number, h as number, [...MODELS]), 2),
    ]),
  )
  console.log(`\nTraining (scripts/train-lstm.ts): ${LSTM_WEIGHTS.training.cpu_ms} CPU ms`)
}
