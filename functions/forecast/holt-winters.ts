// Holt-Winters with additive seasonality (Hyndman & Athanasopoulos, FPP3 §8.3), fitted by one-step squared error.
//
// level  l_t = alpha (y_t - s_{t-m}) + (1 - alpha)(l_{t-1} + b_{t-1})
// trend  b_t = beta (l_t - l_{t-1}) + (1 - beta) b_{t-1}              (FPP's beta*)
// season s_t = gamma (y_t - l_{t-1} - b_{t-1}) + (1 - gamma) s_{t-m}
// y_hat(t + j | t) = l_t + j b_t + s_{t + j - m (k + 1)}, k = floor((j - 1) / m)
//
// Initial states (the classical heuristic, FPP2 §7.3 / Holt-Winters' own, not optimised as in ETS): from the
// means a1, a2 of the first two seasons, b = (a2 - a1) / m; the level at t = m - 1 is a1 + b (m - 1) / 2; the
// first season's s_j = y_j - (a1 + b (j - (m - 1) / 2)), which sum to 0. The recurrences run from t = m, and
// the fit minimises the squared one-step errors from there. With m = 1 this is Holt's linear trend (gamma = 0).
import type { StepBudget } from '../budget/index.ts'
import { HW_MAX_EVALS } from './budgets.ts'
import type { Fitted, Forecaster } from './model.ts'
import { nelderMead } from './numeric.ts'

export interface HwParams {
  alpha: number
  beta: number
  gamma: number
}

export interface HwState {
  level: number
  trend: number
  /** season[t mod m] holds the latest s_t of that phase. */
  season: Float64Array
  /** Sum of squared one-step errors over t = m .. upto - 1. */
  sse: number
}

/** Runs the recurrences over y[0..upto) with fixed parameters. Needs upto >= 2m. */
export function holtWintersFilter(
  y: readonly number[],
  upto: number,
  m: number,
  p: HwParams,
  budget?: StepBudget,
): HwState {
  budget?.spend(upto)
  let a1 = 0
  let a2 = 0
  for (let j = 0; j < m; j++) {
    a1 += y[j] as number
    a2 += y[m + j] as number
  }
  a1 /= m
  a2 /= m
  let trend = (a2 - a1) / m
  let level = a1 + (trend * (m - 1)) / 2
  const season = new Float64Array(m)
  for (let j = 0; j < m; j++) season[j] = (y[j] as number) - (a1 + trend * (j - (m - 1) / 2))
  const { alpha, beta, gamma } = p
  let sse = 0
  for (let t = m; t < upto; t++) {
    const yt = y[t] as number
    const i = t % m
    const s = season[i] as number
    const e = yt - (level + trend + s)
    sse += e * e
    const next = alpha * (yt - s) + (1 - alpha) * (level + trend)
    season[i] = gamma * (yt - level - trend) + (1 - gamma) * s
    trend = beta * (next - level) + (1 - beta) * trend
    level = next
  }
  return { level, trend, season, sse }
}

/** h forecasts from the state after y[0..upto). */
export function holtWintersAhead(state: HwState, upto: number, m: number, h: number): number[] {
  const out: number[] = []
  for (let j = 1; j <= h; j++)
    out.push(state.level + j * state.trend + (state.season[(upto - 1 + j) % m] as number))
  return out
}

/** Projects onto 0 <= alpha, beta <= 1, 0 <= gamma <= 1 - alpha (FPP3's usual region); gamma = 0 without a season. */
function project(x: readonly number[], m: number): HwParams {
  const c = (v: number) => Math.min(1, Math.max(0, v))
  const alpha = c(x[0] as number)
  return { alpha, beta: c(x[1] as number), gamma: m === 1 ? 0 : Math.min(1 - alpha, c(x[2] as number)) }
}

const GRID_A = [0.1, 0.3, 0.5, 0.7, 0.9]
const GRID_B = [0.01, 0.1, 0.3]
const GRID_G = [0.01, 0.1, 0.3]

/**
 * Fits alpha, beta, gamma: the best of a coarse grid (45 points, gamma capped at 1 - alpha), then Nelder-Mead
 * from it on the projected parameters, HW_MAX_EVALS evaluations in all. Deterministic: fixed grid order, ties
 * to the earlier point.
 */
export function fitHoltWinters(
  y: readonly number[],
  m: number,
  budget?: StepBudget,
): HwParams & { sse: number } {
  const n = y.length
  const sse = (x: readonly number[]) => holtWintersFilter(y, n, m, project(x, m), budget).sse
  let best = [GRID_A[0], GRID_B[0], GRID_G[0]] as number[]
  let bestF = Number.POSITIVE_INFINITY
  let evals = 0
  for (const a of GRID_A)
    for (const b of GRID_B)
      for (const g of m === 1 ? [0] : GRID_G) {
        const x = [a, b, Math.min(g, 1 - a)]
        const f = sse(x)
        evals++
        if (f < bestF) {
          best = x
          bestF = f
        }
      }
  if (bestF > 0) {
    const dims = m === 1 ? 2 : 3
    const step = best.slice(0, dims).map((v) => (v > 0.5 ? -0.05 : 0.05))
    const nm = nelderMead(
      (x) => sse(m === 1 ? [...x, 0] : x),
      best.slice(0, dims),
      step,
      HW_MAX_EVALS - evals,
    )
    if (nm.fx < bestF) {
      best = m === 1 ? [...nm.x, 0] : nm.x
      bestF = nm.fx
    }
  }
  return { ...project(best, m), sse: bestF }
}

/** A Holt-Winters forecaster with fixed parameters (the fit's result, or given ones in tests). */
export function holtWintersWith(m: number, p: HwParams, extra: Record<string, number> = {}): Fitted {
  return {
    model: 'holt_winters',
    params: { alpha: p.alpha, beta: p.beta, gamma: p.gamma, period: m, ...extra },
    forecastFrom: (y, origin, h, budget) =>
      holtWintersAhead(holtWintersFilter(y, origin, m, p, budget), origin, m, h),
  }
}

export const holtWinters: Forecaster = {
  model: 'holt_winters',
  // two seasons to initialise, and at least three one-step errors to fit on
  minLength: (m) => 2 * m + 3,
  fit(train, m, budget) {
    const p = fitHoltWinters(train, m, budget)
    const s = holtWintersFilter(train, train.length, m, p)
    return holtWintersWith(m, p, { sse: p.sse, level: s.level, trend: s.trend })
  },
}
