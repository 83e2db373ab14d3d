// One KAIROS transducer: the windowed sum of T_tau terms, kept in O(1) per sample by a sliding ring.

export interface Term {
  /** <phi_dot(t), phi_dot(t - tau)> * cos(omega t) */
  re: number
  /** <phi_dot(t), phi_dot(t - tau)> * sin(omega t) */
  im: number
  /** |phi_dot(t)| * |phi_dot(t - tau)|: the Cauchy-Schwarz bound of the term's modulus */
  mag: number
}

export interface Coherence {
  re: number
  im: number
  abs: number
}

/**
 * Adds the newest term and subtracts the one leaving the window: O(1) per sample. Floating-point
 * drift is cleared by an exact re-sum of the ring every `window` samples (amortised O(1)).
 */
export class Transducer {
  readonly window: number
  private readonly ring: Term[] = []
  private head = 0
  private pushes = 0
  private re = 0
  private im = 0
  private mag = 0

  constructor(window: number) {
    this.window = window
  }

  push(t: Term): void {
    if (this.ring.length < this.window) this.ring.push(t)
    else {
      const old = this.ring[this.head] as Term
      this.re -= old.re
      this.im -= old.im
      this.mag -= old.mag
      this.ring[this.head] = t
      this.head = (this.head + 1) % this.window
    }
    this.re += t.re
    this.im += t.im
    this.mag += t.mag
    if (++this.pushes % this.window === 0) this.resum()
  }

  private resum(): void {
    this.re = 0
    this.im = 0
    this.mag = 0
    for (const t of this.ring) {
      this.re += t.re
      this.im += t.im
      this.mag += t.mag
    }
  }

  /** The raw windowed sum T_tau (dt = one sample). */
  raw(): { re: number; im: number; mag: number } {
    return { re: this.re, im: this.im, mag: this.mag }
  }

  /**
   * T_tau / sum |phi_dot(t)| |phi_dot(t - tau)|. By the triangle and Cauchy-Schwarz inequalities the
   * modulus lies in [0, 1]; a window in which nothing moved (all terms 0) reads 0.
   */
  coherence(): Coherence {
    if (!(this.mag > 1e-300)) return { re: 0, im: 0, abs: 0 }
    const re = this.re / this.mag
    const im = this.im / this.mag
    const abs = Math.hypot(re, im)
    // |T| <= N holds exactly; rounding can overshoot it by an ulp or so
    return abs > 1 ? { re: re / abs, im: im / abs, abs: 1 } : { re, im, abs }
  }
}
