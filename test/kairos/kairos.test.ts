// KAIROS on its time grid: the O(1) engine equals the seed's sum written out over the grid; bursts within a
// step read as their final state; idle steps count; coherence in [0, 1]; known answers; a rebuild from the
// last samples equals the live engine.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Kairos, stepsToRebuild, Transducer } from '../../functions/kairos/index.ts'
import { mulberry32 as rng } from '../../functions/random/index.ts'
import { KairosConfig, type KairosReading, readPulseConfig } from '../../schemas/pulse.ts'

interface Sample {
  phi: number[]
  at: number
}

/**
 * The seed's T_tau written out on the grid, independent of the engine: phi(k) is the last sample at or
 * before step k (steps of `scale` ms), phi_dot(k) = phi(k) - phi(k - 1) from the first step on, a term
 * <phi_dot(k), phi_dot(k - tau)> e^(i omega k scale / 1000) for every step with both derivatives, and a
 * window is the terms of its last W steps.
 */
function gridSum(samples: Sample[], c: KairosConfig, window: number) {
  const steps = samples.map((s) => Math.floor(s.at / c.tau_scale_ms))
  const first = steps[0] as number
  const last = steps.at(-1) as number
  const phiAt = (k: number) => {
    let found: number[] | undefined
    for (const [i, s] of samples.entries()) if ((steps[i] as number) <= k) found = s.phi
    return found as number[]
  }
  const dot = (k: number) => phiAt(k).map((x, i) => x - (phiAt(k - 1)[i] as number))
  let re = 0
  let im = 0
  let mag = 0
  for (let k = Math.max(last - window + 1, first + 1 + c.tau); k <= last; k++) {
    const a = dot(k)
    const b = dot(k - c.tau)
    const inner = a.reduce((s, x, i) => s + x * (b[i] as number), 0)
    const na = Math.sqrt(a.reduce((s, x) => s + x * x, 0))
    const nb = Math.sqrt(b.reduce((s, x) => s + x * x, 0))
    const angle = c.omega * ((k * c.tau_scale_ms) / 1000)
    re += inner * Math.cos(angle)
    im += inner * Math.sin(angle)
    mag += na * nb
  }
  return { re, im, mag }
}

const feed = (k: Kairos, samples: Sample[]) => {
  for (const s of samples) k.sample(s.phi, s.at)
  return k
}

/** One sample per grid step (scale 1000 ms): phis[n] at n seconds. */
const perStep = (phis: number[][], scale = 1000): Sample[] => phis.map((phi, n) => ({ phi, at: n * scale }))

const close = (a: KairosReading, b: KairosReading, eps = 1e-9) => {
  for (const key of ['master', 'emissary', 'sync'] as const) {
    expect(Math.abs(a[key].re - b[key].re)).toBeLessThan(eps)
    expect(Math.abs(a[key].im - b[key].im)).toBeLessThan(eps)
  }
  expect(Math.abs(a.delta_phase - b.delta_phase)).toBeLessThan(eps)
}

const vec = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 })

describe('the engine equals the grid sum', () => {
  it('after every sample, for random sample times (bursts, single steps, idle gaps, long gaps)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 2, max: 12 }),
        fc.double({ min: -4, max: 4, noNaN: true }),
        fc.constantFrom(1, 250, 1000, 60_000),
        fc.array(fc.tuple(vec, fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 500 }))), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 0, max: 10_000 }),
        (tau, emissary, master, omega, scale, steps, start) => {
          const c = KairosConfig.parse({
            tau,
            omega,
            tau_scale_ms: scale,
            master_window: master + emissary,
            emissary_window: emissary,
          })
          const k = new Kairos(c)
          const seen: Sample[] = []
          // each sample lands a random number of steps after the previous one, at a random point inside its step
          let step = start
          for (const [i, [phi, gap]] of steps.entries()) {
            step += i === 0 ? 0 : gap
            const at = step * scale + ((i * 7919) % scale)
            seen.push({ phi, at })
            k.sample(phi, at)
            for (const [t, w] of [
              [k.master, master + emissary],
              [k.emissary, emissary],
            ] as const) {
              const d = gridSum(seen, c, w)
              const r = t.raw()
              expect(Math.abs(r.re - d.re)).toBeLessThan(1e-9)
              expect(Math.abs(r.im - d.im)).toBeLessThan(1e-9)
              expect(Math.abs(r.mag - d.mag)).toBeLessThan(1e-9)
            }
            const c2 = k.reading()
            expect(c2.master.abs).toBeGreaterThanOrEqual(0)
            expect(c2.master.abs).toBeLessThanOrEqual(1)
            expect(c2.sync_power).toBeLessThanOrEqual(1 + 1e-12)
            expect(c2.samples).toBe(i + 1)
          }
        },
      ),
    )
  })

  it('keeps equal to the grid sum over a long run (drift is re-summed away)', () => {
    const r = rng(7)
    const phis = Array.from({ length: 20_000 }, (_, n) => [Math.sin(n / 3) * 1e3 + r(), r() * 1e-3])
    const c = KairosConfig.parse({ master_window: 64, emissary_window: 8, omega: 0.3 })
    const samples = perStep(phis)
    const k = feed(new Kairos(c), samples)
    const d = gridSum(samples.slice(-80), c, 64)
    expect(Math.abs(k.master.raw().mag - d.mag) / d.mag).toBeLessThan(1e-12)
    expect(Math.abs(k.master.raw().re - d.re) / d.mag).toBeLessThan(1e-12)
    expect(Math.abs(k.master.raw().im - d.im) / d.mag).toBeLessThan(1e-12)
  })
})

