// ml_weight sharing (VENOM seed: the mesh injects ml_weight into peers' genomes), bounded per beat.

export interface ShareBounds {
  /** per beat, w moves by at most share_bound x max(w, SHARE_FLOOR) */
  share_bound: number
  min: number
  max: number
}

/** The seed's default ml_weight: the step of a holon whose w decayed to 0 is measured against it. */
export const SHARE_FLOOR = 0.12

export const ML_WEIGHT_BOUNDS = { min: 0, max: 10 } as const

/**
 * The mean of the own weight and the peers' (values that are not finite or outside [min, max] are
 * ignored: they come from other organisations), moved at most share_bound x max(own, 0.12) from own,
 * then kept within [min, max]. No peers: own, unchanged.
 */
export function shareModel(own: number, peers: readonly number[], b: ShareBounds): number {
  const valid = peers.filter((w) => Number.isFinite(w) && w >= b.min && w <= b.max)
  if (valid.length === 0) return own
  const mean = (own + valid.reduce((s, w) => s + w, 0)) / (valid.length + 1)
  const step = b.share_bound * Math.max(Math.abs(own), SHARE_FLOOR)
  const moved = Math.min(own + step, Math.max(own - step, mean))
  return Math.min(b.max, Math.max(b.min, moved))
}
