// One KAIROS transducer: the sum of T_tau terms over the last W grid steps, kept in O(1) per step.

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

export const ZERO_TERM: Term = Object.freeze({ re: 0, im: 0, mag: 0 })

/**
 * The window is the open step's term (revised while its step lasts: a burst of samples in one step leaves
 * only the last one's term) plus a ring of the W - 1 closed steps before it with running sums. Closing a
 * step adds its term and subtracts the one leaving the window: O(1). Floating-point drift is cleared by an
 * exact re-sum of the ring every W - 1 closes (amortised O(1)). The open term is never folded into the
 * running sums before its step closes, so revising it leaves no rounding behind.
 */
/** A sum below this fraction of the term just subtracted from it is resummed exactly. */
const CANCELLATION = 1e-6

export class Transducer {
  readonly window: number
  private readonly ring: Term[] = []
  private head = 0
  private closes = 0
  private re = 0
  private im = 0
  private mag = 0
  /** closed terms in the ring with a non-zero bound: none left means the sums are exactly 0 */
  private moving = 0
  private current: Term | null = null
  /** the bound of the term that left the ring at this close (0: none left) */
  private largestLeft = 0

  constructor(window: number) {
    this.window = window
  }

  /** A new step's term: the previous open term (if any) closes into the ring. */
  open(t: Term): void {
    if (this.current) this.close(this.current)
    this.current = t
  }

  /** The open step's term again, from a later sample in the same step. */
  revise(t: Term): void {
    this.current = t
  }

  private close(t: Term): void {
    const capacity = this.window - 1
    if (this.ring.length < capacity) this.ring.push(t)
    else {
      const old = this.ring[this.head] as Term
      this.re -= old.re
      this.im -= old.im
      this.mag -= old.mag
      if (old.mag !== 0) this.moving--
      this.largestLeft = old.mag
      this.ring[this.head] = t
      this.head = (this.head + 1) % capacity
    }
    this.re += t.re
    this.im += t.im
    this.mag += t.mag
    if (t.mag !== 0) this.moving++
    // Cancellation: when the term leaving outweighed what is left by far (1e-20-scale terms over 1e-150-scale
    // ones), the running sums are its rounding, not the window's: sum the ring again (O(W), and rare).
    const cancelled = this.mag < CANCELLATION * this.largestLeft
    this.largestLeft = 0
    if (++this.closes % capacity === 0 || cancelled) this.resum()
    // an idle stretch leaves exact zeros, not the rounding of adding and subtracting the same terms
    else if (this.moving === 0) {
      this.re = 0
      this.im = 0
      this.mag = 0
    }
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

  /** The raw windowed sum T_tau (each step weighs dt = 1 step; the scale cancels in the normalisation). */
  raw(): { re: number; im: number; mag: number } {
    const c = this.current ?? ZERO_TERM
    return { re: this.re + c.re, im: this.im + c.im, mag: this.mag + c.mag }
  }

  /**
   * T_tau / sum |phi_dot(t)| |phi_dot(t - tau)|. By the triangle and Cauchy-Schwarz inequalities the
   * modulus lies in [0, 1]; a window in which nothing moved (all terms 0) reads 0.
   */
  coherence(): Coherence {
    const r = this.raw()
    if (!(r.mag > 1e-300)) return { re: 0, im: 0, abs: 0 }
    const re = r.re / r.mag
    const im = r.im / r.mag
    const abs = Math.hypot(re, im)
    // |T| <= N holds exactly; rounding can overshoot it by an ulp or so
    return abs > 1 ? { re: re / abs, im: im / abs, abs: 1 } : { re, im, abs }
  }
}
