// Robust statistics for anomaly detection: median, MAD with the normal-consistency constant, a robust local line.

/** 1 / Phi^-1(3/4): makes the MAD a consistent estimate of a normal standard deviation. */
export const MAD_TO_SD = 1.4826
/** sqrt(pi / 2): the same for the mean absolute deviation (Iglewicz and Hoaglin's fallback when the MAD is 0). */
export const MEAN_AD_TO_SD = 1.253314

export function median(xs: readonly number[]): number {
  const n = xs.length
  if (n === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  const h = n >> 1
  return n % 2 === 1 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2
}

/**
 * Robust spread of residuals around 0's centre: 1.4826 x MAD, or 1.2533 x mean absolute deviation when more
 * than half the residuals sit exactly on the median (sparse or quantised streams), else 0.
 */
export function robustScale(residuals: readonly number[]): number {
  if (residuals.length === 0) return 0
  const m = median(residuals)
  const dev = residuals.map((r) => Math.abs(r - m))
  const mad = median(dev)
  if (mad > 0) return MAD_TO_SD * mad
  const mean = dev.reduce((a, b) => a + b, 0) / dev.length
  return MEAN_AD_TO_SD * mean
}

/**
 * A robust local line through `xs` (equally spaced, oldest first), extrapolated one step past the end: the
 * median of the newer half plus the slope between the medians of the two halves, times the distance from the
 * newer half's centre. A slowly varying level (a diurnal ramp) is then not mistaken for a run of outliers.
 * Returns the prediction, the newer half's median (`level`) and the residuals of the window's points around the line.
 */
export function localLine(xs: readonly number[]): { next: number; level: number; residuals: number[] } {
  const n = xs.length
  if (n < 4) {
    const m = median(xs)
    return { next: m, level: m, residuals: xs.map((x) => x - m) }
  }
  const h = n >> 1
  const older = xs.slice(0, n - h)
  const newer = xs.slice(n - h)
  const c0 = (n - h - 1) / 2
  const c1 = n - h + (h - 1) / 2
  const m0 = median(older)
  const m1 = median(newer)
  const slope = (m1 - m0) / (c1 - c0)
  const at = (i: number) => m1 + slope * (i - c1)
  return { next: at(n), level: m1, residuals: xs.map((x, i) => x - at(i)) }
}
