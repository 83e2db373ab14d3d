// AR(p) by least squares with an intercept, p chosen by AIC; on the seasonally differenced series when m > 1.
//
// z_t = y_t - y_{t-m} (m > 1) or y_t (m = 1);  z_t = c + phi_1 z_{t-1} + ... + phi_p z_{t-p} + e_t.
// Every order p = 0..P is fitted on the same rows t = P..N-1 (so their AICs compare), by Householder QR;
// AIC(p) = N_eff ln(SSE_p / N_eff) + 2 (p + 1), the smallest wins, ties to the lower order. Forecasts recurse
// on z and undo the differencing with the observed (or already forecast) value one season back.
import type { StepBudget } from '../budget/index.ts'
import { AR_MAX_ORDER } from './budgets.ts'
import type { Fitted, Forecaster } from './model.ts'
import { leastSquares } from './numeric.ts'

export interface ArFit {
  /** Lag of the differencing (m), 0 when the series is used as is. */
  lag: number
  p: number
  intercept: number
  phi: number[]
  sse: number
  /** Residual variance SSE / N_eff. */
  sigma2: number
  aic: number
}

/** z from y[0..upto): seasonal differences at lag m when m > 1. */
export function differenced(y: readonly number[], upto: number, m: number): number[] {
  if (m === 1) return y.slice(0, upto)
  const z: number[] = []
  for (let t = m; t < upto; t++) z.push((y[t] as number) - (y[t - m] as number))
  return z
}

/** The highest order tried on a differenced series of length nz: AR_MAX_ORDER, or fewer on short series. */
export const maxOrder = (nz: number, cap = AR_MAX_ORDER) => Math.max(0, Math.min(cap, Math.floor(nz / 5)))

/** Least squares of z on its p lags and 1, on rows t = start..nz-1. */
export function fitArOrder(z: readonly number[], p: number, start: number, budget?: StepBudget) {
  const rows = z.length - start
  const cols = p + 1
  budget?.spend(rows * cols * cols)
  const x = new Float64Array(rows * cols)
  const target = new Float64Array(rows)
  for (let r = 0; r < rows; r++) {
    const t = start + r
    x[r * cols] = 1
    for (let i = 1; i <= p; i++) x[r * cols + i] = z[t - i] as number
    target[r] = z[t] as number
  }
  const { beta, sse } = leastSquares(x, target, rows, cols)
  return { intercept: beta[0] as number, phi: beta.slice(1), sse, rows }
}

/** Fits orders 0..maxP on the same rows and keeps the one with the smallest AIC. */
export function fitAr(y: readonly number[], m: number, maxP?: number, budget?: StepBudget): ArFit {
  const z = differenced(y, y.length, m)
  const top = maxP ?? maxOrder(z.length)
  let best: ArFit | undefined
  for (let p = 0; p <= top; p++) {
    const f = fitArOrder(z, p, top, budget)
    const aic = f.rows * Math.log(f.sse / f.rows) + 2 * (p + 1)
    if (!best || aic < best.aic)
      best = {
        lag: m === 1 ? 0 : m,
        p,
        intercept: f.intercept,
        phi: f.phi,
        sse: f.sse,
        sigma2: f.sse / f.rows,
        aic,
      }
  }
  return best as ArFit
}

/** h forecasts from y[0..origin). */
export function arAhead(fit: ArFit, y: readonly number[], origin: number, h: number): number[] {
  const m = fit.lag
  const z = differenced(y, origin, m === 0 ? 1 : m)
  const ext = y.slice(0, origin)
  const out: number[] = []
  for (let j = 0; j < h; j++) {
    let v = fit.intercept
    for (let i = 0; i < fit.p; i++) v += (fit.phi[i] as number) * (z[z.length - 1 - i] as number)
    z.push(v)
    const yhat = m === 0 ? v : v + (ext[ext.length - m] as number)
    ext.push(yhat)
    out.push(yhat)
  }
  return out
}

export function arWith(fit: ArFit): Fitted {
  const params: Record<string, number> = {
    p: fit.p,
    lag: fit.lag,
    intercept: fit.intercept,
    sigma2: fit.sigma2,
    aic: fit.aic,
  }
  fit.phi.forEach((v, i) => {
    params[`phi${i + 1}`] = v
  })
  return {
    model: 'ar',
    params,
    forecastFrom: (y, origin, h, budget) => {
      budget.spend(origin + h * (fit.p + 1))
      return arAhead(fit, y, origin, h)
    },
  }
}

export const ar: Forecaster = {
  model: 'ar',
  // ten differenced points: orders up to 2 with at least 8 rows
  minLength: (m) => (m === 1 ? 10 : m + 10),
  fit: (train, m, budget) => arWith(fitAr(train, m, undefined, budget)),
}
