// Forecast benchmarks: backtest MASE per model on seeded diurnal series, and the step-to-CPU-ms calibration.
import { performance } from 'node:perf_hooks'
import { type ForecastModel, forecast, STEPS_PER_MS } from '../functions/forecast/index.ts'
import { mlpVersusHoltWinters } from './forecast-mlp.ts'
import { diurnalSeries } from './lab-lstm-corpus.ts'
import { cpuMs, fmt, table } from './report.ts'

const MODELS: ForecastModel[] = ['seasonal_naive', 'holt_winters', 'ar']
const CASES = [
  { name: 'hourly, 14 days', n: 24 * 14, m: 24, h: 24, noise: 10 },
  { name: 'hourly, 14 days, noisy', n: 24 * 14, m: 24, h: 24, noise: 30 },
  { name: '5-minute, 7 days', n: 288 * 7, m: 288, h: 288, noise: 10 },
  { name: '5-minute, 34 days (the maximum)', n: 10_000, m: 288, h: 288, noise: 10 },
]

export function forecastBench(quick: boolean): void {
  const rows: (string | number)[][] = []
  const timing: (string | number)[][] = []
  for (const c of CASES) {
    const y = diurnalSeries(c.n, c.m, c.noise, 42)
    const t0 = performance.now()
    const f = forecast(y, { horizon: c.h, period: c.m })
    const wall = performance.now() - t0
    // a holdout the backtest never saw: the last horizon, forecast from the rest
    const head = y.slice(0, c.n - c.h)
    const scale =
      head.slice(c.m).reduce((s, v, i) => s + Math.abs(v - (head[i] as number)), 0) / (head.length - c.m)
    const holdout = MODELS.map((model) => {
      const g = forecast(head, { horizon: c.h, period: c.m, models: [model] })
      return g.point.reduce((s, p, j) => s + Math.abs((y[c.n - c.h + j] as number) - p), 0) / c.h / scale
    })
    const by = (m: ForecastModel) => f.backtest.find((b) => b.model === m)
    rows.push([
      c.name,
      c.n,
      c.m,
      c.h,
      c.noise,
      ...MODELS.map((m) => fmt(by(m)?.mase ?? Number.NaN, 3)),
      f.model,
      ...holdout.map((x) => fmt(x, 3)),
    ])
    const ms = cpuMs(() => forecast(y, { horizon: c.h, period: c.m }), quick ? 3 : 9)
    timing.push([c.name, c.n, f.steps ?? 0, fmt(wall, 1), fmt(ms, 1), Math.round((f.steps ?? 0) / ms)])
  }
  table(
    'Forecast: rolling-origin backtest MASE (20 origins) on seeded diurnal series (seed 42), and a holdout MASE of the last horizon',
    [
      'series',
      'n',
      'period',
      'horizon',
      'noise sd',
      'MASE seasonal naive',
      'MASE Holt-Winters',
      'MASE AR',
      'chosen',
      'holdout seasonal naive',
      'holdout Holt-Winters',
      'holdout AR',
    ],
    rows,
  )
  const coverage = CASES.slice(0, quick ? 1 : 3).flatMap((c) =>
    (['normal', 'empirical'] as const).map((interval) => {
      let inside = 0
      let width = 0
      const seeds = 20
      for (let seed = 1; seed <= seeds; seed++) {
        const y = diurnalSeries(c.n, c.m, c.noise, seed)
        const f = forecast(y.slice(0, c.n - c.h), { horizon: c.h, period: c.m, interval })
        for (let j = 0; j < c.h; j++) {
          const v = y[c.n - c.h + j] as number
          if (v >= (f.lower[j] as number) && v <= (f.upper[j] as number)) inside++
          width += ((f.upper[j] as number) - (f.lower[j] as number)) / c.h / seeds
        }
      }
      return [
        c.name,
        c.noise,
        interval,
        fmt((100 * inside) / (20 * c.h), 1),
        fmt(width, 1),
        fmt(2 * 1.645 * c.noise, 1),
      ]
    }),
  )
  table(
    'Forecast: 90% interval coverage of the last horizon (held out), seeds 1-20',
    [
      'series',
      'noise sd',
      'interval',
      'coverage %',
      'mean width',
      'width of the oracle noise-only 90% interval',
    ],
    coverage,
  )
  table(
    'Forecast: a learned model (MLP on 24 seasonal differences, bench/forecast-mlp.ts) against Holt-Winters, same origins',
    ['series', 'MASE MLP', 'MASE Holt-Winters', 'MLP training + backtest CPU ms'],
    CASES.slice(0, quick ? 1 : 3).map((c) => {
      const r = mlpVersusHoltWinters(diurnalSeries(c.n, c.m, c.noise, 42), c.m, c.h)
      return [c.name, fmt(r.mlp, 3), fmt(r.holtWinters, 3), fmt(r.trainMs, 0)]
    }),
  )
  table(
    `Forecast: work and CPU time per request (median CPU ms after warm-up; budget rate ${STEPS_PER_MS} steps/ms)`,
    ['series', 'n', 'steps', 'first call wall ms', 'CPU ms', 'steps per CPU ms'],
    timing,
  )
}
