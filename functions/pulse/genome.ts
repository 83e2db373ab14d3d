// Genome evolution (VENOM seed): O moves with the PID output (at most +-0.05 a beat), E follows the threat,
// then R, B, E, O are renormalised to sum 1.
import type { Genome } from '../../schemas/pulse.ts'

export const GENOME_START: Genome = { R: 0.25, B: 0.25, E: 0.25, O: 0.25 }
const MAX_O_STEP = 0.05
export const E_THREAT_ONSET = 0.5

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))

function normalise(g: Genome): Genome {
  const sum = g.R + g.B + g.E + g.O
  if (!(sum > 0)) return { ...GENOME_START }
  return { R: g.R / sum, B: g.B / sum, E: g.E / sum, O: g.O / sum }
}

/**
 * `episodeBeats` is t in the E formula: beats since the threat last rose above 0.5, so each threat
 * episode starts at full strength and decays with a 50-beat time constant. Weights stay in [0, 1]
 * (the E formula goes negative when O > 0.3; it is floored at 0).
 */
export function evolveGenome(g: Genome, pidOutput: number, threat: number, episodeBeats: number): Genome {
  const O = clamp(g.O + clamp(pidOutput, -MAX_O_STEP, MAX_O_STEP), 0, 1)
  const E =
    threat > E_THREAT_ONSET ? clamp(0.15 * threat * Math.exp(-episodeBeats / 50) * (1 - O / 0.3), 0, 1) : g.E
  return normalise({ R: g.R, B: g.B, E, O })
}
