// Kuramoto phase coupling, pure: one explicit Euler step, coupling weights and the order parameter.
//   dθ_i/dt = ω_i + K Σ_j w_j sin(θ_j − θ_i),  Σ_j w_j = 1 over live peers (equal, or exp(−κ d_ij) in the ball)
//   r e^{iψ} = mean over self and live peers of e^{iθ};   T_global = Σ_P w_P T_P (self included, weights summing to 1)
import { distance } from '../geometry/poincare.ts'

export const TWO_PI = 2 * Math.PI

/** An angle in [0, 2π). */
export const wrap = (x: number): number => ((x % TWO_PI) + TWO_PI) % TWO_PI

/** An angle in (−π, π]. */
export function centred(x: number): number {
  const w = wrap(x)
  return w > Math.PI ? w - TWO_PI : w
}

/** A phase that was `phase` `seconds` ago, advanced at angular frequency `omega`. */
export const advance = (phase: number, omega: number, seconds: number): number =>
  wrap(phase + omega * seconds)

/**
 * Coupling weights over peers, summing to 1: exp(−κ d) for peers whose Poincaré-ball coordinates have our
 * dimension (when we have coordinates), 1 otherwise, then normalised.
 */
export function couplingWeights(
  self: readonly number[] | undefined,
  peers: readonly (readonly number[] | undefined)[],
  kappa: number,
): number[] {
  const raw = peers.map((c) =>
    self && c && c.length === self.length ? Math.exp(-kappa * distance(self, c, kappa)) : 1,
  )
  const sum = raw.reduce((a, b) => a + b, 0)
  return raw.map((w) => w / sum)
}

export interface Coupled {
  phase: number
  weight: number
}

/** One explicit Euler step of length `dt` seconds: θ + dt (ω + K Σ w_j sin(θ_j − θ)), wrapped. */
export function kuramotoStep(
  theta: number,
  omega: number,
  coupling: number,
  dt: number,
  peers: readonly Coupled[],
): number {
  let pull = 0
  for (const p of peers) pull += p.weight * Math.sin(p.phase - theta)
  return wrap(theta + dt * (omega + coupling * pull))
}

/** Order parameter: r in [0, 1] (1 when every phase is equal) and the mean phase ψ in (−π, π]. */
export function orderParameter(phases: readonly number[]): { r: number; psi: number } {
  if (phases.length === 0) return { r: 0, psi: 0 }
  let re = 0
  let im = 0
  for (const t of phases) {
    re += Math.cos(t)
    im += Math.sin(t)
  }
  re /= phases.length
  im /= phases.length
  return { r: Math.min(1, Math.hypot(re, im)), psi: Math.atan2(im, re) }
}

/** T_global: self weighs 1 / (n + 1), peers share the rest by their coupling weights. */
export function globalPulse(selfPulse: number, peers: readonly { pulse: number; weight: number }[]): number {
  const self = 1 / (peers.length + 1)
  return self * selfPulse + peers.reduce((a, p) => a + p.weight * (1 - self) * p.pulse, 0)
}
