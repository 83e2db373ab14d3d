// The causal baseline both detectors score against: what each point should have been, from the cleaned trailing
// history only (no look-ahead), with a robust spread; restarts after a level shift.
import { localLine, median, robustScale } from './robust.ts'

/** Past cycles whose same-phase points the seasonal baseline takes the median of. */
export const SEASON_CYCLES = 3

export interface Expectation {
  expected: number
  /**
   * What a flagged point leaves in the history: the seasonal expectation, or without a season the recent level
   * without the line's slope (an extrapolated slope fed back into the history would steepen itself: a runaway)
   */
  fill: number
  scale: number
  /** comparisons spent, for the step budget */
  cost: number
}

/**
 * Expectation at `i` from `clean[from..i-1]` (`from` >= the last restart). Non-seasonal: a robust local line
 * through the window. Seasonal (when a full cycle since the restart is known): the median of the same phase in
 * up to three past cycles, plus the median residual of the window (the level has moved since those cycles).
 * The spread is the robust scale of the window's residuals. Null while fewer than `warmup` points (seasonal:
 * a cycle plus `warmup`) are known since the start or the last restart.
 */
export function expectAt(
  clean: readonly number[],
  i: number,
  restart: number,
  window: number,
  warmup: number,
  period: number,
): Expectation | null {
  const from = Math.max(restart, i - window)
  if (period > 1) {
    // a seasonal series is judged only once a full cycle and `warmup` points of its residuals are known: the
    // first cycle alone says nothing about what is normal at each phase
    if (i - restart < period + warmup) return null
    const ref = (j: number): number => {
      const past: number[] = []
      for (let k = 1; k <= SEASON_CYCLES && j - k * period >= restart; k++)
        past.push(clean[j - k * period] as number)
      return median(past)
    }
    const residuals: number[] = []
    for (let j = Math.max(from, restart + period); j < i; j++) residuals.push((clean[j] as number) - ref(j))
    const level = median(residuals)
    return {
      expected: ref(i) + level,
      fill: ref(i) + level,
      scale: robustScale(residuals.map((r) => r - level)),
      cost: (i - from) * (SEASON_CYCLES + 2),
    }
  }
  if (i - from < warmup) return null
  const line = localLine(clean.slice(from, i))
  return { expected: line.next, fill: line.level, scale: robustScale(line.residuals), cost: (i - from) * 3 }
}

/** Largest |score| reported: a point off a window whose spread is exactly 0 (a constant stretch). */
export const MAX_SCORE = 1e9

/** Robust z of `value` against an expectation; 0 when it matches, capped when the spread is 0. */
export function zOf(value: number, e: Expectation): number {
  const r = value - e.expected
  if (r === 0) return 0
  if (e.scale === 0) return Math.sign(r) * MAX_SCORE
  return Math.max(-MAX_SCORE, Math.min(MAX_SCORE, r / e.scale))
}
