// POST /v1/forecast over HTTP inside workerd: answers, the published result schema, and 4xx for bad input.
import { describe, expect, it } from 'vitest'
import { MAX_SERIES } from '../../functions/forecast/index.ts'
import { mulberry32 } from '../../functions/random/index.ts'
import { ForecastResult } from '../../schemas/forecast.ts'
import { call, send } from '../support/http.ts'

const diurnal = (n: number, m: number, seed = 1) => {
  const r = mulberry32(seed)
  return Array.from({ length: n }, (_, t) => 100 + 50 * Math.sin((2 * Math.PI * t) / m) + 10 * (r() - 0.5))
}

describe('POST /v1/forecast', () => {
  it('forecasts a diurnal series without credentials, with intervals and every model backtested', async () => {
    const r = await call('POST', '/v1/forecast', { series: diurnal(24 * 10, 24), period: 24, horizon: 12 })
    expect(r.status).toBe(200)
    expect(ForecastResult.safeParse(r.body).success).toBe(true)
    const body = ForecastResult.parse(r.body)
    expect(body.point).toHaveLength(12)
    expect(body.level).toBe(0.9)
    expect(body.backtest[0]).toMatchObject({ model: body.model, chosen: true, origins: 20 })
    expect(body.backtest).toHaveLength(4)
    for (let j = 0; j < 12; j++) {
      expect(body.lower[j]).toBeLessThanOrEqual(body.point[j] as number)
      expect(body.point[j]).toBeLessThanOrEqual(body.upper[j] as number)
    }
    // the noise is +-5 around a known curve: the forecast follows it
    for (let j = 0; j < 12; j++)
      expect(
        Math.abs((body.point[j] as number) - (100 + 50 * Math.sin((2 * Math.PI * (240 + j)) / 24))),
      ).toBeLessThan(8)
  })

  it('honours models, level and origins', async () => {
    const r = await call('POST', '/v1/forecast', {
      series: diurnal(120, 12),
      period: 12,
      horizon: 3,
      level: 0.5,
      models: ['ar'],
      origins: 4,
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      model: 'ar',
      level: 0.5,
      backtest: [{ model: 'ar', origins: 4, chosen: true }],
    })
    expect(r.body.params.p).toBeGreaterThanOrEqual(0)
  })

  it('a constant series: MASE undefined (null), still a 200 with a flat forecast', async () => {
    const r = await call('POST', '/v1/forecast', { series: Array(48).fill(3), period: 6, horizon: 4 })
    expect(r.status).toBe(200)
    expect(r.body.point).toEqual([3, 3, 3, 3])
    expect(r.body.backtest.map((b: { mase: unknown }) => b.mase)).toEqual([null, null, null, null])
  })

  it('a series too short for every model: 422 series_too_short naming the minimum', async () => {
    const r = await call('POST', '/v1/forecast', { series: [1, 2, 3, 4, 5], period: 4, horizon: 3 })
    expect(r.status).toBe(422)
    expect(r.type).toContain('application/problem+json')
    expect(r.body).toMatchObject({ type: '/problems/series_too_short', minimum: 8 })
  })

  it.each([
    ['an empty series', { series: [], period: 1, horizon: 1 }, '/series'],
    ['horizon 0', { series: [1, 2, 3], period: 1, horizon: 0 }, '/horizon'],
    ['a negative demand', { series: [1, -2, 3], period: 1, horizon: 1 }, '/series/1'],
    ['a fractional period', { series: [1, 2, 3], period: 1.5, horizon: 1 }, '/period'],
    ['level 1', { series: [1, 2, 3], period: 1, horizon: 1, level: 1 }, '/level'],
    ['an unknown model', { series: [1, 2, 3], period: 1, horizon: 1, models: ['prophet'] }, '/models/0'],
    ['an unknown member', { series: [1, 2, 3], period: 1, horizon: 1, seed: 4 }, ''],
    ['too long a series', { series: Array(MAX_SERIES + 1).fill(1), period: 1, horizon: 1 }, '/series'],
  ])('%s: 400 validation_failed pointing at it', async (_, body, at) => {
    const r = await call('POST', '/v1/forecast', body)
    expect(r.status).toBe(400)
    expect(r.body.type).toBe('/problems/validation_failed')
    expect(r.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(at)
  })

  it('malformed JSON is a 400, not a 500', async () => {
    const r = await send('POST', '/v1/forecast', { type: 'application/json', body: '{"series": [1, 2' })
    expect(r.status).toBe(400)
  })

  it('the longest series is answered within the budget', async () => {
    const r = await call('POST', '/v1/forecast', {
      series: diurnal(MAX_SERIES, 288),
      period: 288,
      horizon: 288,
    })
    expect(r.status).toBe(200)
    expect(r.body.point).toHaveLength(288)
    expect(r.body.steps).toBeGreaterThan(MAX_SERIES * 245)
  })
})
