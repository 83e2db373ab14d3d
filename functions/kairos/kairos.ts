// KAIROS temporal coherence (BecomingONE seed) on a uniform clock: slow Master and fast Emissary transducers
// over phi(t), delta_phase = abs(abs(T_master) - abs(T_emissary)), T_sync = (T_master + T_emissary) / 2,
// collapse when abs(T_sync)^2 >= I_c.
import type { KairosConfig, KairosReading } from '../../schemas/pulse.ts'
import { type Coherence, type Term, Transducer, ZERO_TERM } from './transducer.ts'

/** The grid step a time (epoch ms) falls in: steps are `tau_scale_ms` long. */
export const stepOf = (c: Pick<KairosConfig, 'tau_scale_ms'>, atMs: number): number =>
  Math.floor(atMs / c.tau_scale_ms)

/**
 * Grid steps before the latest one that the engine's state depends on: W terms, each reaching tau steps
 * further back, and the state one step before that. Idle stretches longer than this are cut to it.
 */
export const stepsToRebuild = (c: KairosConfig): number =>
  Math.max(c.master_window, c.emissary_window) + c.tau + 1

export class Kairos {
  readonly config: KairosConfig
  master: Transducer
  emissary: Transducer
  /** the latest grid step, null before the first sample */
  private step: number | null = null
  /** phi at the latest step: the latest state */
  private phi: readonly number[] = []
  /** phi at the step before, null on the first step after a (re)start (no derivative there) */
  private base: readonly number[] | null = null
  /** phi_dot of the (up to) tau closed steps before the latest one, oldest first */
  private dots: (readonly number[])[] = []
  /** the zero derivative of an idle step, shared */
  private zero: readonly number[] = []
  private seen = 0

  constructor(config: KairosConfig) {
    this.config = config
    this.master = new Transducer(config.master_window)
    this.emissary = new Transducer(config.emissary_window)
  }

  get samples(): number {
    return this.seen
  }

  /** The latest grid step (null before the first sample). */
  get latestStep(): number | null {
    return this.step
  }

  /** Counts samples older than the windows (a replay starts from the last few only). */
  skip(n: number): void {
    this.seen += Math.max(0, n)
  }

  /**
   * Takes phi observed at `atMs` (epoch ms). phi(k) is the latest state at grid step k; phi_dot(k) =
   * phi(k) - phi(k - 1); each step from the (tau + 1)-th derivative on adds the term
   * <phi_dot(k), phi_dot(k - tau)> e^(i omega t_k), t_k = k tau_scale in seconds, to both windows. A later
   * sample in the same step revises that step's term, so a burst reads as its final state. Steps without a
   * sample are idle (phi unchanged, phi_dot 0); at most `stepsToRebuild` of them change anything.
   * A time before the latest step counts as the latest step (the clock never runs backwards here).
   * A change of dimension restarts the engine. O(d) per step in the dimension d, O(1) in the windows.
   */
  sample(phi: readonly number[], atMs: number): void {
    this.seen++
    const k = Math.max(stepOf(this.config, atMs), this.step ?? Number.NEGATIVE_INFINITY)
    if (this.step === null || phi.length !== this.phi.length) {
      this.restart(phi, k)
      return
    }
    if (k > this.step) this.advanceTo(k)
    this.phi = phi
    this.term(false)
  }

  /** Moves the clock to `atMs` without a new state (idle steps up to it): the coherence at that time. */
  advance(atMs: number): void {
    if (this.step === null) return
    const k = stepOf(this.config, atMs)
    if (k > this.step) this.advanceTo(k)
  }

  /** A first sample, or a change of dimension: the windows start afresh at step k. */
  private restart(phi: readonly number[], k: number): void {
    this.master = new Transducer(this.config.master_window)
    this.emissary = new Transducer(this.config.emissary_window)
    this.step = k
    this.phi = phi
    this.base = null
    this.dots = []
    this.zero = phi.map(() => 0)
  }

  /** Closes the latest step and the idle steps after it (bounded), and opens step k with phi unchanged. */
  private advanceTo(k: number): void {
    const step = this.step as number
    const base = this.base
    if (base) this.pushDot(this.phi.map((x, i) => x - (base[i] as number)))
    const idle = k - step - 1
    if (idle >= stepsToRebuild(this.config)) {
      // a silence longer than the windows leaves zero terms in them and zero derivatives on the lag line:
      // the same sums as stepping through it, in O(tau)
      this.master = new Transducer(this.config.master_window)
      this.emissary = new Transducer(this.config.emissary_window)
      this.dots = Array.from({ length: this.config.tau }, () => this.zero)
    } else {
      // each idle step's term is 0 (phi_dot = 0), whatever its phase
      for (let j = 0; j < idle; j++) {
        if (this.dots.length === this.config.tau) this.open(ZERO_TERM)
        this.pushDot(this.zero)
      }
    }
    this.base = this.phi
    this.step = k
    this.term(true)
  }

  private pushDot(dot: readonly number[]): void {
    this.dots.push(dot)
    if (this.dots.length > this.config.tau) this.dots.shift()
  }

  private open(t: Term): void {
    this.master.open(t)
    this.emissary.open(t)
  }

  /** The latest step's term from phi and base: opened for a new step, revised within one. */
  private term(opening: boolean): void {
    const base = this.base
    if (!base || this.dots.length < this.config.tau) return
    const lagged = this.dots[0] as readonly number[]
    let inner = 0
    let a = 0
    let b = 0
    for (let i = 0; i < this.phi.length; i++) {
      const dot = (this.phi[i] as number) - (base[i] as number)
      inner += dot * (lagged[i] as number)
      a += dot * dot
      b += (lagged[i] as number) ** 2
    }
    const angle = this.config.omega * (((this.step as number) * this.config.tau_scale_ms) / 1000)
    const t: Term = { re: inner * Math.cos(angle), im: inner * Math.sin(angle), mag: Math.sqrt(a * b) }
    if (opening) this.open(t)
    else {
      this.master.revise(t)
      this.emissary.revise(t)
    }
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
      collapse: power >= this.config.coherence_threshold,
    }
  }
}
