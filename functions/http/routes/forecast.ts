// POST /v1/forecast: stateless demand forecasting (functions/forecast), no credentials, a step budget per request.
import { createRoute } from '@hono/zod-openapi'
import { ForecastRequest, ForecastResult } from '../../../schemas/forecast.ts'
import { ForecastInputError, forecast, forecastBudget } from '../../forecast/index.ts'
import { json, jsonBody, problems, router } from '../openapi.ts'
import { ApiError } from '../problems.ts'

const forecastRoute = createRoute({
  method: 'post',
  path: '/v1/forecast',
  tags: ['mom'],
  summary: 'Forecast a demand series: seasonal naive, Holt-Winters or AR(p), chosen by rolling-origin MASE',
  description:
    'Backtests each model by rolling origin (MASE scaled by the in-sample seasonal-naive MAE), forecasts `horizon` ' +
    'steps with the best, and puts empirical prediction intervals at `level` around it from the backtest errors ' +
    'per step. Models the series is too short for are skipped with a reason; when none fits, a 422 ' +
    '`series_too_short` names the minimum length. See docs/forecast.md.',
  request: { body: jsonBody(ForecastRequest) },
  responses: {
    200: json(ForecastResult, 'the forecast'),
    ...problems(
      'validation_failed',
      'malformed_json',
      'payload_too_large',
      'unsupported_media_type',
      'budget_exceeded',
      'series_too_short',
    ),
  },
})

/** The core's refusals as problems: too short is 422 with the minimum, anything else the schema missed is 400. */
function refusal(e: unknown): unknown {
  if (!(e instanceof ForecastInputError)) return e
  if (e.issue === 'too_short')
    return new ApiError('series_too_short', e.message, { minimum: e.minimum, pointer: '/series' })
  return new ApiError('validation_failed', e.message, { errors: [{ message: e.message }] })
}

export const forecasting = router().openapi(forecastRoute, (c) => {
  const { series, ...options } = c.req.valid('json')
  try {
    return c.json(forecast(series, options, forecastBudget()), 200)
  } catch (e) {
    throw refusal(e)
  }
})
