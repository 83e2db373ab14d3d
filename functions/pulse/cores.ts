// The four cores, computed from the holon's own data: Regen, Balance, Entropy (see entropy-model.ts), Optimize.
import type { Violation } from '../../schemas/evaluation.ts'
import type { Recommendation } from '../../schemas/pulse.ts'

const REPAIR_THRESHOLD = 0.1

export interface Dimension {
  invariant: string
  threshold: number
  weight: number
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x))

/**
 * Regen: for each violated invariant, urgency is its relative deficit (threshold - score) / threshold and
 * cost its torsion share w (threshold - score)^2; repair is recommended above urgency 0.1, most urgent first.
 */
export function regen(violations: readonly Violation[]) {
  const all = violations.map(
    (v): Recommendation => ({
      invariant: v.invariant,
      urgency: v.threshold > 0 ? clamp01((v.threshold - v.score) / v.threshold) : 1,
      cost: v.cost,
    }),
  )
  return {
    urgency: Math.max(0, ...all.map((r) => r.urgency)),
    cost: all.reduce((s, r) => s + r.cost, 0),
    recommendations: all.filter((r) => r.urgency > REPAIR_THRESHOLD).sort((a, b) => b.urgency - a.urgency),
  }
}

/** Balance: mean per-beat movement of the state vector, ||phi_t - phi_t-1|| / sqrt(d), in [0, 1] for scores in [0, 1]. */
export function instability(recent: readonly (readonly number[])[]): number {
  let sum = 0
  let pairs = 0
  for (let t = 1; t < recent.length; t++) {
    const a = recent[t - 1] as readonly number[]
    const b = recent[t] as readonly number[]
    if (a.length !== b.length || a.length === 0) continue
    let sq = 0
    for (let i = 0; i < a.length; i++) sq += ((b[i] as number) - (a[i] as number)) ** 2
    sum += Math.sqrt(sq / a.length)
    pairs++
  }
  return pairs === 0 ? 0 : clamp01(sum / pairs)
}

/** Optimize: weighted mean headroom max(0, score - threshold); none while any invariant is violated. */
export function expectedGain(
  state: readonly number[],
  dims: readonly Dimension[],
  violated: boolean,
): number {
  if (violated || dims.length === 0) return 0
  let num = 0
  let den = 0
  dims.forEach((d, i) => {
    num += d.weight * Math.max(0, (state[i] ?? 0) - d.threshold)
    den += d.weight
  })
  return den > 0 ? clamp01(num / den) : 0
}

/** Scores in [threshold, threshold + margin): still admissible, one bad event away from a violation. */
export const nearThreshold = (state: readonly number[], dims: readonly Dimension[], margin: number): number =>
  dims.filter((d, i) => {
    const s = state[i] ?? 0
    return s >= d.threshold && s < d.threshold + margin
  }).length
