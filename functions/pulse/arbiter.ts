// The Arbiter (VENOM seed thresholds): threat decides first; otherwise the genome-weighted core outputs do.
import type { Decision, Genome } from '../../schemas/pulse.ts'

const THREAT_QUARANTINE = 0.85
export const THREAT_ALERT = 0.6
const STABILITY_THRESHOLD = 0.25
const OPT_GAIN_THRESHOLD = 0.1

export interface CoreOutputs {
  /** Regen urgency */
  urgency: number
  instability: number
  threat: number
  gain: number
}

/**
 * QUARANTINE at threat >= 0.85, ALERT at >= 0.60 (safety is not weighted). Otherwise BALANCE when the
 * instability is above 0.25 and OPTIMIZE when the gain is above 0.1; when both qualify the larger
 * genome-weighted output wins (ties go to BALANCE: stabilise before reinvesting).
 */
export function decide(c: CoreOutputs, g: Genome): { decision: Decision; weighted: Genome } {
  const weighted = { R: g.R * c.urgency, B: g.B * c.instability, E: g.E * c.threat, O: g.O * c.gain }
  if (c.threat >= THREAT_QUARANTINE) return { decision: 'QUARANTINE', weighted }
  if (c.threat >= THREAT_ALERT) return { decision: 'ALERT', weighted }
  const balance = c.instability > STABILITY_THRESHOLD
  const optimize = c.gain > OPT_GAIN_THRESHOLD
  if (balance && (!optimize || weighted.B >= weighted.O)) return { decision: 'BALANCE', weighted }
  if (optimize) return { decision: 'OPTIMIZE', weighted }
  return { decision: 'NONE', weighted }
}
