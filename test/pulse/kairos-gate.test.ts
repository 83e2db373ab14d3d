// KAIROS that acts, over HTTP: the dissipation gate (409 with its reasons, dry runs, override, time clears it),
// the Emissary's suggestion in the pulse document, reconstruction on the time grid, stored i_c configurations.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { HolonObject } from '../../durable-objects/holon/holon-object.ts'
import type { KernelInput } from '../../schemas/kernel.ts'
import { ADMIN, call, commit, freshId, state } from '../support/http.ts'

const kernel: KernelInput = {
  id: 'kairos-gate',
  invariants: {
    Clean: { score: 'has(event.bad) ? 0.0 : 1.0', threshold: 0.5 },
    Slack: { score: '0.65', threshold: 0.6 },
  },
  gate: { on_torsion: 'reject', admit_improving: false },
}
const HOUR = 3_600_000
const stub = (id: string) => env.HOLON.getByName(id)
const pulse = (id: string, body: unknown) => call('PUT', `/v1/holons/${id}/pulse`, body, ADMIN)
const doc = async (id: string) => (await call('GET', `/v1/holons/${id}/pulse`)).body

/** tau 1, omega 0, windows 16 / 4 on 1 s steps: the known answer below holds on this configuration. */
const KAIROS = { tau: 1, omega: 0, tau_scale_ms: 1000, master_window: 16, emissary_window: 4 }

async function started(kairos: Record<string, unknown>) {
  const id = freshId('kg')
  expect((await call('PUT', `/v1/holons/${id}`, { kernel }, ADMIN)).status).toBe(201)
  const p = await pulse(id, { running: true, config: { period_ms: HOUR, kairos: { ...KAIROS, ...kairos } } })
  expect(p.status).toBe(200)
  return id
}

/**
 * Stores a state history as KAIROS samples one second apart, ending `endsAgo` ms before now, and drops the
 * pulse's engine so it is rebuilt from them. A steady drift of +v (39 steps) then a zig-zag (5 steps): with
 * tau 1 the drift's terms are +v^2 and the zig-zag's -v^2, so the Emissary's 4 steps read -1 and the
 * Master's 16 read (11 - 5) / 16: delta_phase 1 - 6/16 = 0.625, T_sync (6/16 - 1) / 2 = -0.3125.
 */
async function incoherentHistory(id: string, endsAgo = 60_000): Promise<number> {
  const phis: number[][] = []
  let x = 0.5
  for (let n = 0; n < 40; n++) {
    x += 0.001
    phis.push([1, x])
  }
  for (let n = 0; n < 5; n++) {
    x += n % 2 ? 0.001 : -0.001
    phis.push([1, x])
  }
  const end = Math.floor((Date.now() - endsAgo) / 1000) * 1000
  const start = end - (phis.length - 1) * 1000
  await runInDurableObject(stub(id), (o: HolonObject, s) => {
    phis.forEach((phi, n) => {
      s.storage.sql.exec(
        "INSERT INTO kairos_samples (n, at_ms, source, phi) VALUES (?, ?, 'commit', ?)",
        n + 1,
        start + n * 1000 + 250,
        JSON.stringify(phi),
      )
    })
    ;(o as unknown as { pulse: { reset(): void } }).pulse.reset()
  })
  return end + 250
}

const DELTA = 1 - 6 / 16
const SYNC_POWER = ((6 / 16 - 1) / 2) ** 2

