// Small numerical kernels of the forecasters: empirical quantiles, least squares by Householder QR, Nelder-Mead.

/** The q-quantile of `xs` with linear interpolation between order statistics (Hyndman & Fan type 7, numpy's default). */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  const h = (s.length - 1) * q
  const lo = Math.floor(h)
  const hi = Math.min(lo + 1, s.length - 1)
  const a = s[lo] as number
  return a + (h - lo) * ((s[hi] as number) - a)
}

/**
 * Least squares min |X b - y| by Householder QR (X is rows x cols, row-major). A column whose remaining norm
 * is negligible (collinear with earlier ones, e.g. a constant series) gets coefficient 0, as a minimum-norm
 * solution would in the common case; returns the coefficients and the residual sum of squares.
 */
export function leastSquares(
  x: Float64Array,
  y: Float64Array,
  rows: number,
  cols: number,
): { beta: number[]; sse: number } {
  const a = Float64Array.from(x)
  const b = Float64Array.from(y)
  const active: boolean[] = []
  const norms: number[] = []
  for (let j = 0; j < cols; j++) {
    let s = 0
    for (let i = 0; i < rows; i++) s += (a[i * cols + j] as number) ** 2
    norms.push(Math.sqrt(s))
  }
  let r = 0 // next pivot row
  const pivotRow: number[] = []
  for (let j = 0; j < cols; j++) {
    let s = 0
    for (let i = r; i < rows; i++) s += (a[i * cols + j] as number) ** 2
    const norm = Math.sqrt(s)
    if (r >= rows || norm <= 1e-12 * ((norms[j] as number) + 1e-300) || norm === 0) {
      active.push(false)
      pivotRow.push(-1)
      continue
    }
    const head = a[r * cols + j] as number
    const alpha = head > 0 ? -norm : norm
    // v = x - alpha e1, stored in place below the pivot; v_r kept separately
    const v0 = head - alpha
    const vnorm2 = s - head * head + v0 * v0
    a[r * cols + j] = v0
    for (let k = j + 1; k < cols; k++) {
      let d = 0
      for (let i = r; i < rows; i++) d += (a[i * cols + j] as number) * (a[i * cols + k] as number)
      const f = (2 * d) / vnorm2
      for (let i = r; i < rows; i++)
        a[i * cols + k] = (a[i * cols + k] as number) - f * (a[i * cols + j] as number)
    }
    let d = 0
    for (let i = r; i < rows; i++) d += (a[i * cols + j] as number) * (b[i] as number)
    const f = (2 * d) / vnorm2
    for (let i = r; i < rows; i++) b[i] = (b[i] as number) - f * (a[i * cols + j] as number)
    a[r * cols + j] = alpha // R's diagonal
    active.push(true)
    pivotRow.push(r)
    r++
  }
  const beta = new Array<number>(cols).fill(0)
  for (let j = cols - 1; j >= 0; j--) {
    if (!active[j]) continue
    const row = pivotRow[j] as number
    let s = b[row] as number
    for (let k = j + 1; k < cols; k++) if (active[k]) s -= (a[row * cols + k] as number) * (beta[k] as number)
    beta[j] = s / (a[row * cols + j] as number)
  }
  // the residual from the fitted coefficients, not from Q'y, so it is exact for the returned beta
  let sse = 0
  for (let i = 0; i < rows; i++) {
    let p = 0
    for (let k = 0; k < cols; k++) p += (x[i * cols + k] as number) * (beta[k] as number)
    sse += ((y[i] as number) - p) ** 2
  }
  return { beta, sse }
}

/**
 * Nelder-Mead with the standard coefficients (reflect 1, expand 2, contract 1/2, shrink 1/2), from `start`
 * with an axis-aligned initial simplex of `step`; deterministic, stops after `maxEvals` evaluations or when the
 * simplex's values and size have collapsed. `f` sees points as given; callers project onto their domain.
 */
export function nelderMead(
  f: (p: number[]) => number,
  start: number[],
  step: number[],
  maxEvals: number,
): { x: number[]; fx: number; evals: number } {
  const n = start.length
  let evals = 0
  const ev = (p: number[]) => {
    evals++
    const v = f(p)
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY
  }
  const simplex: { x: number[]; fx: number }[] = [{ x: start, fx: ev(start) }]
  for (let i = 0; i < n; i++) {
    const x = [...start]
    x[i] = (x[i] as number) + (step[i] as number)
    simplex.push({ x, fx: ev(x) })
  }
  const comb = (a: number[], b: number[], t: number) => a.map((ai, i) => ai + t * ((b[i] as number) - ai))
  while (evals < maxEvals) {
    // stable order: equal values keep their earlier position, so the run is reproducible
    simplex.sort((p, q) => p.fx - q.fx)
    const best = simplex[0] as { x: number[]; fx: number }
    const worst = simplex[n] as { x: number[]; fx: number }
    const spread = worst.fx - best.fx
    let size = 0
    for (const p of simplex)
      for (let i = 0; i < n; i++) size = Math.max(size, Math.abs((p.x[i] as number) - (best.x[i] as number)))
    if (spread <= 1e-12 * Math.abs(best.fx) + 1e-300 && size < 1e-7) break
    const centroid = new Array<number>(n).fill(0)
    for (let k = 0; k < n; k++)
      for (let i = 0; i < n; i++)
        centroid[i] = (centroid[i] as number) + ((simplex[k] as { x: number[] }).x[i] as number) / n
    const xr = comb(centroid, worst.x, -1)
    const fr = ev(xr)
    const second = (simplex[n - 1] as { fx: number }).fx
    if (fr < best.fx) {
      const xe = comb(centroid, worst.x, -2)
      const fe = ev(xe)
      simplex[n] = fe < fr ? { x: xe, fx: fe } : { x: xr, fx: fr }
    } else if (fr < second) {
      simplex[n] = { x: xr, fx: fr }
    } else {
      const outside = fr < worst.fx
      const xc = outside ? comb(centroid, xr, 0.5) : comb(centroid, worst.x, 0.5)
      const fc = ev(xc)
      if (fc < (outside ? fr : worst.fx)) simplex[n] = { x: xc, fx: fc }
      else
        for (let k = 1; k <= n; k++) {
          const x = comb(best.x, (simplex[k] as { x: number[] }).x, 0.5)
          simplex[k] = { x, fx: ev(x) }
        }
    }
  }
  simplex.sort((p, q) => p.fx - q.fx)
  const top = simplex[0] as { x: number[]; fx: number }
  return { x: top.x, fx: top.fx, evals }
}

const ACKLAM_A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
]
const ACKLAM_B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
]
const ACKLAM_C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
]
const ACKLAM_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]

const poly = (c: readonly number[], x: number) => c.reduce((s, v) => s * x + v, 0)

/** The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9), 0 < p < 1. */
export function normalQuantile(p: number): number {
  const lowTail = 0.02425
  if (p < lowTail) {
    const q = Math.sqrt(-2 * Math.log(p))
    return poly(ACKLAM_C, q) / (poly(ACKLAM_D, q) * q + 1)
  }
  if (p > 1 - lowTail) return -normalQuantile(1 - p)
  const q = p - 0.5
  const r = q * q
  return (poly(ACKLAM_A, r) * q) / (poly(ACKLAM_B, r) * r + 1)
}
