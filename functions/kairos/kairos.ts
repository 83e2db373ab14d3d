// KAIROS temporal coherence (BecomingONE seed): slow Master and fast Emissary transducers over phi(t),
// delta_phase = abs(abs(T_master) - abs(T_emissary)), T_sync = (T_master + T_emissary) / 2,
// collapse when abs(T_sync)^2 >= I_c.
import type { KairosConfig, KairosReading } from '../../schemas/pulse.ts'
import { type Coherence, type Term, Transducer } from './transducer.ts'

/** Samples a fresh engine needs to reproduce the full Master window: W terms, each spanning tau + 1 steps. */
export const samplesToRebuild = (c: KairosConfig): number =>
  Math.max(c.master_window, c.emissary_window) + c.tau + 1

export class Kairos {
  readonly config: KairosConfig
  readonly master: Transducer
  readonly emissary: Transducer
  private last: readonly number[] | null = null
  /** the last tau + 1 derivatives, newest last */
  private dots: number[][] = []
  private seen = 0

  constructor(config: KairosConfig) {
    this.config = config
    this.master = new Transducer(config.master_window)
    this.emissary = new Transducer(config.emissary_window)
  }

  get samples(): number {
    return this.seen
  }

  /** Counts samples older than the windows (a replay starts from the last few only). */
  skip(n: number): void {
    this.seen += Math.max(0, n)
  }

  /**
   * Takes phi at sample index `n` (time is the holon's sample clock: one step per beat or commit, dt = 1).
   * phi_dot(n) = phi(n) - phi(n - 1); from the (tau + 1)-th derivative on, each sample adds one term
   * <phi_dot(n), phi_dot(n - tau)> e^(i omega n) to both windows. O(d) in the dimension, O(1) in the window.
   */
  sample(phi: readonly number[], n: number): void {
    this.seen++
    const prev = this.last
    this.last = phi
    if (!prev || prev.length !== phi.length) {
      this.dots = []
      return
    }
    const dot = phi.map((x, i) => x - (prev[i] as number))
    this.dots.push(dot)
    if (this.dots.length > this.config.tau + 1) this.dots.shift()
    if (this.dots.length < this.config.tau + 1) return
    const lagged = this.dots[0] as number[]
    let inner = 0
    let a = 0
    let b = 0
    for (let i = 0; i < dot.length; i++) {
      inner += (dot[i] as number) * (lagged[i] as number)
      a += (dot[i] as number) ** 2
      b += (lagged[i] as number) ** 2
    }
    const angle = this.config.omega * n
    const term: Term = { re: inner * Math.cos(angle), im: inner * Math.sin(angle), mag: Math.sqrt(a * b) }
    this.master.push(term)
    this.emissary.push(term)
  }

  reading(): KairosReading {
    const m = this.master.coherence()
    const e = this.emissary.coherence()
    const sync: Coherence = { re: (m.re + e.re) / 2, im: (m.im + e.im) / 2, abs: 0 }
    sync.abs = Math.hypot(sync.re, sync.im)
    const power = sync.abs ** 2
    return {
      samples: this.seen,
      master: m,
      emissary: e,
      delta_phase: Math.abs(m.abs - e.abs),
      sync,
      sync_power: power,
      collapse: power >= this.config.i_c,
    }
  }
}
