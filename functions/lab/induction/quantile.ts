// Empirical quantiles and their distribution-free confidence intervals from order statistics (binomial).

/** P(Bin(n, p) <= k) for k = 0..n, summed in log space so large n and small p neither underflow nor overflow. */
export function binomialCdf(n: number, p: number): number[] {
  const cdf: number[] = new Array(n + 1)
  if (p <= 0) return cdf.fill(1)
  if (p >= 1) return cdf.fill(0, 0, n).fill(1, n)
  const lr = Math.log(p) - Math.log1p(-p)
  let logPmf = n * Math.log1p(-p)
  let sum = 0
  for (let k = 0; k <= n; k++) {
    sum += Math.exp(logPmf)
    cdf[k] = Math.min(1, sum)
    logPmf += Math.log((n - k) / (k + 1)) + lr
  }
  return cdf
}

/**
 * 1-based rank of the order statistic proposed for quantile `p` of `n` values: the smallest
 * x_(k) that still has at least a fraction 1 − p of the values at or above it (k = ceil(n p), at least 1).
 */
export const quantileRank = (n: number, p: number): number =>
  Math.min(n, Math.max(1, Math.ceil(n * p - 1e-9)))

/**
 * Ranks (l, u) of the order statistics bracketing quantile `p` with probability at least `level` for any
 * continuous distribution: P(x_(l) > ξ_p) = P(Bin(n,p) <= l−1) <= α/2 and P(x_(u) < ξ_p) = P(Bin(n,p) >= u)
 * <= α/2. Rank 0 means "below every value" (the support's lower end), n + 1 "above every value".
 */
export function quantileRanks(n: number, p: number, level: number): { lower: number; upper: number } {
  const half = (1 - level) / 2
  const cdf = binomialCdf(n, p)
  let lower = 0
  for (let l = 1; l <= n; l++) {
    if ((cdf[l - 1] as number) <= half) lower = l
    else break
  }
  let upper = n + 1
  for (let u = 1; u <= n; u++) {
    if ((cdf[u - 1] as number) >= 1 - half) {
      upper = u
      break
    }
  }
  return { lower, upper }
}

export interface QuantileEstimate {
  value: number
  interval: [number, number]
}

/**
 * The `p` quantile of `values` with its order-statistics interval at `level`; `support` closes the interval
 * when it runs past the data (invariant scores live in [0, 1]).
 */
export function quantileWithInterval(
  values: readonly number[],
  p: number,
  level: number,
  support: [number, number] = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
): QuantileEstimate {
  const sorted = [...values].sort((a, b) => a - b)
  const n = sorted.length
  const { lower, upper } = quantileRanks(n, p, level)
  return {
    value: sorted[quantileRank(n, p) - 1] as number,
    interval: [
      lower === 0 ? support[0] : (sorted[lower - 1] as number),
      upper === n + 1 ? support[1] : (sorted[upper - 1] as number),
    ],
  }
}
