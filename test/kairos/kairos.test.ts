// KAIROS: the O(1) sliding update equals the direct sum; coherence in [0, 1]; near 1 for a clean periodic
// signal, low for noise; Master/Emissary/T_sync/collapse as the seed defines them.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Kairos, Transducer } from '../../functions/kairos/index.ts'
import { mulberry32 as rng } from '../../functions/random/index.ts'
import { KairosConfig } from '../../schemas/pulse.ts'

/** The seed's sum written out directly over the last `window` terms, independent of the engine. */
function directSum(phis: number[][], tau: number, omega: number, window: number) {
  const dots: (number[] | null)[] = phis.map((p, n) =>
    n === 0 ? null : p.map((x, i) => x - (phis[n - 1]?.[i] ?? 0)),
  )
  const terms: { re: number; im: number; mag: number }[] = []
  for (let n = 1 + tau; n < phis.length; n++) {
    const a = dots[n] as number[]
    const b = dots[n - tau] as number[]
    const inner = a.reduce((s, x, i) => s + x * (b[i] as number), 0)
    const na = Math.sqrt(a.reduce((s, x) => s + x * x, 0))
    const nb = Math.sqrt(b.reduce((s, x) => s + x * x, 0))
    terms.push({ re: inner * Math.cos(omega * n), im: inner * Math.sin(omega * n), mag: na * nb })
  }
  const last = terms.slice(-window)
  return {
    re: last.reduce((s, t) => s + t.re, 0),
    im: last.reduce((s, t) => s + t.im, 0),
    mag: last.reduce((s, t) => s + t.mag, 0),
  }
}

const feed = (k: Kairos, phis: number[][]) => {
  for (const [n, p] of phis.entries()) k.sample(p, n)
}

describe('sliding update', () => {
  it('equals the direct sum over the window after every sample', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 2, max: 12 }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), {
          minLength: 1,
          maxLength: 80,
        }),
        (tau, emissary, master, omega, phis) => {
          const k = new Kairos(
            KairosConfig.parse({ tau, omega, master_window: master + emissary, emissary_window: emissary }),
          )
          for (let n = 0; n < phis.length; n++) {
            k.sample(phis[n] as number[], n)
            const seen = phis.slice(0, n + 1)
            for (const [t, w] of [
              [k.master, master + emissary],
              [k.emissary, emissary],
            ] as const) {
              const d = directSum(seen, tau, omega, w)
              const r = t.raw()
              expect(Math.abs(r.re - d.re)).toBeLessThan(1e-9)
              expect(Math.abs(r.im - d.im)).toBeLessThan(1e-9)
              expect(Math.abs(r.mag - d.mag)).toBeLessThan(1e-9)
            }
            const c = k.reading()
            expect(c.master.abs).toBeGreaterThanOrEqual(0)
            expect(c.master.abs).toBeLessThanOrEqual(1)
            expect(c.sync_power).toBeLessThanOrEqual(1 + 1e-12)
          }
        },
      ),
    )
  })

  it('keeps equal to the direct sum over a long run (drift is re-summed away)', () => {
    const r = rng(7)
    const phis = Array.from({ length: 20_000 }, (_, n) => [Math.sin(n / 3) * 1e3 + r(), r() * 1e-3])
    const k = new Kairos(KairosConfig.parse({ master_window: 64, emissary_window: 8, omega: 0.3 }))
    feed(k, phis)
    const d = directSum(phis, 2, 0.3, 64)
    expect(Math.abs(k.master.raw().mag - d.mag) / d.mag).toBeLessThan(1e-12)
    expect(Math.abs(k.master.raw().re - d.re) / d.mag).toBeLessThan(1e-12)
    expect(Math.abs(k.master.raw().im - d.im) / d.mag).toBeLessThan(1e-12)
  })
})

