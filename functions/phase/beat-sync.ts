// Mesh phase synchronisation of real holon beats, pure: beat phases, coupling weights, T_global and a bounded
// Kuramoto correction of the next beat time. A beat is phase 0; the phase grows by 2π per period until the next.
//   offset_P = centred(θ_P − θ_self)                      (> 0: the peer is ahead of us)
//   R e^{iΦ} = Σ_P w_P e^{i offset_P}                     (the peers' mean field, seen from us)
//   correction = K · period / 2π · Γ(Φ),  clamped to ± max_correction · period
//   next beat = scheduled − correction                     (a holon behind its peers beats sooner)
// This is the mean-field Kuramoto step K R sin(Φ) with two changes, each measured (docs/federation.md):
// - the coupling is normalised by the peers' coherence R (K/R): from incoherent phases, where R is small, the
//   plain step barely moves (20 holons simulated with 250 ms publishing: median 10.6 s to lock, this one 4.0 s);
// - Γ(Φ) = 2 sin(Φ/2) instead of sin Φ: both are Φ near lock, but sin vanishes in antiphase, and holons beat
//   on an exact grid, so no noise would ever move two organisations started half a period apart.
// With one peer Φ is its offset. For 0 < K ≤ 1, |Γ(Φ)| ≤ |Φ|: a correction never overshoots, and the offset to
// a single peer shrinks at every beat.
import { centred, couplingWeights, orderParameter, TWO_PI, wrap } from './kuramoto.ts'

/** A complex number (KAIROS T_sync and its mesh sum). */
export interface Complex {
  re: number
  im: number
}

/** What a holon publishes at a beat (structurally the MeshPulse of schemas/federation.ts). */
export interface BeatPulse {
  holon: string
  origin: string
  beat_at: number
  next_at: number
  period_ms: number
  t_sync: Complex
  coords?: number[]
  ml_weight?: number
}

export interface MeshOptions {
  /** K: the fraction of Γ(Φ), the peers' mean-field direction, corrected per beat (0 switches coupling off). */
  coupling: number
  /** Curvature for exp(−κ d) weights between ball positions. */
  kappa: number
  /** Largest correction, as a fraction of our period. */
  max_correction: number
}

export interface MeshSelf {
  /** Our next scheduled beat before correction (default: one period after `beat_at`). */
  next_at?: number
  beat_at: number
  period_ms: number
  t_sync: Complex
  coords?: number[]
}

export interface MeshPeerReading {
  origin: string
  holon: string
  /** w_P: exp(−κ d) or equal, summing to 1 over the peers. */
  weight: number
  /** Centred beat-phase difference θ_P − θ_self, radians in (−π, π]. */
  offset: number
  /** ||T_sync| − |T_P||: the seed's Delta_phase of that peer. */
  delta_phase: number
}

export interface MeshReading {
  peers: MeshPeerReading[]
  /** T_global = Σ_P w_P T_P with ourselves included as in globalPulse (weight 1 / (n + 1)). */
  t_global: Complex & { abs: number }
  /** Order parameter over our beat phase and every peer's. */
  r: number
  /** Signed ms by which the next beat moves earlier (> 0: sooner), bounded by max_correction × period. */
  correction_ms: number
}

/** The beat phase at `nowMs` of a pulse whose next beat is at `nextAtMs`: in [0, 2π), 0 at a beat. */
export function beatPhase(nextAtMs: number, periodMs: number, nowMs: number): number {
  return wrap((TWO_PI * (nowMs - nextAtMs)) / periodMs)
}

const finite = (x: number) => (Number.isFinite(x) ? x : 0)
const modulus = (c: Complex) => Math.hypot(finite(c.re), finite(c.im))

/** One mesh reading at our beat: weights, per-peer offsets and Delta_phase, T_global, r and the correction. */
export function meshStep(
  self: MeshSelf,
  peers: readonly BeatPulse[],
  opts: MeshOptions,
  nowMs: number,
): MeshReading {
  const selfNext = self.next_at ?? self.beat_at + self.period_ms
  const theta = beatPhase(selfNext, self.period_ms, nowMs)
  const weights = couplingWeights(
    self.coords,
    peers.map((p) => p.coords),
    opts.kappa,
  )
  const selfAbs = modulus(self.t_sync)
  const selfShare = 1 / (peers.length + 1)
  let re = selfShare * finite(self.t_sync.re)
  let im = selfShare * finite(self.t_sync.im)
  let zr = 0
  let zi = 0
  const phases = [theta]
  const readings = peers.map((p, i) => {
    const w = weights[i] as number
    const phase = beatPhase(p.next_at, p.period_ms, nowMs)
    phases.push(phase)
    const offset = centred(phase - theta)
    zr += w * Math.cos(offset)
    zi += w * Math.sin(offset)
    re += w * (1 - selfShare) * finite(p.t_sync.re)
    im += w * (1 - selfShare) * finite(p.t_sync.im)
    return {
      origin: p.origin,
      holon: p.holon,
      weight: w,
      offset,
      delta_phase: Math.abs(selfAbs - modulus(p.t_sync)),
    }
  })
  const bound = Math.max(0, opts.max_correction) * self.period_ms
  const phi = peers.length === 0 ? 0 : Math.atan2(zi, zr)
  const raw = (opts.coupling * self.period_ms * 2 * Math.sin(phi / 2)) / TWO_PI
  return {
    peers: readings,
    t_global: { re, im, abs: Math.hypot(re, im) },
    r: orderParameter(phases).r,
    correction_ms: Math.max(-bound, Math.min(bound, raw)),
  }
}

/** T_global again from stored mesh memory: our T_sync then, with the peers' T_P and weights used at that beat. */
export function globalOf(
  self: Complex,
  peers: readonly { t_p: Complex; weight: number }[],
): Complex & { abs: number } {
  const share = 1 / (peers.length + 1)
  let re = share * finite(self.re)
  let im = share * finite(self.im)
  for (const p of peers) {
    re += p.weight * (1 - share) * finite(p.t_p.re)
    im += p.weight * (1 - share) * finite(p.t_p.im)
  }
  return { re, im, abs: Math.hypot(re, im) }
}
