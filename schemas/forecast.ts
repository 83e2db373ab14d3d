// POST /v1/forecast: a workload's demand series in, the chosen model's forecast with intervals and backtest out.
import { z } from '@hono/zod-openapi'
import { MAX_HORIZON, MAX_ORIGINS, MAX_PERIOD, MAX_SERIES } from '../functions/forecast/budgets.ts'

export const ForecastModelName = z
  .enum(['seasonal_naive', 'holt_winters', 'ar', 'lstm'])
  .openapi('ForecastModel', {
    description:
      'seasonal naive, Holt-Winters (additive season), AR(p), or the learned LSTM (docs/kernel-lab-lstm.md)',
  })

export const ForecastRequest = z
  .strictObject({
    series: z
      .array(z.number().min(0).max(1e12))
      .min(1)
      .max(MAX_SERIES, `at most ${MAX_SERIES} points per series`)
      .describe('demand per step (requests/s), oldest first; never negative'),
    period: z.number().int().min(1).max(MAX_PERIOD).describe('season length in steps; 1 = no season'),
    horizon: z.number().int().min(1).max(MAX_HORIZON).describe('steps to forecast'),
    level: z.number().gt(0).lt(1).optional().describe('prediction interval coverage; default 0.9'),
    models: z
      .array(ForecastModelName)
      .min(1)
      .max(4)
      .optional()
      .describe(
        'models to backtest and choose from; default all four, lstm only for periods 12 to 48 within a tenth of the budget',
      ),
    origins: z
      .number()
      .int()
      .min(1)
      .max(MAX_ORIGINS)
      .optional()
      .describe('most rolling origins of the backtest; default 20'),
    interval: z
      .enum(['normal', 'empirical'])
      .optional()
      .describe(
        'intervals from the backtest errors per step: normal (default, +- z times their RMS) or their empirical quantiles',
      ),
  })
  .openapi('ForecastRequest')

export const ForecastBacktest = z
  .object({
    model: ForecastModelName,
    mase: z.number().nullable().describe('mean absolute scaled error; null when undefined or skipped'),
    mae: z.number().nullable(),
    origins: z.number().int(),
    skipped: z.string().optional().describe('why the model was not backtested'),
    chosen: z.boolean().optional(),
  })
  .openapi('ForecastBacktest')

export const ForecastResult = z
  .object({
    model: ForecastModelName.describe('the chosen model: lowest backtest MASE (MAE when MASE is undefined)'),
    point: z.array(z.number()).describe('`horizon` forecasts, at least 0'),
    lower: z.array(z.number()),
    upper: z.array(z.number()),
    level: z.number(),
    backtest: z.array(ForecastBacktest).describe('every model tried, the chosen one first'),
    params: z
      .record(z.string(), z.number())
      .describe("the chosen model's parameters fitted on the whole series"),
    steps: z.number().int().optional().describe('work spent, in forecast steps'),
  })
  .openapi('ForecastResult')

export type ForecastRequest = z.infer<typeof ForecastRequest>
export type ForecastResult = z.infer<typeof ForecastResult>
