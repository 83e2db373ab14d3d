// The anomaly detector's contract: options, a flagged point, the result, and the refusal for bad input.

export type AnomalyMethod = 'robust_z' | 'cusum'
export const ANOMALY_METHODS: readonly AnomalyMethod[] = ['robust_z', 'cusum']

export interface AnomalyOptions {
  /** `robust_z` (default: spikes, drops and, by persistence, level shifts) or `cusum` (level shifts only). */
  method?: AnomalyMethod
  /** Seasonal period in steps (1: none). The baseline is then the median of the same phase in past cycles. */
  period?: number
  /** robust_z: |z| above which a point is flagged; cusum: the decision interval h in robust sd units. */
  threshold?: number
  /** Points of (clean) history needed before a point is scored, also after a level shift restarts the baseline. */
  warmup?: number
  /** Trailing points the baseline and its spread are estimated from. */
  window?: number
  /** robust_z: this many consecutive flags of one sign are a level shift (the baseline restarts there). */
  shift_after?: number
  /** `log`: detect on log(x) (positive, multiplicative streams such as amounts and latency); `none` (default). */
  transform?: 'none' | 'log'
}

export interface Anomaly {
  index: number
  value: number
  /** What the baseline expected at `index` (what a filter puts in the point's place). */
  expected: number
  /** robust z of the point, or for a level shift the CUSUM sum in robust sd units, signed. */
  score: number
  kind: 'spike' | 'level_shift' | 'drop'
  /** Index at which the detector knew (>= index: a level shift is dated back to where it began). */
  at: number
}

export interface Detection {
  anomalies: Anomaly[]
  method: AnomalyMethod
  steps: number
}

/** Input the detector cannot work on (non-finite values, options out of range); the edge maps it to a 400. */
export class AnomalyInputError extends Error {
  override name = 'AnomalyInputError'
  readonly pointer: string
  constructor(pointer: string, message: string) {
    super(message)
    this.pointer = pointer
  }
}
