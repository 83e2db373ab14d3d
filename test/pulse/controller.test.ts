// The pure pulse controller: T_Lambda, genomic PID, genome evolution, entropy model, cores, Arbiter.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  anomaliesOf,
  decide,
  EPSILON_RESET,
  evolveGenome,
  expectedGain,
  instability,
  learn,
  nearThreshold,
  PID_START,
  PulseConfigError,
  pidStep,
  regen,
  threatOf,
  tLambda,
} from '../../functions/pulse/index.ts'
import type { Genome } from '../../schemas/pulse.ts'

const close = (a: number, b: number, eps = 1e-12) => expect(Math.abs(a - b)).toBeLessThanOrEqual(eps)
const finite = fc.double({ min: -10, max: 10, noNaN: true })

describe('T_Lambda', () => {
  it('matches the seed formula at the seed parameters (k 4, P 5, T1 0.001, U e^4)', () => {
    // 0.001 * 4 / (1 - 1/20) = 0.004 / 0.95
    close(tLambda({ k: 4, p: 5, t1: 0.001, u: Math.exp(4) }), 0.004 / 0.95)
    // alone: 0.004 / (1 - 1/4) = 0.004 / 0.75
    close(tLambda({ k: 4, p: 1, t1: 0.001, u: Math.exp(4) }), 0.004 / 0.75)
  })

  it('is bounded below by 1e-6', () => {
    expect(tLambda({ k: 4, p: 5, t1: 1e-12, u: Math.exp(4) })).toBe(1e-6)
  })

  it('rejects k P <= 1 as configuration', () => {
    expect(() => tLambda({ k: 1, p: 1, t1: 0.001, u: Math.exp(4) })).toThrow(PulseConfigError)
    expect(() => tLambda({ k: 0.5, p: 2, t1: 0.001, u: Math.exp(4) })).toThrow(PulseConfigError)
    expect(tLambda({ k: 2, p: 1, t1: 0.001, u: Math.exp(4) })).toBeGreaterThan(0)
  })
})

describe('genomic PID', () => {
  it('computes Kp 0.6, Ki 0.1, Kd 0.05 with no derivative kick on the first step', () => {
    const a = pidStep(PID_START, 1)
    close(a.output, 0.6 * 1 + 0.1 * 1)
    const b = pidStep(a.state, 0.5)
    // integral 1 + 0.5 clamps to 1; derivative 0.5 - 1
    close(b.output, 0.6 * 0.5 + 0.1 * 1 + 0.05 * -0.5)
  })

  it('anti-windup: the integral never leaves [-1, 1]', () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 200 }), (errors) => {
        let s = PID_START
        for (const e of errors) {
          s = pidStep(s, e).state
          expect(Math.abs(s.integral)).toBeLessThanOrEqual(1)
        }
      }),
    )
  })

  it('epsilon reset: |error| < 1e-4 zeroes the integral, whatever came before', () => {
    fc.assert(
      fc.property(
        fc.array(finite, { maxLength: 50 }),
        fc.double({ min: -0.99999e-4, max: 0.99999e-4, noNaN: true }),
        (before, tiny) => {
          let s = PID_START
          for (const e of before) s = pidStep(s, e).state
          const r = pidStep(s, tiny)
          expect(r.state.integral).toBe(0)
          expect(r.i).toBe(0)
        },
      ),
    )
    expect(pidStep({ integral: 0.5, prev: 0 }, EPSILON_RESET).state.integral).not.toBe(0)
  })

  it('drives the error of a step down (closed loop on a plant that integrates the output)', () => {
    // error = x - target; the plant moves x against the controller output each beat.
    for (const step of [1, -0.5, 0.2, 3]) {
      let x = step
      let s = PID_START
      const errs: number[] = []
      for (let t = 0; t < 60; t++) {
        errs.push(Math.abs(x))
        const r = pidStep(s, x)
        s = r.state
        x -= r.output
      }
      expect(errs[5]).toBeLessThan(errs[0] as number)
      expect(Math.max(...errs.slice(40))).toBeLessThan(0.01 * Math.abs(step))
    }
  })
})

const weight = fc.double({ min: 0, max: 1, noNaN: true })
/** Any stored genome: weights in [0, 1], not necessarily summing to 1 (a genome stored by older code). */
const anyGenome = fc.record({ R: weight, B: weight, E: weight, O: weight })
const cores = fc
  .record({ R: fc.boolean(), B: fc.boolean(), E: fc.boolean(), O: fc.boolean() })
  .filter((c) => c.R || c.B || c.E)