describe('time is time', () => {
  const c = KairosConfig.parse({ omega: 0.7, master_window: 16, emissary_window: 4 })
  const path = (n: number) => [0.5 + 0.3 * Math.sin(n / 5), 0.5 + 0.2 * Math.cos(n / 7)]

  it('a burst of commits within one step reads exactly like one sample with the final state', () => {
    const r = rng(3)
    const once = new Kairos(c)
    const burst = new Kairos(c)
    for (let n = 0; n < 120; n++) {
      once.sample(path(n), n * 1000 + 999)
      // 0 to 9 intermediate states earlier in the same second, then the same final state
      for (let j = Math.floor(r() * 10); j > 0; j--) burst.sample([r(), r()], n * 1000 + 100 * (9 - j))
      burst.sample(path(n), n * 1000 + 999)
      const { samples: _a, ...a } = once.reading()
      const { samples: _b, ...b } = burst.reading()
      expect(b).toEqual(a)
    }
    expect(burst.samples).toBeGreaterThan(once.samples)
  })

  it('bursts do not compress time: 8 samples a step read as 1 a step, not as 8 steps', () => {
    // motion only every other second: at tau 2 each moving step meets the last moving one
    const moves = (n: number) => [Math.floor(n / 2) * 0.01]
    const sparse = feed(
      new Kairos(KairosConfig.parse({ omega: 0 })),
      perStep(Array.from({ length: 100 }, (_, n) => moves(n))),
    )
    const dense = new Kairos(KairosConfig.parse({ omega: 0 }))
    for (let n = 0; n < 100; n++) for (let j = 0; j < 8; j++) dense.sample(moves(n), n * 1000 + j)
    // moving steps 2 apart: every term is +|v|^2 (or 0): fully coherent
    expect(sparse.reading().master.abs).toBeCloseTo(1, 12)
    expect(dense.reading().master.abs).toBeCloseTo(1, 12)
    expect(dense.samples).toBe(800)
    // read as one step per sample instead, each move would meet only the 7 copies around it: all terms 0
    const asSteps = Array.from({ length: 800 }, (_, n) => moves(Math.floor(n / 8)))
    expect(feed(new Kairos(KairosConfig.parse({ omega: 0 })), perStep(asSteps)).reading().master.abs).toBe(0)
  })

  it('idle steps count: a long silence empties the windows, a short one shifts them', () => {
    const k = new Kairos(KairosConfig.parse({ omega: 0, master_window: 16, emissary_window: 4 }))
    const phis = Array.from({ length: 50 }, (_, n) => [n * 0.01])
    feed(k, perStep(phis))
    expect(k.reading().master.abs).toBeCloseTo(1, 12)
    // 3 idle seconds (50 to 52) then the motion again: every term of the Emissary's 4 steps pairs a move
    // with an idle step, so nothing is left in it until two moves are tau = 2 steps apart again
    k.sample([0.5], 53_000)
    expect(k.emissary.raw().mag).toBe(0)
    k.sample([0.51], 54_000)
    k.sample([0.52], 55_000)
    expect(k.emissary.raw().mag).toBeGreaterThan(0)
    // a silence longer than the windows: nothing moved within them, the reading is exactly 0
    k.advance(55_000 + 10_000_000)
    expect(k.reading().master).toEqual({ re: 0, im: 0, abs: 0 })
    expect(k.reading().emissary).toEqual({ re: 0, im: 0, abs: 0 })
  })

  it('advance(t) reads like a sample of the unchanged state at t', () => {
    const r = rng(5)
    const phis = Array.from({ length: 40 }, () => [r(), r()])
    const samples = perStep(phis)
    for (const gap of [1, 2, 5, 9, 40, 1000]) {
      const a = feed(new Kairos(c), samples)
      const b = feed(new Kairos(c), samples)
      const t = 39_000 + gap * 1000
      a.advance(t)
      b.sample(phis[39] as number[], t)
      const { samples: _a, ...ra } = a.reading()
      const { samples: _b, ...rb } = b.reading()
      close(ra as KairosReading, rb as KairosReading, 1e-12)
      const d = gridSum([...samples, { phi: phis[39] as number[], at: t }], c, 16)
      expect(Math.abs(a.master.raw().re - d.re)).toBeLessThan(1e-12)
    }
  })

  it('the clock never runs backwards: an earlier time counts as the latest step', () => {
    const r = rng(9)
    const base = perStep(Array.from({ length: 12 }, () => [r(), r()]))
    const a = feed(new Kairos(c), [...base, { phi: [0.3, 0.3], at: 11_500 }])
    const b = feed(new Kairos(c), [...base, { phi: [0.3, 0.3], at: 3_000 }])
    const { samples: _a, ...ra } = a.reading()
    const { samples: _b, ...rb } = b.reading()
    expect(rb).toEqual(ra)
  })

  it('tau_scale_ms is the clock: the same samples read differently on another grid', () => {
    // a triangle wave 0, .1, .2, .3, .4, .3, .2, .1 sampled every 500 ms
    const tri = (n: number) => [(n % 8 <= 4 ? n % 8 : 8 - (n % 8)) * 0.1]
    const samples = Array.from({ length: 200 }, (_, n) => ({ phi: tri(n), at: n * 500 }))
    const fine = feed(new Kairos(KairosConfig.parse({ omega: 0, tau_scale_ms: 500 })), samples)
    const coarse = feed(new Kairos(KairosConfig.parse({ omega: 0, tau_scale_ms: 1000 })), samples)
    // 500 ms grid: phi_dot signs + + + + - - - -; at tau 2 half the pairs agree, half oppose: 0
    expect(fine.reading().master.abs).toBeCloseTo(0, 9)
    // 1000 ms grid: a step keeps its second sample, phi = .1, .3, .3, .1, ...: phi_dot +.2, 0, -.2, 0;
    // tau 2 pairs +.2 with -.2: -1
    expect(coarse.reading().master.re).toBeCloseTo(-1, 12)
  })
})

