// The forecast contract the orchestrator calls (issue 10, "Predict"), and the named refusal of bad input.

export type ForecastModel = 'seasonal_naive' | 'holt_winters' | 'ar' | 'lstm'

/**
 * Simplest first: a tie in backtest error goes to the earlier model of this list. The learned `lstm`
 * (functions/lab/learned) beat Holt-Winters on held-out traces (docs/kernel-lab-lstm.md), so it is a candidate
 * too; unnamed, it is tried only for seasons of 12 to 48 steps and within a share of the budget (lstmByDefault).
 */
export const MODELS: readonly ForecastModel[] = ['seasonal_naive', 'holt_winters', 'ar', 'lstm']

export interface ForecastOptions {
  horizon: number
  /** Season length in steps; 1 = no season. */
  period: number
  /** Coverage of the prediction interval, in (0, 1); default 0.9. */
  level?: number
  /** The models to try (default: all four, the LSTM only where lstmByDefault allows). */
  models?: ForecastModel[]
  /** Most rolling origins of the backtest (default DEFAULT_ORIGINS). */
  origins?: number
  /**
   * How intervals come from the backtest errors e_j of each step j: `normal` (default) point +- z sigma_j with
   * sigma_j their root mean square; `empirical` the quantiles of e_j themselves (docs/forecast.md compares them).
   */
  interval?: 'normal' | 'empirical'
}

export interface Backtest {
  model: ForecastModel
  /** Mean absolute scaled error; null when undefined (the in-sample seasonal-naive MAE is 0) or skipped. */
  mase: number | null
  mae: number | null
  origins: number
  /** Why the model was not backtested (series too short for it). */
  skipped?: string
  /** True on the chosen model's entry (which also comes first). */
  chosen?: boolean
}

export interface Forecast {
  /** The chosen model. */
  model: ForecastModel
  /** `horizon` values. */
  point: number[]
  lower: number[]
  upper: number[]
  level: number
  /** Every model tried, the chosen one first. */
  backtest: Backtest[]
  /** The chosen model's fitted parameters (on the whole series). */
  params: Record<string, number>
  /** Steps spent (functions/forecast/budgets.ts). */
  steps?: number
}

/** Which input rule a refusal broke: the edge maps `too_short` to 422 series_too_short, the rest to 400. */
export type ForecastIssue =
  | 'empty'
  | 'horizon'
  | 'period'
  | 'level'
  | 'not_finite'
  | 'models'
  | 'origins'
  | 'interval'
  | 'too_short'

export class ForecastInputError extends Error {
  override name = 'ForecastInputError'
  readonly issue: ForecastIssue
  /** For too_short: the fewest points the options need. */
  readonly minimum?: number

  constructor(issue: ForecastIssue, detail: string, minimum?: number) {
    super(detail)
    this.issue = issue
    if (minimum !== undefined) this.minimum = minimum
  }
}
