// The learned forecaster in workerd: stored weights, the forward pass' algebra, its budget, the held-out comparison
// the docs state (recomputed here), and POST /v1/forecast with models: ['lstm'].
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compare } from '../../bench/lab-lstm.ts'
import { corpus } from '../../bench/lab-lstm-corpus.ts'
import { BudgetExceededError, StepBudget } from '../../functions/budget/index.ts'
import { FORECAST_CPU_MS, forecast, MAX_SERIES, STEPS_PER_MS } from '../../functions/forecast/index.ts'
import {
  cellWork,
  LSTM_DEFAULT_STEPS,
  LSTM_INPUTS,
  LSTM_WEIGHTS,
  LSTM_WORK_PER_STEP,
  type LstmWeights,
  lstmForecast,
  lstmForecaster,
  lstmMinLength,
  lstmSteps,
  parameterCount,
} from '../../functions/lab/learned/index.ts'
import { mulberry32 } from '../../functions/random/index.ts'
import { ForecastResult } from '../../schemas/forecast.ts'
import { call } from '../support/http.ts'

const W = LSTM_WEIGHTS
const diurnal = (n: number, m: number, seed = 1) => {
  const r = mulberry32(seed)
  return Array.from({ length: n }, (_, t) => 100 + 50 * Math.sin((2 * Math.PI * t) / m) + 10 * (r() - 0.5))
}

describe('the stored weights', () => {
  it('load with the documented shape: 5 inputs, 16 hidden units, 24 context steps, 1,425 parameters', () => {
    expect(W.format).toBe('omega-lstm-1')
    expect([W.inputs, W.hidden, W.context]).toEqual([LSTM_INPUTS, 16, 24])
    expect(W.kernel).toHaveLength(5)
    for (const row of W.kernel) expect(row).toHaveLength(64)
    expect(W.recurrent).toHaveLength(16)
    for (const row of W.recurrent) expect(row).toHaveLength(64)
    expect(W.bias).toHaveLength(64)
    expect(W.dense).toHaveLength(16)
    const all = [...W.kernel.flat(), ...W.recurrent.flat(), ...W.bias, ...W.dense, W.denseBias]
    expect(all).toHaveLength(parameterCount(W))
    expect(parameterCount(W)).toBe(1425)
    expect(all.every(Number.isFinite)).toBe(true)
    // trained, not the initialisation: the dense output is not all zero and the loss fell
    expect(all.some((v) => v !== 0)).toBe(true)
    const losses = W.training.losses as number[]
    expect(losses.at(-1)).toBeLessThan(losses[0] as number)
  })
})

describe('the forward pass', () => {
  const silent: LstmWeights = { ...W, dense: W.dense.map(() => 0), denseBias: 0 }
  const series = fc.integer({ min: 1, max: 12 }).chain((m) =>
    fc.record({
      m: fc.constant(m),
      y: fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 24 + 2 * m, maxLength: 80 }),
      h: fc.integer({ min: 1, max: 30 }),
    }),
  )

  it('with a silent output is the two-season mean, recursively (brute force)', () => {
    fc.assert(
      fc.property(series, ({ m, y, h }) => {
        const got = lstmForecast(silent, y, y.length, m, h)
        const ext = [...y]
        for (let j = 0; j < h; j++) ext.push(((ext.at(-m) as number) + (ext.at(-2 * m) as number)) / 2)
        got.forEach((v, j) => {
          expect(v).toBeCloseTo(ext[y.length + j] as number, 9)
        })
      }),
    )
  })

  it('is scale-equivariant: c y forecasts c times the forecast of y', () => {
    fc.assert(
      fc.property(series, fc.double({ min: 0.01, max: 100, noNaN: true }), ({ m, y, h }, c) => {
        const a = lstmForecast(W, y, y.length, m, h)
        const b = lstmForecast(
          W,
          y.map((v) => c * v),
          y.length,
          m,
          h,
        )
        a.forEach((v, j) => {
          expect(Math.abs((b[j] as number) - c * v)).toBeLessThanOrEqual(1e-9 * (1 + c * Math.abs(v)))
        })
      }),
    )
  })

  it('is never negative and reads nothing at or after the origin', () => {
    fc.assert(
      fc.property(series, fc.double({ min: 0, max: 1e6, noNaN: true }), ({ m, y, h }, junk) => {
        const o = y.length
        const a = lstmForecast(W, y, o, m, h)
        const b = lstmForecast(W, [...y, junk, junk], o, m, h)
        expect(b).toEqual(a)
        for (const v of a) expect(v).toBeGreaterThanOrEqual(0)
      }),
    )
  })

  it('spends ceil(work / LSTM_WORK_PER_STEP) budget steps per cell step, and refuses beyond the budget', () => {
    const y = diurnal(200, 24)
    const fitted = lstmForecaster.fit(y, 24, new StepBudget('t', 1e9, 1))
    const budget = new StepBudget('forecast_steps', 1e9, 1)
    fitted.forecastFrom(y, 200, 10, budget)
    expect(budget.spent).toBe((W.context + 9) * Math.ceil(cellWork(W) / LSTM_WORK_PER_STEP))
    expect(() => fitted.forecastFrom(y, 200, 10, new StepBudget('forecast_steps', 1000, 1))).toThrow(
      BudgetExceededError,
    )
  })
})

