// VENOM, faithful and alive (issue 11), pure parts: P, k and U, pid_stable, peer alerts, ml_weight sharing.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type BeatInputs,
  checkConfig,
  compatibilityWeight,
  initialMemory,
  nodesOf,
  type PeerAlert,
  PulseConfigError,
  type PulseMemory,
  peerAlertScore,
  pidStable,
  runBeat,
  shareModel,
} from '../../functions/pulse/index.ts'
import { compatibility } from '../../functions/rhizome/index.ts'
import type { Evaluation } from '../../schemas/evaluation.ts'
import { KernelSpec } from '../../schemas/kernel.ts'
import { type KairosReading, PulseConfig } from '../../schemas/pulse.ts'
import { peerArtifact } from '../support/artifacts.ts'

const close = (a: number, b: number, eps = 1e-12) => expect(Math.abs(a - b)).toBeLessThanOrEqual(eps)
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))
const zero = { re: 0, im: 0, abs: 0 }
const kairos: KairosReading = {
  samples: 0,
  master: zero,
  emissary: zero,
  delta_phase: 0,
  sync: zero,
  sync_power: 0,
  collapse: false,
}
const dims = [{ invariant: 'A', threshold: 0.5, weight: 1 }]
const calm: Evaluation = {
  dimensions: ['A'],
  state_vector: [0.9],
  torsion: 0,
  violations: [],
  errors: [],
  admissible: true,
}
const T0 = Date.parse('2026-11-30T00:00:00.000Z')

function inputs(beat: number, over: Partial<BeatInputs> = {}): BeatInputs {
  return {
    beat,
    at: new Date(T0 + beat * 60_000).toISOString(),
    peers: 5,
    evaluation: calm,
    dims,
    since: { violations: 0, rejections: 0, overrides: 0, events: 0 },
    kairos,
    peer_alerts: [],
    peer_alert_id: null,
    peer_ml_weights: [],
    ...over,
  }
}

/** Runs beats with `events(beat)` committed events each minute; returns the snapshots. */
function run(config: Partial<PulseConfig>, beats: number, events: (beat: number) => number) {
  const c = PulseConfig.parse(config)
  let m: PulseMemory = initialMemory(c)
  const out = []
  for (let b = 1; b <= beats; b++) {
    const r = runBeat(
      c,
      m,
      inputs(b, { since: { violations: 0, rejections: 0, overrides: 0, events: events(b) } }),
    )
    m = r.memory
    out.push(r.snapshot)
  }
  return out
}