describe('rebuild', () => {
  /**
   * What the holon's store replays: the last sample before the rebuild range and the last sample of each
   * step in it (the range: the latest step and the stepsToRebuild steps before it).
   */
  function replaySet(samples: Sample[], c: KairosConfig): Sample[] {
    const stepOfAt = (at: number) => Math.floor(at / c.tau_scale_ms)
    const latest = stepOfAt((samples.at(-1) as Sample).at)
    const from = latest - stepsToRebuild(c)
    const out: Sample[] = []
    samples.forEach((s, i) => {
      const k = stepOfAt(s.at)
      const next = samples[i + 1]
      const lastOfStep = !next || stepOfAt(next.at) !== k
      const lastBefore = k < from && (!next || stepOfAt(next.at) >= from)
      if ((k >= from && lastOfStep) || lastBefore) out.push(s)
    })
    return out
  }

  it('a fresh engine fed the replay set equals the live engine (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 2, max: 10 }),
        fc.array(fc.tuple(vec, fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 150 }),
        (tau, emissary, master, steps) => {
          const c = KairosConfig.parse({ tau, master_window: master, emissary_window: emissary, omega: 1.3 })
          const live = new Kairos(c)
          const seen: Sample[] = []
          let at = 0
          for (const [phi, gap] of steps) {
            at += gap * 400
            seen.push({ phi, at })
            live.sample(phi, at)
          }
          const set = replaySet(seen, c)
          const rebuilt = feed(new Kairos(c), set)
          rebuilt.skip(seen.length - set.length)
          expect(rebuilt.samples).toBe(live.samples)
          close(rebuilt.reading(), live.reading())
          expect(rebuilt.reading().collapse).toBe(live.reading().collapse)
        },
      ),
      {
        // found by this property: terms of 1e-20 leaving a window of 1e-150-scale ones (running-sum cancellation)
        examples: [
          [
            1,
            2,
            4,
            [
              [[0, 0, 0], 4],
              [[0, 0, 0], 1],
              [[0, 0, 0], 4],
              [[0, 1.1647928790862978e-10, 0], 2],
              [[0, 0, 0], 2],
              [[0, 0, 1.3493624599899204e-152], 4],
              [[0, 0, 0], 2],
              [[0, 0, 0], 2],
              [[0, 0, 4.714614246664384e-86], 0],
              [[0, 0, 0], 2],
            ],
          ],
        ],
      },
    )
  })
})

