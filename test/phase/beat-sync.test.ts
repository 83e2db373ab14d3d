// Properties of the mesh beat synchronisation (functions/phase/beat-sync): beat phases, the bounded Kuramoto
// correction of the next beat, weights, T_global, and two holons whose beats lock.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type BeatPulse,
  beatPhase,
  centred,
  globalOf,
  type MeshOptions,
  meshStep,
  TWO_PI,
} from '../../functions/phase/index.ts'

const OPTS: MeshOptions = { coupling: 0.5, kappa: 1, max_correction: 0.25 }
const T0 = 1_800_000_000_000
const pulse = (next_at: number, period_ms: number, over: Partial<BeatPulse> = {}): BeatPulse => ({
  holon: 'h',
  origin: 'org.example',
  beat_at: next_at - period_ms,
  next_at,
  period_ms,
  t_sync: { re: 0.5, im: 0 },
  ...over,
})
const period = fc.integer({ min: 100, max: 86_400_000 })
const complex = fc.record({
  re: fc.double({ min: -1, max: 1, noNaN: true }),
  im: fc.double({ min: -1, max: 1, noNaN: true }),
})

describe('beatPhase', () => {
  it('is 0 at a beat, π half a period before it, and stays in [0, 2π)', () => {
    expect(beatPhase(T0, 1000, T0)).toBe(0)
    expect(beatPhase(T0, 1000, T0 - 500)).toBeCloseTo(Math.PI, 12)
    expect(beatPhase(T0, 1000, T0 - 250)).toBeCloseTo((3 * Math.PI) / 2, 12)
    // a missed beat: the phase keeps turning as if the pulse kept its period
    expect(beatPhase(T0, 1000, T0 + 1250)).toBeCloseTo(Math.PI / 2, 12)
    fc.assert(
      fc.property(period, fc.integer({ min: -1e9, max: 1e9 }), (p, dt) => {
        const th = beatPhase(T0, p, T0 + dt)
        expect(th).toBeGreaterThanOrEqual(0)
        expect(th).toBeLessThan(TWO_PI)
      }),
    )
  })
})