describe('P, k and U', () => {
  it('P: p_nodes when set, else 1 + live peers when a node reported (0 peers: 1), else the seed 5', () => {
    expect(nodesOf(undefined, null)).toBe(5)
    expect(nodesOf(undefined, 0)).toBe(1)
    expect(nodesOf(undefined, 3)).toBe(4)
    expect(nodesOf(9, 3)).toBe(9)
    expect(nodesOf(2, null)).toBe(2)
  })

  it('k is the number of active cores unless k_flows is set; an inactive core outputs nothing', () => {
    const c = PulseConfig.parse({ cores: { B: false, O: false } })
    const violated: Evaluation = {
      ...calm,
      state_vector: [0.2],
      torsion: 0.09,
      admissible: false,
      violations: [{ invariant: 'A', score: 0.2, threshold: 0.5, weight: 1, cost: 0.09 }],
    }
    const s = runBeat(c, initialMemory(c), inputs(1, { evaluation: violated })).snapshot
    expect(s.k).toBe(2)
    close(s.t_lambda, (0.001 * 4) / (1 - 1 / (2 * 5)))
    expect(s.genome.B).toBe(0)
    expect(s.genome.O).toBe(0)
    close(s.genome.R + s.genome.E, 1)
    expect(s.cores.regen.urgency).toBeCloseTo(0.6, 12) // R is on
    expect(s.cores.optimize.gain).toBe(0)
    const fixed = PulseConfig.parse({ cores: { B: false, O: false }, k_flows: 6 })
    expect(runBeat(fixed, initialMemory(fixed), inputs(1)).snapshot.k).toBe(6)
    // without the Entropy core there is no threat, so no ALERT or QUARANTINE
    const noE = PulseConfig.parse({ cores: { E: false } })
    const burst = { violations: 50, rejections: 50, overrides: 0, events: 0 }
    const q = runBeat(noE, initialMemory(noE), inputs(1, { since: burst })).snapshot
    expect(q.cores.entropy.threat).toBe(0)
    expect(q.decision).not.toBe('QUARANTINE')
  })

  it('configurations T_Lambda cannot run with at every P are refused, with the member to fix', () => {
    const refused = (c: object) => {
      try {
        checkConfig(PulseConfig.parse(c))
        return null
      } catch (e) {
        expect(e).toBeInstanceOf(PulseConfigError)
        return (e as PulseConfigError).pointer
      }
    }
    expect(refused({})).toBeNull()
    expect(refused({ cores: { R: false, B: false, E: false } })).toBe('/cores') // O alone
    expect(refused({ cores: { R: false, B: false, O: false } })).toBe('/cores') // k 1, P may be 1
    expect(refused({ cores: { R: false, B: false, O: false }, p_nodes: 2 })).toBeNull()
    expect(refused({ k_flows: 1 })).toBe('/k_flows')
    expect(refused({ cores: { R: false, B: false, E: false, O: false } })).toBe('/cores')
  })

  it('u_source "load": U = 1 + u_scale x (events + refusals) per second since the previous beat', () => {
    const c = PulseConfig.parse({ u_source: 'load', u_scale: 2 })
    const m = { ...initialMemory(c), last_at: new Date(T0).toISOString() }
    // 90 events + 30 refusals over the 60 s since the previous beat: 2 per second, U = 1 + 2 x 2
    const s = runBeat(
      c,
      m,
      inputs(1, { since: { violations: 0, rejections: 30, overrides: 0, events: 90 } }),
    ).snapshot
    close(s.load as number, 2)
    close(s.u as number, 5)
    close(s.t_lambda, (0.001 * Math.log(5)) / 0.95)
    // idle: U = 1, ln U = 0, T_Lambda at its 1e-6 floor
    expect(runBeat(c, m, inputs(1)).snapshot.t_lambda).toBe(1e-6)
    // "fixed" measures the load too, but U stays u
    const f = PulseConfig.parse({})
    const sf = runBeat(
      f,
      m,
      inputs(1, { since: { violations: 0, rejections: 30, overrides: 0, events: 90 } }),
    )
    close(sf.snapshot.u as number, Math.exp(4))
  })

  it('with a fixed U the error is a constant that pins O at 0; a varying load moves O both ways', () => {
    const fixed = run({}, 40, () => 0)
    expect(new Set(fixed.map((s) => s.error)).size).toBe(1)
    expect(fixed.at(-1)?.genome.O).toBe(0)
    expect(fixed.slice(15).every((s) => s.genome.O === 0)).toBe(true)
    // The default u_scale (178,482,299 ~ e^19 - 1) puts T_Lambda at T_threshold for 1 event/s (ln U = 0.02 x 0.95 / 0.001):
    // a load swinging between 0.05/s and 20/s, 10 beats each, gives errors of -+0.001 ln(20) / 0.95.
    const busy = (b: number) => (Math.floor((b - 1) / 10) % 2 === 0 ? 3 : 1200)
    const load = run({ u_source: 'load' }, 80, busy)
    close(load[0]?.error as number, (0.001 * Math.log(1 + 178_482_299 * 0.05)) / 0.95 - 0.02)
    expect(load[0]?.error).toBeLessThan(0)
    expect(load[10]?.error).toBeGreaterThan(0)
    const O = load.map((s) => s.genome.O)
    expect(Math.min(...O)).toBeGreaterThan(0.1)
    const rises = O.slice(1).filter((o, i) => o > (O[i] as number)).length
    const falls = O.slice(1).filter((o, i) => o < (O[i] as number)).length
    expect(rises).toBeGreaterThan(5)
    expect(falls).toBeGreaterThan(5)
  })
})

describe('pid_stable (Lyapunov V = e^2 over balance_window beats)', () => {
  it('null before the window fills; true while V does not grow; false when it does', () => {
    expect(pidStable([0.3, 0.2], 3)).toBeNull()
    expect(pidStable([0.3, -0.2, 0.1], 3)).toBe(true)
    expect(pidStable([0.3, 0.2, -0.25], 3)).toBe(false)
    expect(pidStable([5, 0.3, 0.2, 0.1], 3)).toBe(true) // only the last window counts
    expect(pidStable([0.1, 0.1, 0.1 * (1 + 1e-12)], 3)).toBe(true) // within the tolerance
  })

  it('the beat reports it, over balance_window beats', () => {
    const constant = run({ balance_window: 4 }, 5, () => 0)
    expect(constant.slice(0, 3).map((s) => s.pid.stable)).toEqual([null, null, null])
    expect(constant[3]?.pid.stable).toBe(true)
    close(constant[3]?.pid.v as number, (constant[3]?.error as number) ** 2)
    // the load approaches the nominal 1/s (|error| shrinks), then the holon goes idle (error -0.02)
    const rising = run({ balance_window: 4, u_source: 'load' }, 5, (b) =>
      b === 5 ? 0 : 60 * Math.exp(2 * (b - 5)),
    )
    expect(rising.map((s) => Math.sign(s.error))).toEqual([-1, -1, -1, -1, -1])
    expect(rising[3]?.pid.stable).toBe(true)
    expect(rising[4]?.pid.stable).toBe(false)
  })
})

const local = KernelSpec.parse({
  id: 'coop',
  invariants: {
    Traceability: { score: '1.0', threshold: 0.9 },
    Reserve: { score: '1.0', threshold: 0.3 },
  },
})