describe('coherence', () => {
  const config = KairosConfig.parse({ omega: 0 })

  /** A state vector going round a circle with period P steps: phi_dot turns by 2 pi / P per step. */
  const circle = (period: number, length: number) =>
    Array.from({ length }, (_, n) => {
      const x = (2 * Math.PI * n) / period
      return [0.5 + 0.3 * Math.cos(x), 0.5 + 0.3 * Math.sin(x)]
    })

  it('known answer: a rotation of period P steps reads cos(2 pi tau / P) (omega 0)', () => {
    // every term is |phi_dot|^2 cos(2 pi tau / P), so the normalised sum is that cosine
    for (const [period, tau] of [
      [20, 2],
      [100, 2],
      [12, 3],
      [12, 12],
    ] as const) {
      const k = feed(new Kairos(KairosConfig.parse({ tau, omega: 0 })), perStep(circle(period, 400)))
      const expected = Math.abs(Math.cos((2 * Math.PI * tau) / period))
      expect(k.reading().master.abs).toBeCloseTo(expected, 9)
      expect(k.reading().emissary.abs).toBeCloseTo(expected, 9)
    }
  })

  it('known answer: omega turns equal terms into a geometric sum |sin(W w / 2) / (W sin(w / 2))|, w = omega dt', () => {
    for (const [omega, scale] of [
      [0.1, 1000],
      [2, 1000], // the seed's reference omega on its reference 1 s grid
      [8, 250], // the same angle per step on a 250 ms grid
      [0.02, 60_000],
    ] as const) {
      const k = feed(
        new Kairos(KairosConfig.parse({ tau: 2, omega, tau_scale_ms: scale, master_window: 64 })),
        perStep(circle(100, 400), scale),
      )
      const w = (omega * scale) / 1000
      const geometric = (W: number) => Math.abs(Math.sin((W * w) / 2) / (W * Math.sin(w / 2)))
      const cosine = Math.cos((2 * Math.PI * 2) / 100)
      expect(k.reading().master.abs).toBeCloseTo(cosine * geometric(64), 9)
      expect(k.reading().emissary.abs).toBeCloseTo(cosine * geometric(8), 9)
    }
  })

  it('the default omega (2 rad/s on 1 s steps) keeps a steady drift from collapsing; omega 0 collapses it', () => {
    const drift = perStep(Array.from({ length: 200 }, (_, n) => [n * 0.001, 0.5]))
    expect(feed(new Kairos(KairosConfig.parse({})), drift).reading().collapse).toBe(false)
    expect(feed(new Kairos(config), drift).reading().collapse).toBe(true)
  })

  it('is near 1 for a clean periodic signal and collapses (period long against tau, omega 0)', () => {
    for (const period of [60, 100, 400]) {
      const phis = Array.from({ length: 600 }, (_, n) => {
        const x = (2 * Math.PI * n) / period
        return [0.5 + 0.4 * Math.sin(x), 0.7 + 0.2 * Math.cos(x), 0.6 + 0.1 * Math.sin(x)]
      })
      const c = feed(new Kairos(config), perStep(phis)).reading()
      expect(c.master.abs).toBeGreaterThan(0.97)
      expect(c.collapse).toBe(true)
    }
    // a fast rotation (period 20 at tau 2) is coherent only to cos 36 degrees: no collapse
    expect(feed(new Kairos(config), perStep(circle(20, 400))).reading().collapse).toBe(false)
  })

  it('coherence_threshold (I_c) decides collapse', () => {
    // period 40 at tau 2: abs(T_sync) = cos(18 degrees) = 0.951, power 0.9045
    const phis = perStep(circle(40, 400))
    const power = Math.cos(Math.PI / 10) ** 2
    const at = (ic: number) =>
      feed(new Kairos(KairosConfig.parse({ omega: 0, coherence_threshold: ic })), phis).reading()
    expect(at(0.95).sync_power).toBeCloseTo(power, 9)
    expect(at(0.95).collapse).toBe(false)
    expect(at(0.9).collapse).toBe(true)
  })

  it('is low for noise and never collapses', () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed)
      const k = new Kairos(config)
      const masters: number[] = []
      for (let n = 0; n < 2000; n++) {
        k.sample([r(), r(), r()], n * 1000)
        const c = k.reading()
        if (n > 100) masters.push(c.master.abs)
        expect(c.collapse).toBe(false)
      }
      expect(masters.reduce((s, x) => s + x, 0) / masters.length).toBeLessThan(0.2)
    }
  })

  it('reads 0 when nothing moves, and restarts when the dimension changes', () => {
    const k = new Kairos(config)
    for (let n = 0; n < 100; n++) k.sample([0.5 + n * 0.01, 0.5], n * 1000)
    expect(k.reading().master.abs).toBeCloseTo(1, 12)
    k.sample([0.1, 0.2, 0.3], 100_000)
    expect(k.reading().master.abs).toBe(0)
    const still = new Kairos(config)
    for (let n = 0; n < 100; n++) still.sample([0.5, 0.5], n * 1000)
    expect(still.reading().master.abs).toBe(0)
    expect(still.reading().collapse).toBe(false)
  })

  it('T_sync is the mean of the two transducers, delta_phase the gap of their moduli', () => {
    const k = new Kairos(KairosConfig.parse({ master_window: 40, emissary_window: 4 }))
    // periodic for a long while, then a burst of noise: the fast Emissary loses coherence first
    const r = rng(11)
    for (let n = 0; n < 200; n++) k.sample([Math.sin(n / 4)], n * 1000)
    for (let n = 200; n < 206; n++) k.sample([r()], n * 1000)
    const c = k.reading()
    expect(c.sync.re).toBeCloseTo((c.master.re + c.emissary.re) / 2, 12)
    expect(c.sync.im).toBeCloseTo((c.master.im + c.emissary.im) / 2, 12)
    expect(c.delta_phase).toBeCloseTo(Math.abs(c.master.abs - c.emissary.abs), 12)
    expect(c.sync_power).toBeCloseTo(c.sync.re ** 2 + c.sync.im ** 2, 12)
    expect(c.master).toEqual(k.master.coherence())
    expect(c.emissary).toEqual(k.emissary.coherence())
    expect(c.collapse).toBe(c.sync_power >= 0.95)
  })

  it('known answer for delta_phase: a drift that turns into a zig-zag (tau 1, omega 0)', () => {
    // steady +v (steps 1 to 39): terms +v^2; zig-zag -v, +v, ... (steps 40 to 44): terms -v^2. The
    // Emissary's 4 steps are all zig-zag: -1; the Master's 16 hold 11 steady and 5 zig-zag: 6 / 16
    const c = KairosConfig.parse({ tau: 1, omega: 0, master_window: 16, emissary_window: 4 })
    const phis: number[][] = []
    let x = 0
    for (let n = 0; n < 40; n++) {
      x += 0.001
      phis.push([x])
    }
    for (let n = 0; n < 5; n++) {
      x += n % 2 ? 0.001 : -0.001
      phis.push([x])
    }
    const k = feed(new Kairos(c), perStep(phis))
    expect(k.reading().emissary.re).toBeCloseTo(-1, 12)
    expect(k.reading().master.re).toBeCloseTo((11 - 5) / 16, 12)
    expect(k.reading().delta_phase).toBeCloseTo(1 - 6 / 16, 12)
  })

  it('a transducer window holds exactly its last W steps, the open one revisable', () => {
    const t = new Transducer(3)
    for (const x of [1, 2, 3, 4, 5]) t.open({ re: x, im: -x, mag: 2 * x })
    expect(t.raw()).toEqual({ re: 12, im: -12, mag: 24 })
    t.revise({ re: 1, im: 0, mag: 1 })
    expect(t.raw()).toEqual({ re: 8, im: -7, mag: 15 })
    expect(t.coherence().abs).toBeCloseTo(Math.hypot(8 / 15, 7 / 15), 12)
  })
})

describe('configuration', () => {
  it('defaults follow the seed reference; stored configurations with i_c still read', () => {
    expect(KairosConfig.parse({})).toEqual({
      tau: 2,
      omega: 2,
      tau_scale_ms: 1000,
      master_window: 64,
      emissary_window: 8,
      coherence_threshold: 0.95,
      phase_threshold: 0.1,
      gate: 'off',
    })
    const old = readPulseConfig({
      period_ms: 5000,
      kairos: { tau: 3, omega: 0, master_window: 32, emissary_window: 4, i_c: 0.8 },
    })
    expect(old.kairos).toMatchObject({ tau: 3, omega: 0, coherence_threshold: 0.8, tau_scale_ms: 1000 })
    expect(old.kairos).not.toHaveProperty('i_c')
    expect(old.witnessing.layers).toEqual(['micro', 'meso', 'macro', 'meta'])
    expect(() => KairosConfig.parse({ i_c: 0.9 })).toThrow()
  })
})
