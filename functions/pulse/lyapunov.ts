// The seed's pid_stable: a Lyapunov check on V = e^2 over the last beats (advisory: it changes no decision).

/** V may grow by this much (relative, plus an absolute floor) between beats and still count as non-increasing. */
export const V_TOLERANCE = { relative: 1e-9, absolute: 1e-12 } as const

/** true when V = e^2 never increased (beyond the tolerance) over the last `window` errors; null before. */
export function pidStable(errors: readonly number[], window: number): boolean | null {
  if (errors.length < window) return null
  const v = errors.slice(-window).map((e) => e * e)
  for (let t = 1; t < v.length; t++) {
    const prev = v[t - 1] as number
    if ((v[t] as number) > prev * (1 + V_TOLERANCE.relative) + V_TOLERANCE.absolute) return false
  }
  return true
}