describe('genome: both seed rules at once', () => {
  it('sum 1 (+-1e-12), |dO| <= 0.05, all in [0, 1], R:B:E ratio kept unless E follows the threat', () => {
    fc.assert(
      fc.property(
        anyGenome,
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 500 }),
        (g, u, th, t) => {
          const n = evolveGenome(g, u, th, t)
          close(n.R + n.B + n.E + n.O, 1, 1e-12)
          expect(Math.abs(n.O - g.O)).toBeLessThanOrEqual(0.05 + 1e-15)
          for (const w of Object.values(n)) expect(w >= 0 && w <= 1).toBe(true)
          // the step is the PID output, clamped
          close(n.O, Math.min(1, Math.max(0, g.O + Math.max(-0.05, Math.min(0.05, u)))), 1e-15)
          // (O = 1 leaves nothing to share: the ratios are 0 / 0)
          if (n.O < 0.99 && g.R > 0.01 && g.B > 0.01) close(n.R / n.B, g.R / g.B, 1e-9)
          if (n.O < 0.99 && th <= 0.5 && g.R > 0.01 && g.E > 0.01) close(n.E / n.R, g.E / g.R, 1e-9)
        },
      ),
    )
  })

  it('holds over many beats from any genome, with inactive cores held at 0', () => {
    fc.assert(
      fc.property(
        anyGenome,
        cores,
        fc.array(fc.tuple(fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: 0, max: 1 })), {
          minLength: 1,
          maxLength: 60,
        }),
        (g0, on, steps) => {
          let g = g0
          steps.forEach(([u, th], t) => {
            const n = evolveGenome(g, u, th, t, on)
            close(n.R + n.B + n.E + n.O, 1, 1e-12)
            if (on.O && t > 0) expect(Math.abs(n.O - g.O)).toBeLessThanOrEqual(0.05 + 1e-15)
            for (const k of ['R', 'B', 'E', 'O'] as const) {
              expect(n[k]).toBeGreaterThanOrEqual(0)
              expect(n[k]).toBeLessThanOrEqual(1)
              if (!on[k]) expect(n[k]).toBe(0)
            }
            g = n
          })
        },
      ),
    )
  })

  it('regression (issue 11): E dropped to 0 by the threat formula no longer drags O by 0.125', () => {
    const g: Genome = { R: 0.25, B: 0.25, E: 0.25, O: 0.25 }
    // O steps to 0.30, so E = 0.15 x 0.9 x (1 - 0.30/0.3) = 0; R and B share 0.70 equally.
    // The old order (clamp, then renormalise all four by 0.8) stored O = 0.375: a move of 0.125.
    const z = evolveGenome(g, 0.2, 0.9, 0)
    for (const [k, v] of Object.entries({ R: 0.35, B: 0.35, E: 0, O: 0.3 })) close(z[k as keyof Genome], v)
  })

  it('E follows 0.15 threat exp(-t/50) (1 - O/0.3) when threat > 0.5; R, B, E share 1 - O', () => {
    const g: Genome = { R: 0.25, B: 0.25, E: 0.25, O: 0.25 }
    // O: 0.25 - 0.01 = 0.24; E = 0.15 * 1 * e^-1 * (1 - 0.8)
    const e = 0.15 * Math.exp(-1) * 0.2
    const n = evolveGenome(g, -0.01, 1, 50)
    close(n.O, 0.24)
    close(n.E, (0.76 * e) / (0.5 + e))
    close(n.R, (0.76 * 0.25) / (0.5 + e))
    // at threat 0.5 E is left alone (and so is the ratio: R, B, E share 0.75 equally)
    const q = evolveGenome(g, 0, 0.5, 0)
    close(q.E, 0.25)
  })

  it('an inactive core is 0; R, B, E all 0 share 1 - O equally', () => {
    const g: Genome = { R: 0.25, B: 0.25, E: 0.25, O: 0.25 }
    const n = evolveGenome(g, 0, 0, 0, { R: true, B: false, E: true, O: true })
    expect(n.B).toBe(0)
    close(n.R, 0.375)
    close(n.E, 0.375)
    const noO = evolveGenome(g, 0.05, 0, 0, { R: true, B: true, E: true, O: false })
    expect(noO.O).toBe(0)
    close(noO.R, 1 / 3)
    const zero = evolveGenome({ R: 0, B: 0, E: 0, O: 0.4 }, 0, 0, 0)
    close(zero.R, 0.2)
    close(zero.E, 0.2)
  })
})

