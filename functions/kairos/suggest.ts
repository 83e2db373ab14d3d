// The Emissary's suggestion (advisory): what to do next, from the KAIROS reading, its gate and the holon's scores.
import type { KairosConfig, KairosReading, Suggestion } from '../../schemas/pulse.ts'

/** One invariant's current score against its threshold. */
export interface ScoreLine {
  invariant: string
  score: number
  threshold: number
}

export interface SuggestContext {
  /** the pulse runs (the dissipation gate acts only then) */
  running: boolean
  /** the holon's invariants, in the kernel's order */
  scores: readonly ScoreLine[]
}

/** Incoherent: the transducers disagree by more than delta and the holon has not collapsed. */
export const incoherent = (r: KairosReading, c: KairosConfig): boolean =>
  !r.collapse && r.delta_phase > c.phase_threshold

/** The gate's dissipation: incoherent while the pulse runs with `gate: 'dissipate'`. */
export const dissipating = (r: KairosReading, c: KairosConfig, running: boolean): boolean =>
  running && c.gate === 'dissipate' && incoherent(r, c)

/** Why the gate holds commits: the reading's numbers against the configuration's. */
export interface Dissipation {
  delta_phase: number
  phase_threshold: number
  collapse: boolean
  sync_power: number
  coherence_threshold: number
}

/** The gate's dissipation with its reasons, or null when it does not act. */
export const dissipation = (r: KairosReading, c: KairosConfig, running: boolean): Dissipation | null =>
  dissipating(r, c, running)
    ? {
        delta_phase: r.delta_phase,
        phase_threshold: c.phase_threshold,
        collapse: r.collapse,
        sync_power: r.sync_power,
        coherence_threshold: c.coherence_threshold,
      }
    : null

const fmt = (x: number) => Number(x.toPrecision(4))

/**
 * The invariant to watch: the most urgent violated one ((threshold - score) / threshold, the Regen core's
 * urgency), else the one with the least headroom above its threshold; ties go to the kernel's order.
 */
export function watched(scores: readonly ScoreLine[]): { line: ScoreLine; violated: boolean } | null {
  let best: { line: ScoreLine; violated: boolean; key: number } | null = null
  for (const line of scores) {
    const violated = line.score < line.threshold
    const key = violated
      ? 1 + (line.threshold - line.score) / (line.threshold > 0 ? line.threshold : 1)
      : -(line.score - line.threshold)
    if (!best || key > best.key) best = { line, violated, key }
  }
  return best && { line: best.line, violated: best.violated }
}

/**
 * hold while the gate dissipates; proceed once collapsed; realign when incoherent but the gate is off (or
 * the pulse stopped); otherwise watch the invariant nearest trouble.
 */
export function suggest(r: KairosReading, c: KairosConfig, context: SuggestContext): Suggestion {
  const gap = `delta_phase ${fmt(r.delta_phase)} > delta ${c.phase_threshold}`
  const w = watched(context.scores)
  const named = w ? { invariant: w.line.invariant } : {}
  if (dissipating(r, c, context.running)) {
    return {
      action: 'hold',
      ...named,
      reason: `incoherent (${gap}, abs(T_sync)^2 ${fmt(r.sync_power)} < I_c ${c.coherence_threshold}): commits need an override until Master and Emissary agree`,
    }
  }
  if (r.collapse) {
    return {
      action: 'proceed',
      reason: `collapsed: abs(T_sync)^2 ${fmt(r.sync_power)} >= I_c ${c.coherence_threshold}`,
    }
  }
  if (incoherent(r, c)) {
    return {
      action: 'realign',
      ...named,
      reason: `incoherent (${gap}): the fast Emissary (${fmt(r.emissary.abs)}) and the slow Master (${fmt(r.master.abs)}) disagree; ${context.running ? 'the gate is off' : 'the pulse is stopped'}, so commits are not held`,
    }
  }
  if (!w)
    return { action: 'watch', reason: 'coherent within delta, not collapsed; the kernel has no invariants' }
  const { line, violated } = w
  return {
    action: 'watch',
    invariant: line.invariant,
    reason: violated
      ? `${line.invariant} is violated: score ${fmt(line.score)} < threshold ${line.threshold}`
      : `${line.invariant} is nearest its threshold: score ${fmt(line.score)}, threshold ${line.threshold}`,
  }
}
