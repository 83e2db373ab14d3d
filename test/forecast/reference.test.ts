// Known answers from an independent implementation (scripts/reference/forecast.py, numpy lstsq): 1e-9 relative.
import { describe, expect, it } from 'vitest'
import { StepBudget } from '../../functions/budget/index.ts'
import {
  arAhead,
  arWith,
  backtest,
  fitAr,
  fitArOrder,
  holtWintersAhead,
  holtWintersFilter,
  holtWintersWith,
  maxOrder,
  naiveScales,
  normalQuantile,
  rollingOrigins,
  seasonalNaive,
  trainingMinimum,
} from '../../functions/forecast/index.ts'
import vectors from '../vectors/forecast.json'

const close = (actual: number, expected: number, what: string) => {
  const tol = 1e-9 * Math.max(Math.abs(expected), 1e-3)
  if (!(Math.abs(actual - expected) <= tol)) throw new Error(`${what}: ${actual} != ${expected} (tol ${tol})`)
}
const closeAll = (actual: readonly number[], expected: readonly number[], what: string) => {
  expect(actual.length).toBe(expected.length)
  for (const [i, a] of actual.entries()) close(a, expected[i] as number, `${what}[${i}]`)
}
const big = () => new StepBudget('test', 1e12, 1e6)

it('normal quantiles match scipy.stats.norm.ppf (Acklam: 1.2e-9 relative)', () => {
  for (const [p, q] of vectors.normal_quantiles as [number, number][])
    expect(Math.abs(normalQuantile(p) - q)).toBeLessThanOrEqual(1.2e-9 * Math.abs(q) + 1e-15)
})

describe.each(vectors.cases)('$name', (c) => {
  const y = c.series
  const m = c.period
  const h = c.horizon

  it('Holt-Winters recurrences with fixed parameters: final level, trend, SSE and forecast', () => {
    const p = { alpha: c.hw.alpha, beta: c.hw.beta, gamma: c.hw.gamma }
    const s = holtWintersFilter(y, y.length, m, p)
    close(s.level, c.hw.level, 'level')
    close(s.trend, c.hw.trend, 'trend')
    close(s.sse, c.hw.sse, 'sse')
    closeAll(holtWintersAhead(s, y.length, m, h), c.hw.forecast, 'forecast')
  })

  it('AR least squares: every order on the same rows, AIC, the chosen order and its forecast', () => {
    const z = m === 1 ? y : y.slice(m).map((v, i) => v - (y[i] as number))
    expect(maxOrder(z.length)).toBe(c.ar.max_order)
    for (const o of c.ar.orders) {
      const f = fitArOrder(z, o.p, c.ar.max_order)
      close(f.intercept, o.intercept, `p=${o.p} intercept`)
      closeAll(f.phi, o.phi, `p=${o.p} phi`)
      close(f.sse, o.sse, `p=${o.p} sse`)
    }
    const fit = fitAr(y, m)
    expect(fit.p).toBe(c.ar.chosen)
    close(fit.aic, (c.ar.orders[c.ar.chosen] as { aic: number }).aic, 'aic')
    close(fit.sigma2, c.ar.sigma2, 'sigma2')
    closeAll(arAhead(fit, y, y.length, h), c.ar_forecast, 'ar forecast')
  })

  it('rolling-origin backtest: origins, seasonal-naive scales, MASE and MAE of each model', () => {
    const b = c.backtest
    const earliest = Math.max(
      ...(['seasonal_naive', 'holt_winters', 'ar'] as const).map((x) => trainingMinimum(x, m)),
    )
    const origins = rollingOrigins(y.length, h, m, c.origins, earliest)
    expect(origins).toEqual(b.origins)
    const scales = naiveScales(y, m, origins)
    closeAll(scales, b.scales, 'scales')
    const train = y.slice(0, origins[0])
    const fitted = {
      seasonal_naive: seasonalNaive.fit(train, m, big()),
      ar: arWith(fitAr(train, m)),
      holt_winters: holtWintersWith(m, { alpha: c.hw.alpha, beta: c.hw.beta, gamma: c.hw.gamma }),
    }
    for (const [name, f] of Object.entries(fitted)) {
      const run = backtest(y, f, origins, scales, h, big())
      const want = b.models[name as keyof typeof b.models]
      close(run.mase as number, want.mase, `${name} mase`)
      close(run.mae, want.mae, `${name} mae`)
    }
  })
})
