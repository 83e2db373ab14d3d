// Genome evolution (VENOM seed): O moves with the PID output (at most +-0.05 a beat), E follows the threat,
// and R, B, E share what O leaves (1 - O) in their ratio, so both seed rules hold for the stored genome.
import type { Genome } from '../../schemas/pulse.ts'

export const GENOME_START: Genome = { R: 0.25, B: 0.25, E: 0.25, O: 0.25 }
export const MAX_O_STEP = 0.05
export const E_THREAT_ONSET = 0.5

/** Which of the four cores run; an inactive core outputs nothing and its weight is held at 0. */
export interface ActiveCores {
  R: boolean
  B: boolean
  E: boolean
  O: boolean
}

export const ALL_CORES: ActiveCores = { R: true, B: true, E: true, O: true }

/** k of T_Lambda: the number of active cores (the seed's k = 4 flows). */
export const activeCount = (c: ActiveCores): number => [c.R, c.B, c.E, c.O].filter(Boolean).length

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))
const weightOf = (x: number) => (Number.isFinite(x) ? clamp(x, 0, 1) : 0)

/**
 * One beat of the genome. Order matters (issue 11): first O's step is clamped to +-0.05 (and O to [0, 1]);
 * then E follows the threat formula; then R, B, E are scaled to share 1 - O in their ratio (equally when
 * they are all 0). Renormalising all four after the clamp (the old order) moved O by 0.125 in one beat
 * when the formula dropped E to 0. `episodeBeats` is t in the E formula: beats since the threat last rose
 * above 0.5, so each episode starts at full strength and decays with a 50-beat time constant; the formula
 * goes negative when O > 0.3 and is floored at 0. With O the only active core the sum rule makes it 1
 * (configurations refuse that case, see `checkConfig`); an inactive O is 0, and R, B, E share all of 1.
 */
export function evolveGenome(
  g: Genome,
  pidOutput: number,
  threat: number,
  episodeBeats: number,
  active: ActiveCores = ALL_CORES,
): Genome {
  const others = (['R', 'B', 'E'] as const).filter((k) => active[k])
  const step = Number.isFinite(pidOutput) ? clamp(pidOutput, -MAX_O_STEP, MAX_O_STEP) : 0
  const O = !active.O ? 0 : others.length === 0 ? 1 : clamp(weightOf(g.O) + step, 0, 1)
  const E =
    threat > E_THREAT_ONSET
      ? clamp(0.15 * threat * Math.exp(-episodeBeats / 50) * (1 - O / 0.3), 0, 1)
      : weightOf(g.E)
  const raw = { R: weightOf(g.R), B: weightOf(g.B), E }
  const sum = others.reduce((s, k) => s + raw[k], 0)
  const share = (k: 'R' | 'B' | 'E') =>
    !active[k] ? 0 : sum > 0 ? (1 - O) * (raw[k] / sum) : (1 - O) / others.length
  return { R: share('R'), B: share('B'), E: share('E'), O }
}