describe('held out: the comparison docs/kernel-lab-lstm.md states, recomputed on seeds 1-3', () => {
  const results = compare(corpus([1, 2, 3]))
  const of = (f: string) => results.find((r) => r.family === f) as (typeof results)[0]

  it('the LSTM beats Holt-Winters overall, weighting series or families alike (why it is a default candidate)', () => {
    expect(of('overall').series).toBe(24)
    expect(of('overall').mase.lstm).toBeLessThan(of('overall').mase.holt_winters)
    expect(of('families').mase.lstm).toBeLessThan(of('families').mase.holt_winters)
    expect(of('overall').lstmWins).toBeGreaterThan(of('overall').series / 2)
  })

  it('per family: it wins on the simulator and diurnal series and loses on the short trend series', () => {
    expect(of('sim').mase.lstm).toBeLessThan(of('sim').mase.holt_winters)
    expect(of('diurnal').mase.lstm).toBeLessThan(of('diurnal').mase.holt_winters)
    expect(of('trend').mase.lstm).toBeGreaterThan(of('trend').mase.holt_winters)
  })
})

describe('in the forecaster', () => {
  it('is a default candidate, chosen per series only where its backtest error is lowest', () => {
    const y = diurnal(24 * 10, 24)
    const plain = forecast(y, { horizon: 12, period: 24 })
    const entry = plain.backtest.find((b) => b.model === 'lstm')
    expect(entry?.origins).toBe(20)
    const best = Math.min(...plain.backtest.map((b) => b.mase ?? Number.POSITIVE_INFINITY))
    expect(plain.backtest[0]?.mase).toBe(best)
    const only = forecast(y, { horizon: 12, period: 24, models: ['lstm'] })
    expect(only.model).toBe('lstm')
    expect(only.backtest[0]).toMatchObject({ model: 'lstm', chosen: true, origins: 20 })
    expect(only.params.parameters).toBe(1425)
  })

  it('unnamed, it is skipped beyond its share of the budget; named, the same request runs it', () => {
    const y = diurnal(24 * 40, 48)
    // 21 forecasts of (24 + 199) cell steps exceed LSTM_DEFAULT_STEPS
    expect(lstmSteps(21, 200)).toBeGreaterThan(LSTM_DEFAULT_STEPS)
    expect(lstmSteps(21, 12)).toBeLessThanOrEqual(LSTM_DEFAULT_STEPS)
    const plain = forecast(y, { horizon: 200, period: 48 })
    expect(plain.backtest.find((b) => b.model === 'lstm')).toMatchObject({ origins: 0, mase: null })
    expect(plain.backtest.find((b) => b.model === 'lstm')?.skipped).toMatch(/budget steps/)
    const named = forecast(y, { horizon: 200, period: 48, models: ['holt_winters', 'lstm'] })
    expect(named.backtest.find((b) => b.model === 'lstm')?.origins).toBe(20)
  })

  it('unnamed, it is tried only for the seasons it was judged on (12 to 48); named, for any', () => {
    for (const m of [1, 6, 60, 96]) {
      const y = diurnal(24 + 2 * m + 12 + 40, m)
      const plain = forecast(y, { horizon: 12, period: m })
      expect(plain.backtest.find((b) => b.model === 'lstm')?.skipped).toMatch(/periods 12 to 48/)
      const named = forecast(y, { horizon: 12, period: m, models: ['lstm'] })
      expect(named.model).toBe('lstm')
    }
    for (const m of [12, 48]) {
      const plain = forecast(diurnal(24 + 2 * m + 12 + 40, m), { horizon: 12, period: m })
      expect(plain.backtest.find((b) => b.model === 'lstm')?.origins).toBe(20)
    }
  })

  it('POST /v1/forecast with models: [lstm] answers in workerd', async () => {
    const r = await call('POST', '/v1/forecast', {
      series: diurnal(24 * 10, 24),
      period: 24,
      horizon: 12,
      models: ['lstm'],
    })
    expect(r.status).toBe(200)
    const body = ForecastResult.parse(r.body)
    expect(body.model).toBe('lstm')
    expect(body.point).toHaveLength(12)
    for (let j = 0; j < 12; j++)
      expect(
        Math.abs((body.point[j] as number) - (100 + 50 * Math.sin((2 * Math.PI * (240 + j)) / 24))),
      ).toBeLessThan(15)
  })

  it('the longest series with every model, the LSTM among them, fits the forecast budget', async () => {
    const r = await call('POST', '/v1/forecast', {
      series: diurnal(MAX_SERIES, 288),
      period: 288,
      horizon: 288,
      models: ['seasonal_naive', 'holt_winters', 'ar', 'lstm'],
    })
    expect(r.status).toBe(200)
    expect(r.body.backtest.find((b: { model: string }) => b.model === 'lstm').origins).toBe(20)
    expect(r.body.steps).toBeLessThanOrEqual(FORECAST_CPU_MS * STEPS_PER_MS)
  })

  it('too short for the LSTM is 422 series_too_short naming its minimum (context + two seasons + horizon)', async () => {
    const need = lstmMinLength(W, 24) + 12
    const r = await call('POST', '/v1/forecast', {
      series: diurnal(need - 1, 24),
      period: 24,
      horizon: 12,
      models: ['lstm'],
    })
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({ type: '/problems/series_too_short', minimum: need })
  })
})
