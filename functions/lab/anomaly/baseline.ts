// The causal baseline both detectors score against: what each point should have been, from the cleaned trailing
// history only (no look-ahead), with a robust spread; restarts after a level shift.
import { localLine, median, robustScale } from './robust.ts'

/** Past cycles whose same-phase points the seasonal baseline takes the median of. */
export const SEASON_CYCLES = 3

export interface Expectation {
  expected: number
  scale: number
  /** comparisons spent, for the step budget */
  cost: number
}

/**
 * Expectation at `i` from `clean[from..i-1]` (`from` >= the last restart). Non-seasonal: a robust local line
 * through the window. Seasonal (when a full cycle since the restart is known): the median of the same phase in
 * up to three past cycles, plus the median residual of the window (the level has moved since those cycles).
 * The spread is the robust scale of the window's residuals. Null while fewer than `warmup` points are known.
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
  if (i - from < warmup) return null
  if (period > 1 && i - period >= restart) {
    const ref = (j: number): number | null => {
      const past: number[] = []
      for (let k = 1; k <= SEASON_CYCLES && j - k * period >= restart; k++)
        past.push(clean[j - k * period] as number)
      return past.length > 0 ? median(past) : null
    }
    const residuals: number[] = []
    for (let j = from; j < i; j++) {
      const r = ref(j)
      if (r !== null) residuals.push((clean[j] as number) - r)
    }
    if (residuals.length >= warmup) {
      const level = median(residuals)
      const centred = residuals.map((r) => r - level)
      return {
        expected: (ref(i) as number) + level,
        scale: robustScale(centred),
        cost: (i - from) * (SEASON_CYCLES + 2),
      }
    }
  }
  const line = localLine(clean.slice(from, i))
  return { expected: line.next, scale: robustScale(line.residuals), cost: (i - from) * 3 }
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