describe('entropy model', () => {
  it('threat = sigmoid(w anomalies + b)', () => {
    close(threatOf({ w: 0.12, b: -3 }, 10), 1 / (1 + Math.exp(-(1.2 - 3))))
    expect(
      anomaliesOf({ violations: 3, rejections: 1, overrides: 2, near_threshold: 4, peer_alerts: 1.5 }),
    ).toBe(11.5)
  })

  it('learns from what happened next: up after harm, down after calm, w never negative', () => {
    const m = { w: 0.12, b: -3 }
    const p = threatOf(m, 5)
    const up = learn(m, 5, p, true, 0.01)
    close(up.w, 0.12 + 0.01 * (1 - p) * 5)
    close(up.b, -3 + 0.01 * (1 - p))
    const down = learn(m, 5, p, false, 0.01)
    expect(down.w).toBeLessThan(m.w)
    expect(down.b).toBeLessThan(m.b)
    expect(learn({ w: 0, b: 0 }, 100, 0.99, false, 1).w).toBe(0)
  })
})

const violation = (invariant: string, score: number, threshold: number, weight = 1) => ({
  invariant,
  score,
  threshold,
  weight,
  cost: weight * (threshold - score) ** 2,
})

describe('cores', () => {
  it('Regen recommends repair above urgency 0.1, most urgent first, with its cost', () => {
    const r = regen([violation('A', 0.9, 1), violation('B', 0.5, 1), violation('C', 0.95, 1)])
    // urgencies: A 0.1 (not above), B 0.5, C 0.05
    expect(r.recommendations.map((x) => x.invariant)).toEqual(['B'])
    close(r.urgency, 0.5)
    close(r.cost, 0.01 + 0.25 + 0.0025)
    expect(regen([]).recommendations).toEqual([])
  })

  it('Balance: mean per-beat movement of the state vector', () => {
    expect(instability([[0.5, 0.5]])).toBe(0)
    // moves of 0.2 in both dims, then none: (0.2 + 0) / 2
    close(
      instability([
        [0.5, 0.5],
        [0.7, 0.7],
        [0.7, 0.7],
      ]),
      0.1,
    )
    expect(
      instability([
        [0, 0],
        [1, 1],
      ]),
    ).toBe(1)
  })

  it('Optimize: weighted headroom above thresholds, none while violated; near-threshold count', () => {
    const dims = [
      { invariant: 'A', threshold: 0.5, weight: 1 },
      { invariant: 'B', threshold: 0.9, weight: 3 },
    ]
    close(expectedGain([0.9, 0.92], dims, false), (0.4 + 3 * 0.02) / 4)
    expect(expectedGain([0.9, 0.92], dims, true)).toBe(0)
    expect(nearThreshold([0.9, 0.92], dims, 0.05)).toBe(1)
    expect(nearThreshold([0.56, 0.96, 0.2], dims, 0.05)).toBe(0)
  })
})

describe('Arbiter thresholds at their edges', () => {
  const g: Genome = { R: 0.25, B: 0.25, E: 0.25, O: 0.25 }
  const quiet = { urgency: 0, instability: 0, threat: 0, gain: 0 }
  const d = (c: Partial<typeof quiet>) => decide({ ...quiet, ...c }, g).decision

  it('QUARANTINE at threat >= 0.85, ALERT at >= 0.60', () => {
    expect(d({ threat: 0.85 })).toBe('QUARANTINE')
    expect(d({ threat: 0.8499999999 })).toBe('ALERT')
    expect(d({ threat: 0.6 })).toBe('ALERT')
    expect(d({ threat: 0.5999999999 })).toBe('NONE')
    expect(d({ threat: 0.9, instability: 1, gain: 1 })).toBe('QUARANTINE')
  })

  it('BALANCE above instability 0.25, OPTIMIZE above gain 0.1', () => {
    expect(d({ instability: 0.25 })).toBe('NONE')
    expect(d({ instability: 0.2500000001 })).toBe('BALANCE')
    expect(d({ gain: 0.1 })).toBe('NONE')
    expect(d({ gain: 0.1000000001 })).toBe('OPTIMIZE')
  })

  it('when both qualify, the genome-weighted larger wins', () => {
    expect(decide({ ...quiet, instability: 0.3, gain: 0.5 }, g).decision).toBe('OPTIMIZE')
    expect(
      decide({ ...quiet, instability: 0.3, gain: 0.5 }, { R: 0.2, B: 0.6, E: 0.1, O: 0.1 }).decision,
    ).toBe('BALANCE')
    const w = decide({ urgency: 0.5, instability: 0.3, threat: 0.2, gain: 0.5 }, g).weighted
    expect(w).toEqual({ R: 0.125, B: 0.075, E: 0.05, O: 0.125 })
  })
})