describe("kairos.gate: 'dissipate'", () => {
  it('an incoherent holon needs an override for every commit; the 409 says why; a dry run agrees', async () => {
    const id = await started({ gate: 'dissipate' })
    await incoherentHistory(id)
    const p = await doc(id)
    expect(p.kairos.delta_phase).toBeCloseTo(DELTA, 12)
    expect(p.kairos.sync_power).toBeCloseTo(SYNC_POWER, 12)
    expect(p).toMatchObject({ dissipating: true, quarantined: false, suggestion: { action: 'hold' } })
    expect((await state(id)).body.pulse.dissipating).toBe(true)

    const blocked = await commit(id, { event: { id: 'fine-1' } })
    expect(blocked.status).toBe(409)
    expect(blocked.type).toMatch(/problem\+json/)
    expect(blocked.body).toMatchObject({
      type: '/problems/override_required',
      verdict: 'override_required',
      torsion: 0,
      quarantined: false,
      dissipating: { phase_threshold: 0.1, collapse: false, coherence_threshold: 0.95 },
    })
    expect(blocked.body.dissipating.delta_phase).toBeCloseTo(DELTA, 12)
    expect(blocked.body.dissipating.sync_power).toBeCloseTo(SYNC_POWER, 12)
    expect(blocked.body.detail).toContain('incoherent')
    expect(blocked.body.detail).toContain('delta_phase 0.6250 > delta 0.1')
    const dry = await call('POST', `/v1/holons/${id}/evaluate`, { event: { id: 'fine-1' } })
    expect(dry.status).toBe(200)
    expect(dry.body.results[0].verdict).toBe('override_required')

    // an override commits, as under quarantine; its sample comes a minute after the history, and the idle
    // steps in between leave nothing moving in the windows: coherent enough again, the gate lets go
    const forced = await commit(
      id,
      { event: { id: 'fine-1' }, override: { reason: 'drill', actor: 'ops' } },
      ADMIN,
    )
    expect(forced.status).toBe(201)
    expect(forced.body.results[0].verdict).toBe('admit_override')
    const after = await doc(id)
    expect(after.kairos.delta_phase).toBe(0)
    expect(after.dissipating).toBe(false)
    const free = await commit(id, { event: { id: 'fine-2' } })
    expect(free.status).toBe(201)
    expect(free.body.results[0].verdict).toBe('admit')
  })

  it("gate 'off' (the default) lets the same incoherence through and suggests realigning", async () => {
    const id = await started({})
    await incoherentHistory(id)
    const p = await doc(id)
    expect(p.config.kairos.gate).toBe('off')
    expect(p.kairos.delta_phase).toBeCloseTo(DELTA, 12)
    expect(p).toMatchObject({ dissipating: false, suggestion: { action: 'realign' } })
    expect((await commit(id, { event: { id: 'a' } })).status).toBe(201)
  })

  it('phase_threshold is delta: above the gap the holon is not incoherent', async () => {
    const id = await started({ gate: 'dissipate', phase_threshold: 0.63 })
    await incoherentHistory(id)
    expect(await doc(id)).toMatchObject({
      dissipating: false,
      suggestion: { action: 'watch', invariant: 'Slack' },
    })
    expect((await commit(id, { event: { id: 'a' } })).status).toBe(201)
    // and just under it, it is
    const tight = await started({ gate: 'dissipate', phase_threshold: 0.62 })
    await incoherentHistory(tight)
    expect((await commit(tight, { event: { id: 'a' } })).status).toBe(409)
  })

  it('a collapsed holon is not dissipating (coherence_threshold is I_c), and proceeds', async () => {
    const id = await started({ gate: 'dissipate', coherence_threshold: 0.09 })
    await incoherentHistory(id)
    const p = await doc(id)
    expect(p.kairos.collapse).toBe(true)
    expect(p).toMatchObject({ dissipating: false, suggestion: { action: 'proceed' } })
    expect((await commit(id, { event: { id: 'a' } })).status).toBe(201)
  })

  it('the gate acts only while the pulse runs', async () => {
    const id = await started({ gate: 'dissipate' })
    await incoherentHistory(id)
    expect((await commit(id, { event: { id: 'a' } })).status).toBe(409)
    expect((await pulse(id, { running: false })).body).toMatchObject({
      dissipating: false,
      suggestion: { action: 'realign' },
    })
    expect((await commit(id, { event: { id: 'a' } })).status).toBe(201)
  })
})