describe('meshStep', () => {
  it('alone: no correction, r = 1 and T_global is our own T_sync', () => {
    const m = meshStep({ beat_at: T0, period_ms: 1000, t_sync: { re: 0.3, im: -0.4 } }, [], OPTS, T0)
    expect(m.correction_ms).toBe(0)
    expect(m.r).toBe(1)
    expect(m.t_global).toEqual({ re: 0.3, im: -0.4, abs: 0.5 })
  })

  it('a peer a quarter period ahead pulls our next beat earlier; one behind pushes it later', () => {
    const self = { beat_at: T0, period_ms: 1000, t_sync: { re: 1, im: 0 } }
    // the peer beat 100 ms ago: its phase is 0.2π, ahead of ours (0)
    const ahead = meshStep(self, [pulse(T0 + 900, 1000)], OPTS, T0)
    expect(ahead.peers[0]?.offset).toBeCloseTo(0.2 * Math.PI, 12)
    // K · period / 2π · 2 sin(0.2π / 2)
    expect(ahead.correction_ms).toBeCloseTo((0.5 * 1000 * 2 * Math.sin(0.1 * Math.PI)) / TWO_PI, 9)
    const behind = meshStep(self, [pulse(T0 + 100, 1000)], OPTS, T0)
    expect(behind.peers[0]?.offset).toBeCloseTo(-0.2 * Math.PI, 12)
    expect(behind.correction_ms).toBeCloseTo(-ahead.correction_ms, 9)
  })

  it('with several peers it moves toward the direction of their weighted mean, whatever their coherence', () => {
    const self = { beat_at: T0, period_ms: 1000, t_sync: { re: 1, im: 0 } }
    // peers 50, 100 and 150 ms into their periods: offsets 0.1π, 0.2π, 0.3π; their mean direction 0.2π
    const three = meshStep(
      self,
      [950, 900, 850].map((d) => pulse(T0 + d, 1000)),
      OPTS,
      T0,
    )
    expect(three.correction_ms).toBeCloseTo((0.5 * 1000 * 2 * Math.sin(0.1 * Math.PI)) / TWO_PI, 9)
    // two peers at ±0.4π: the mean direction is ours, no move
    const split = meshStep(self, [pulse(T0 + 800, 1000), pulse(T0 + 200, 1000)], OPTS, T0)
    expect(split.correction_ms).toBeCloseTo(0, 9)
  })

  it('the correction is bounded by max_correction × period, whatever the peers and the coupling', () => {
    fc.assert(
      fc.property(
        period,
        fc.array(fc.tuple(fc.integer({ min: -1e8, max: 1e8 }), period), { minLength: 0, maxLength: 20 }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (p, peers, coupling, max) => {
          const m = meshStep(
            { beat_at: T0, period_ms: p, t_sync: { re: 1, im: 0 } },
            peers.map(([dt, pp]) => pulse(T0 + dt, pp)),
            { coupling, kappa: 1, max_correction: max },
            T0,
          )
          expect(Math.abs(m.correction_ms)).toBeLessThanOrEqual(max * p + 1e-9)
          expect(m.r).toBeGreaterThanOrEqual(0)
          expect(m.r).toBeLessThanOrEqual(1 + 1e-12)
        },
      ),
    )
  })

  it('weights sum to 1, equal without positions and larger for nearer peers in the ball', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), (n) => {
        const peers = Array.from({ length: n }, (_, i) => pulse(T0 + 10 * i, 1000))
        const m = meshStep({ beat_at: T0, period_ms: 1000, t_sync: { re: 1, im: 0 } }, peers, OPTS, T0)
        expect(m.peers.reduce((a, p) => a + p.weight, 0)).toBeCloseTo(1, 12)
        for (const p of m.peers) expect(p.weight).toBeCloseTo(1 / n, 12)
      }),
    )
    const m = meshStep(
      { beat_at: T0, period_ms: 1000, t_sync: { re: 1, im: 0 }, coords: [0, 0] },
      [pulse(T0, 1000, { coords: [0.1, 0] }), pulse(T0, 1000, { coords: [0.8, 0] })],
      OPTS,
      T0,
    )
    expect(m.peers[0]?.weight).toBeGreaterThan(m.peers[1]?.weight as number)
    expect((m.peers[0]?.weight as number) + (m.peers[1]?.weight as number)).toBeCloseTo(1, 12)
  })

  it('T_global of equal T_P (ours included) is that T_P; Delta_phase is the difference of the moduli', () => {
    fc.assert(
      fc.property(complex, fc.integer({ min: 0, max: 20 }), (t, n) => {
        const peers = Array.from({ length: n }, (_, i) => pulse(T0 + 37 * i, 1000, { t_sync: t }))
        const m = meshStep({ beat_at: T0, period_ms: 1000, t_sync: t }, peers, OPTS, T0)
        expect(m.t_global.re).toBeCloseTo(t.re, 12)
        expect(m.t_global.im).toBeCloseTo(t.im, 12)
        for (const p of m.peers) expect(p.delta_phase).toBeCloseTo(0, 12)
      }),
    )
    const m = meshStep(
      { beat_at: T0, period_ms: 1000, t_sync: { re: 0.6, im: 0.8 } },
      [pulse(T0, 1000, { t_sync: { re: 0, im: 0.25 } })],
      OPTS,
      T0,
    )
    expect(m.peers[0]?.delta_phase).toBeCloseTo(0.75, 12)
    // self weighs 1/2, the one peer the other 1/2
    expect(m.t_global.re).toBeCloseTo(0.3, 12)
    expect(m.t_global.im).toBeCloseTo(0.525, 12)
    expect(globalOf({ re: 0.6, im: 0.8 }, [{ t_p: { re: 0, im: 0.25 }, weight: 1 }])).toEqual(m.t_global)
  })

  it('two holons exactly half a period apart do not stay in antiphase', () => {
    const m = meshStep(
      { beat_at: T0, period_ms: 1000, t_sync: { re: 1, im: 0 } },
      [pulse(T0 + 500, 1000)],
      OPTS,
      T0,
    )
    expect(Math.abs(m.peers[0]?.offset as number)).toBeCloseTo(Math.PI, 12)
    // K · period / 2π · 2 sin(π/2) = 0.5 · 1000 / π
    expect(m.correction_ms).toBeCloseTo(500 / Math.PI, 9)
  })

  it('two holons beating on their own schedules: the offset shrinks at every beat until they lock', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 500, max: 1000 }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (p, frac, coupling) => {
          // next beats of A and B; B starts `frac` of a period after A
          const next = [T0, T0 + Math.round(frac * p)]
          const opts = { ...OPTS, coupling }
          let gap = Math.abs(centred(beatPhase(next[1] as number, p, 0) - beatPhase(next[0] as number, p, 0)))
          for (let k = 0; k < 200 && gap > 1e-6; k++) {
            // whichever is due first beats: its next beat is one period later, minus the correction
            const i = (next[0] as number) <= (next[1] as number) ? 0 : 1
            const now = next[i] as number
            const peer = pulse(next[1 - i] as number, p)
            const m = meshStep({ beat_at: now, period_ms: p, t_sync: { re: 1, im: 0 } }, [peer], opts, now)
            next[i] = now + p - m.correction_ms
            const after = Math.abs(
              centred(beatPhase(next[1] as number, p, now) - beatPhase(next[0] as number, p, now)),
            )
            expect(after).toBeLessThanOrEqual(gap + 1e-9)
            gap = after
          }
          expect(gap).toBeLessThan(0.1)
        },
      ),
      { numRuns: 200 },
    )
  })
})
