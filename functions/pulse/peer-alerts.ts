// Peer alerts as an anomaly feature: verified ALERT / QUARANTINE decisions of other organisations' holons,
// weighted by how compatible their kernel is with ours (the rhizome compatibility view).
import type { Compatibility } from '../rhizome/compatibility.ts'

export interface PeerAlert {
  origin: string
  decision: 'ALERT' | 'QUARANTINE'
  /** the peer kernel's compatibility weight in [0, 1]; null when the peer's artifact is unknown */
  compatibility: number | null
}

/** A QUARANTINE counts as one anomaly, an ALERT as half (the Arbiter's two threat levels). */
export const SEVERITY = { QUARANTINE: 1, ALERT: 0.5 } as const
/** The weight of a peer whose kernel we have not seen. */
export const UNKNOWN_COMPATIBILITY = 0.5

/**
 * How much a peer's kernel speaks to ours, in [0, 1]: the invariant overlap |shared| / |ours ∪ theirs|
 * times the threshold agreement 1 - mean |peer threshold - our threshold| over the shared invariants.
 * A peer guarding none of our invariants weighs 0; the same kernel weighs 1.
 */
export function compatibilityWeight(c: Compatibility): number {
  if (c.shared.length === 0) return 0
  const gap = c.shared.reduce((s, i) => s + Math.min(1, Math.abs(i.threshold_diff)), 0) / c.shared.length
  return Math.min(1, Math.max(0, c.overlap * (1 - gap)))
}

/**
 * The `peer_alerts` feature: per origin, its most severe alert since the last beat (a peer beating fast
 * cannot multiply its weight) x its compatibility (0.5 when unknown), summed over origins.
 */
export function peerAlertScore(alerts: readonly PeerAlert[]): number {
  const worst = new Map<string, number>()
  for (const a of alerts) {
    const w = SEVERITY[a.decision] * (a.compatibility ?? UNKNOWN_COMPATIBILITY)
    worst.set(a.origin, Math.max(worst.get(a.origin) ?? 0, w))
  }
  let sum = 0
  for (const w of worst.values()) sum += w
  return sum
}
