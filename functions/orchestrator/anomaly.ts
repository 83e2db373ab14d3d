// OBSERVE/PREDICT: flags anomalous demand points of a workload and replaces one-off spikes and drops by what the
// baseline expected before the forecast is fitted, so a single outlier neither inflates nor deflates the forecast
// (and the replicas). Level shifts are kept: a lasting change is demand the forecast must follow.
import { type Anomaly, anomalyBudget, detect } from '../lab/anomaly/index.ts'

/**
 * Newest points scanned: at most about 870,000 anomaly_steps with a season (5 x window per point), within one
 * request's budget however long the retention; older outliers weigh little in a forecast fitted on recent steps.
 */
export const FILTER_POINTS = 2_880

/** Anomalies a plan records per workload (the newest): a receipt, not the full history. */
export const MAX_PLAN_ANOMALIES = 16

export interface DemandAnomaly {
  /** 0: the newest step of the series the tick read */
  steps_ago: number
  value: number
  expected: number
  score: number
  kind: Anomaly['kind']
}

export interface FilteredDemand {
  series: number[]
  /** spikes and drops replaced, level shifts seen; newest first, at most MAX_PLAN_ANOMALIES */
  anomalies: DemandAnomaly[]
}

/**
 * `series` with its spikes and drops replaced by the expected values (robust z against the causal baseline,
 * seasonal when `season` > 1 and the history covers it). Deterministic: same series, same result.
 */
export function filterDemand(series: readonly number[], season: number): FilteredDemand {
  const from = Math.max(0, series.length - FILTER_POINTS)
  const tail = series.slice(from)
  const period = season > 1 && tail.length >= 2 * season ? season : 1
  const found = detect(tail, { method: 'robust_z', period }, anomalyBudget()).anomalies.map((a) => ({
    ...a,
    index: a.index + from,
  }))
  const out = [...series]
  for (const a of found) if (a.kind !== 'level_shift') out[a.index] = a.expected
  const n = series.length
  const anomalies = found
    .slice(-MAX_PLAN_ANOMALIES)
    .reverse()
    .map((a) => ({
      steps_ago: n - 1 - a.index,
      value: a.value,
      expected: a.expected,
      score: a.score,
      kind: a.kind,
    }))
  return { series: out, anomalies }
}
