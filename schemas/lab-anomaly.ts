// Anomaly detection (kernel lab): POST /v1/lab/anomalies over a given series, GET /v1/holons/{id}/lab/anomalies
// over a holon's recent committed events. Advisory: nothing is written, flagged or refused because of it.
import { z } from '@hono/zod-openapi'
import {
  ANOMALY_MAX_PERIOD,
  ANOMALY_MAX_SERIES,
  ANOMALY_MAX_WINDOW,
} from '../functions/lab/anomaly/detect.ts'

export const MAX_HOLON_ANOMALY_EVENTS = 5_000

const method = z
  .enum(['robust_z', 'cusum'])
  .describe('robust_z (default): spikes, drops, level shifts by persistence; cusum: level shifts only')

export const AnomalyOptions = z
  .strictObject({
    method: method.optional(),
    period: z
      .number()
      .int()
      .min(1)
      .max(ANOMALY_MAX_PERIOD)
      .optional()
      .describe('seasonal period in steps; 1 (default): none'),
    threshold: z
      .number()
      .gt(0)
      .max(1e6)
      .optional()
      .describe(
        'robust_z: |z| above which a point is flagged (default 5); cusum: decision interval h (default 12)',
      ),
    warmup: z
      .number()
      .int()
      .min(3)
      .max(ANOMALY_MAX_WINDOW)
      .optional()
      .describe('points before scoring starts (default 24)'),
    window: z
      .number()
      .int()
      .min(4)
      .max(ANOMALY_MAX_WINDOW)
      .optional()
      .describe('trailing points of the baseline (default 60)'),
    shift_after: z
      .number()
      .int()
      .min(2)
      .max(ANOMALY_MAX_SERIES)
      .optional()
      .describe('robust_z: flags in a row that make a level shift (default 5)'),
    transform: z
      .enum(['none', 'log'])
      .optional()
      .describe('log: detect on log(x), for positive multiplicative streams'),
  })
  .openapi('AnomalyOptions')

export const LabAnomalyRequest = z
  .strictObject({
    series: z
      .array(z.number().min(-1e15).max(1e15))
      .max(ANOMALY_MAX_SERIES, `at most ${ANOMALY_MAX_SERIES} points`)
      .describe('values per step, oldest first'),
    options: AnomalyOptions.optional(),
  })
  .openapi('LabAnomalyRequest')

export const AnomalyPoint = z
  .object({
    index: z.number().int().describe('position in the series (a level shift: where it began)'),
    value: z.number(),
    expected: z.number().describe('what the causal baseline expected there'),
    score: z
      .number()
      .describe('robust z (cusum: the alarm sum), signed; capped at 1e9 when the baseline had no spread'),
    kind: z.enum(['spike', 'drop', 'level_shift']),
    at: z.number().int().describe('index at which the detector knew (>= index)'),
  })
  .openapi('AnomalyPoint')

export const LabAnomalyResult = z
  .object({
    method,
    points: z.number().int(),
    anomalies: z.array(AnomalyPoint),
    steps: z.number().int().describe('anomaly_steps spent'),
    advisory: z
      .literal(true)
      .describe('a statistical flag for a person to look at, never acted on by itself'),
  })
  .openapi('LabAnomalyResult')

export const HolonAnomalyQuery = z.object({
  field: z
    .string()
    .regex(
      /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,7}$/,
      'a member name or a dotted path',
    )
    .optional()
    .describe(
      '`torsion` (the default) or a numeric member of the event, dotted for nested members (payload.amount)',
    ),
  aggregate: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'instead of field: the numbers an aggregate folds (its `expr` over the events its `where` admits)',
    ),
  limit: z.coerce
    .number()
    .int()
    .min(10)
    .max(MAX_HOLON_ANOMALY_EVENTS)
    .default(1_000)
    .describe('most recent events read'),
  method: method.optional(),
  threshold: z.coerce.number().gt(0).max(1e6).optional(),
  period: z.coerce.number().int().min(1).max(ANOMALY_MAX_PERIOD).optional(),
  transform: z.enum(['none', 'log']).optional(),
})

export const HolonAnomalyPoint = AnomalyPoint.extend({
  seq: z.number().int().describe('the event'),
  committed_at: z.string(),
}).openapi('HolonAnomalyPoint')

export const HolonAnomalyResult = z
  .object({
    holon: z.string(),
    source: z.string().describe('`torsion`, `event.<path>` or `aggregate.<name>`'),
    method,
    /** events read, and how many gave a number (the series) */
    events: z.number().int(),
    points: z.number().int(),
    first_seq: z.number().int().nullable(),
    last_seq: z.number().int().nullable(),
    anomalies: z.array(HolonAnomalyPoint),
    steps: z.number().int(),
    advisory: z
      .literal(true)
      .describe('a statistical flag for a person to look at, never acted on by itself'),
  })
  .openapi('HolonAnomalyResult')

export type HolonAnomalyQuery = z.infer<typeof HolonAnomalyQuery>
export type HolonAnomalyResult = z.infer<typeof HolonAnomalyResult>