describe('peer alerts in the entropy model', () => {
  it('weights a peer kernel by overlap x threshold agreement', () => {
    const same = peerArtifact({
      invariants: [
        { name: 'Traceability', threshold: 0.9, weight: 1 },
        { name: 'Reserve', threshold: 0.3, weight: 1 },
      ],
    }).artifact
    const half = peerArtifact({
      invariants: [
        { name: 'Traceability', threshold: 0.7, weight: 1 },
        { name: 'Carbon', threshold: 0.5, weight: 1 },
      ],
    }).artifact
    const other = peerArtifact({ invariants: [{ name: 'Carbon', threshold: 0.5, weight: 1 }] }).artifact
    close(compatibilityWeight(compatibility(local, same)), 1)
    // 1 shared of 3 names, thresholds 0.2 apart: (1/3) x 0.8
    close(compatibilityWeight(compatibility(local, half)), 0.8 / 3)
    expect(compatibilityWeight(compatibility(local, other))).toBe(0)
  })

  it('QUARANTINE 1, ALERT 0.5, x compatibility (0.5 unknown); per origin its worst alert', () => {
    const a = (origin: string, decision: PeerAlert['decision'], compatibility: number | null): PeerAlert => ({
      origin,
      decision,
      compatibility,
    })
    expect(peerAlertScore([])).toBe(0)
    close(peerAlertScore([a('x', 'QUARANTINE', 1), a('y', 'ALERT', 0.4), a('z', 'QUARANTINE', null)]), 1.7)
    close(peerAlertScore([a('x', 'ALERT', 1), a('x', 'QUARANTINE', 1), a('x', 'ALERT', 1)]), 1)
  })

  it('a QUARANTINE from a compatible peer raises the threat more than one from an incompatible peer', () => {
    const c = PulseConfig.parse({ ml_weight: 1 })
    const m = initialMemory(c)
    const threat = (compat: number | null) =>
      runBeat(
        c,
        m,
        inputs(1, { peer_alerts: [{ origin: 'p', decision: 'QUARANTINE', compatibility: compat }] }),
      ).snapshot.cores.entropy
    const compatible = threat(1)
    const unknown = threat(null)
    const incompatible = threat(0)
    expect(compatible.features.peer_alerts).toBe(1)
    close(compatible.threat, sigmoid(1 * 1 - 3))
    close(unknown.threat, sigmoid(1 * 0.5 - 3))
    close(incompatible.threat, sigmoid(-3))
    expect(compatible.threat).toBeGreaterThan(unknown.threat)
    expect(unknown.threat).toBeGreaterThan(incompatible.threat)
  })

  it('the alert cursor moves with the beat (memory), so an alert counts once', () => {
    const c = PulseConfig.parse({})
    const r = runBeat(c, initialMemory(c), inputs(1, { peer_alert_id: 42 }))
    expect(r.memory.peer_alert_id).toBe(42)
  })
})

describe('ml_weight sharing', () => {
  const bounds = { share_bound: 0.1, min: 0, max: 10 }

  it('moves own w towards the mean of own and peers, at most share_bound x max(w, 0.12) a beat', () => {
    expect(shareModel(0.5, [], bounds)).toBe(0.5)
    close(shareModel(1, [1.1], bounds), 1.05) // mean within the bound
    close(shareModel(1, [5, 5], bounds), 1.1) // mean 3.67, bounded to +0.1
    close(shareModel(1, [0, 0], bounds), 0.9)
    close(shareModel(0, [2], bounds), 0.012) // a zero w moves against 0.12
    expect(shareModel(1, [Number.NaN, 11, -1], bounds)).toBe(1) // nothing valid to share
  })

  it('property: within [0, 10], never further than the bound, towards the mean', () => {
    const w = fc.double({ min: 0, max: 10, noNaN: true })
    fc.assert(
      fc.property(
        w,
        fc.array(w, { maxLength: 20 }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        (own, peers, b) => {
          const n = shareModel(own, peers, { share_bound: b, min: 0, max: 10 })
          expect(n).toBeGreaterThanOrEqual(0)
          expect(n).toBeLessThanOrEqual(10)
          expect(Math.abs(n - own)).toBeLessThanOrEqual(b * Math.max(own, 0.12) + 1e-12)
          const mean = (own + peers.reduce((s, x) => s + x, 0)) / (peers.length + 1)
          expect(Math.abs(n - mean)).toBeLessThanOrEqual(Math.abs(own - mean) + 1e-12)
        },
      ),
    )
  })

  it('runBeat shares only with share_model on, and the shared w sets the threat', () => {
    const off = PulseConfig.parse({})
    const on = PulseConfig.parse({ share_model: true })
    const x = inputs(1, {
      peer_ml_weights: [2, 2],
      since: { violations: 5, rejections: 0, overrides: 0, events: 0 },
    })
    expect(runBeat(off, initialMemory(off), x).snapshot.model.w).toBe(0.12)
    const s = runBeat(on, initialMemory(on), x).snapshot
    close(s.model.w, 0.12 * 1.1)
    close(s.cores.entropy.threat, sigmoid(0.132 * 5 - 3))
    expect(runBeat(on, initialMemory(on), inputs(1)).snapshot.model.w).toBe(0.12)
    // share_bound sets the step: mean(0.12, 2, 2) = 1.37 is far, so w moves by 0.5 x 0.12
    const wide = PulseConfig.parse({ share_model: true, share_bound: 0.5 })
    close(runBeat(wide, initialMemory(wide), x).snapshot.model.w, 0.18)
  })
})