describe('the pulse document and temporal memory on the time grid', () => {
  it('suggests watching the invariant nearest its threshold when coherent', async () => {
    const id = await started({})
    const p = await doc(id)
    expect(p.suggestion).toMatchObject({ action: 'watch', invariant: 'Slack' })
    expect(p.suggestion.reason).toContain('nearest its threshold')
    // a violated invariant comes first
    await commit(id, { event: { id: 'b', bad: true }, override: { reason: 'x' } }, ADMIN)
    expect((await doc(id)).suggestion).toMatchObject({ action: 'watch', invariant: 'Clean' })
  })

  it('reconstruction at a time counts the idle steps since the last sample', async () => {
    const id = await started({})
    const last = await incoherentHistory(id)
    const at = async (t: number) =>
      (await call('GET', `/v1/holons/${id}/temporal?at=${t}`)).body.reconstructed.kairos
    const then = await at(last)
    expect(then.emissary.re).toBeCloseTo(-1, 12)
    expect(then.master.re).toBeCloseTo(6 / 16, 12)
    // 2 idle steps later the Emissary holds 2 zig-zag terms and 2 zero ones: still -1; the Master
    // 9 drift and 5 zig-zag terms of its 16: 4/14
    const later = await at(last + 2000)
    expect(later.emissary.re).toBeCloseTo(-1, 12)
    expect(later.master.re).toBeCloseTo(4 / 14, 12)
    expect(later.samples).toBe(then.samples)
    // past the windows nothing moved within them
    const quiet = await at(last + 30_000)
    expect(quiet.master.abs).toBe(0)
    expect(quiet.delta_phase).toBe(0)
  })

  it('a stored configuration that still says i_c is read as coherence_threshold', async () => {
    const id = await started({})
    await runInDurableObject(stub(id), (o: HolonObject, s) => {
      const row = s.storage.sql.exec<{ config: string }>('SELECT config FROM pulse').one()
      const config = JSON.parse(row.config)
      const {
        coherence_threshold: _,
        phase_threshold: __,
        gate: ___,
        tau_scale_ms: ____,
        ...old
      } = config.kairos
      config.kairos = { ...old, i_c: 0.5 }
      s.storage.sql.exec('UPDATE pulse SET config = ?', JSON.stringify(config))
      ;(o as unknown as { pulse: { reset(): void } }).pulse.reset()
    })
    const p = await doc(id)
    expect(p.config.kairos).toMatchObject({
      coherence_threshold: 0.5,
      phase_threshold: 0.1,
      tau_scale_ms: 1000,
    })
    expect(p.config.kairos).not.toHaveProperty('i_c')
    const again = await pulse(id, { config: { kairos: { phase_threshold: 0.2 } } })
    expect(again.status).toBe(200)
    expect(again.body.config.kairos).toMatchObject({ coherence_threshold: 0.5, phase_threshold: 0.2 })
  })

  it('regression: a partial configuration changes only what it names (zod filled defaults into the patch)', async () => {
    const id = await started({ gate: 'dissipate' })
    await pulse(id, { config: { recovery_beats: 7, witnessing: { meta_interval_ms: 5000 } } })
    const p = await pulse(id, {
      config: { kairos: { phase_threshold: 0.3 }, witnessing: { layers: ['meta'] } },
    })
    expect(p.status).toBe(200)
    expect(p.body.config).toMatchObject({ period_ms: HOUR, recovery_beats: 7 })
    expect(p.body.config.kairos).toMatchObject({ ...KAIROS, gate: 'dissipate', phase_threshold: 0.3 })
    expect(p.body.config.witnessing).toEqual({
      layers: ['meta'],
      micro_interval_ms: 0,
      meso_interval_ms: 0,
      meta_interval_ms: 5000,
    })
  })
})