describe('coherence', () => {
  const config = KairosConfig.parse({})

  /** A state vector going round a circle with period P: phi_dot turns by 2 pi / P per sample. */
  const circle = (period: number, length: number) =>
    Array.from({ length }, (_, n) => {
      const x = (2 * Math.PI * n) / period
      return [0.5 + 0.3 * Math.cos(x), 0.5 + 0.3 * Math.sin(x)]
    })

  it('known answer: a rotation of period P reads cos(2 pi tau / P) (omega 0)', () => {
    // every term is |phi_dot|^2 cos(2 pi tau / P), so the normalised sum is that cosine
    for (const [period, tau] of [
      [20, 2],
      [100, 2],
      [12, 3],
      [12, 12],
    ] as const) {
      const k = new Kairos(KairosConfig.parse({ tau }))
      feed(k, circle(period, 400))
      const expected = Math.abs(Math.cos((2 * Math.PI * tau) / period))
      expect(k.reading().master.abs).toBeCloseTo(expected, 9)
      expect(k.reading().emissary.abs).toBeCloseTo(expected, 9)
    }
  })

  it('known answer: omega turns equal terms into a geometric sum |sin(W w / 2) / (W sin(w / 2))|', () => {
    const omega = 0.1
    const k = new Kairos(KairosConfig.parse({ tau: 2, omega, master_window: 64 }))
    feed(k, circle(100, 400))
    const geometric = Math.abs(Math.sin((64 * omega) / 2) / (64 * Math.sin(omega / 2)))
    expect(k.reading().master.abs).toBeCloseTo(Math.cos((2 * Math.PI * 2) / 100) * geometric, 9)
  })

  it('is near 1 for a clean periodic signal and collapses (period long against tau)', () => {
    for (const period of [60, 100, 400]) {
      const k = new Kairos(config)
      const phis = Array.from({ length: 600 }, (_, n) => {
        const x = (2 * Math.PI * n) / period
        return [0.5 + 0.4 * Math.sin(x), 0.7 + 0.2 * Math.cos(x), 0.6 + 0.1 * Math.sin(x)]
      })
      feed(k, phis)
      const c = k.reading()
      expect(c.master.abs).toBeGreaterThan(0.97)
      expect(c.collapse).toBe(true)
    }
    // a fast rotation (period 20 at tau 2) is coherent only to cos 36 degrees: no collapse
    const fast = new Kairos(config)
    feed(fast, circle(20, 400))
    expect(fast.reading().collapse).toBe(false)
  })

  it('is low for noise and never collapses', () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed)
      const k = new Kairos(config)
      const masters: number[] = []
      for (let n = 0; n < 2000; n++) {
        k.sample([r(), r(), r()], n)
        const c = k.reading()
        if (n > 100) masters.push(c.master.abs)
        expect(c.collapse).toBe(false)
      }
      expect(masters.reduce((s, x) => s + x, 0) / masters.length).toBeLessThan(0.2)
    }
  })

  it('reads 0 when nothing moves, and restarts when the dimension changes', () => {
    const k = new Kairos(config)
    for (let n = 0; n < 100; n++) k.sample([0.5, 0.5], n)
    expect(k.reading().master.abs).toBe(0)
    expect(k.reading().collapse).toBe(false)
    k.sample([0.1, 0.2, 0.3], 100)
    expect(k.reading().master.abs).toBe(0)
  })

  it('T_sync is the mean of the two transducers, delta_phase the gap of their moduli', () => {
    const k = new Kairos(KairosConfig.parse({ master_window: 40, emissary_window: 4 }))
    // periodic for a long while, then a burst of noise: the fast Emissary loses coherence first
    const r = rng(11)
    for (let n = 0; n < 200; n++) k.sample([Math.sin(n / 4)], n)
    for (let n = 200; n < 206; n++) k.sample([r()], n)
    const c = k.reading()
    expect(c.sync.re).toBeCloseTo((c.master.re + c.emissary.re) / 2, 12)
    expect(c.sync.im).toBeCloseTo((c.master.im + c.emissary.im) / 2, 12)
    expect(c.delta_phase).toBeCloseTo(Math.abs(c.master.abs - c.emissary.abs), 12)
    expect(c.sync_power).toBeCloseTo(c.sync.re ** 2 + c.sync.im ** 2, 12)
    expect(c.master).toEqual(k.master.coherence())
    expect(c.emissary).toEqual(k.emissary.coherence())
    expect(c.collapse).toBe(c.sync_power >= 0.95)
  })

  it('a transducer window holds exactly its last terms', () => {
    const t = new Transducer(3)
    for (const x of [1, 2, 3, 4, 5]) t.push({ re: x, im: -x, mag: 2 * x })
    expect(t.raw()).toEqual({ re: 12, im: -12, mag: 24 })
    expect(t.coherence().abs).toBeCloseTo(Math.hypot(0.5, 0.5), 12)
  })
})
