// The pulse inside the holon object: admin switch, beats on the alarm, re-delivery, quarantine, alert,
// temporal memory with reconstruction, witness entries. Beats are driven by the runtime's alarm hooks.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { HolonObject } from '../../durable-objects/holon/holon-object.ts'
import type { KernelInput } from '../../schemas/kernel.ts'
import { ADMIN, call, commit, createHolon, freshId, state, WRITE } from '../support/http.ts'

/** One invariant scored on the latest event: a `bad` event violates it, any other event satisfies it. */
const kernel: KernelInput = {
  id: 'pulse-test',
  invariants: { Clean: { score: 'has(event.bad) ? 0.0 : 1.0', threshold: 0.5 } },
  gate: { on_torsion: 'reject', admit_improving: false },
}
const HOUR = 3_600_000
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))

const pulse = (id: string, body: unknown, token = ADMIN) => call('PUT', `/v1/holons/${id}/pulse`, body, token)
const stub = (id: string) => env.HOLON.getByName(id)

/** Makes the next beat due (the clock moved on) and lets the runtime deliver the alarm. */
async function beat(id: string) {
  await runInDurableObject(stub(id), (_, s) => {
    s.storage.sql.exec('UPDATE pulse SET next_at = 0')
  })
  expect(await runDurableObjectAlarm(stub(id))).toBe(true)
  return (await call('GET', `/v1/holons/${id}/pulse`)).body
}

const ledgerKinds = async (id: string) =>
  (await call('GET', `/v1/holons/${id}/ledger?limit=1000`)).body.entries.map((e: any) => e.entry.kind)

async function started(config: Record<string, unknown> = {}, verification?: unknown) {
  const id = freshId('p')
  const r = await call(
    'PUT',
    `/v1/holons/${id}`,
    { kernel, ...(verification ? { verification } : {}) },
    ADMIN,
  )
  expect(r.status).toBe(201)
  const p = await pulse(id, { running: true, config: { period_ms: HOUR, ...config } })
  expect(p.status).toBe(200)
  return id
}

describe('PUT /v1/holons/:id/pulse', () => {
  it('needs the admin token, and refuses k P <= 1 as configuration', async () => {
    const id = await createHolon(kernel)
    expect((await pulse(id, { running: true }, WRITE)).status).toBe(403)
    const bad = await pulse(id, { running: true, config: { k_flows: 1 } })
    expect(bad.status).toBe(400)
    expect(bad.body.errors[0].pointer).toBe('/config/k_flows')
    expect((await call('GET', `/v1/holons/${id}/pulse`)).body.running).toBe(false)
    expect((await pulse('nope-none', { running: true })).status).toBe(404)
  })

  it('starts, beats on the alarm with the seed formulas, and stops', async () => {
    const id = await started()
    const before = (await call('GET', `/v1/holons/${id}/pulse`)).body
    expect(before).toMatchObject({ running: true, beat: 0, last: null })
    expect(Date.parse(before.next_beat_at)).toBeGreaterThan(Date.now() + HOUR - 60_000)
    const p = await beat(id)
    expect(p.beat).toBe(1)
    const s = p.last
    // no node has reported: the seed's P = 5, T_Lambda = 0.001 ln(e^4) / (1 - 1/20)
    expect(s.peers).toBe(5)
    expect(s.t_lambda).toBeCloseTo(0.004 / 0.95, 12)
    expect(s.error).toBeCloseTo(0.004 / 0.95 - 0.02, 12)
    expect(s.pid.output).toBeCloseTo(0.7 * (0.004 / 0.95 - 0.02), 12)
    // quiet holon: no anomalies, threat sigmoid(-3); headroom 0.5 above the threshold -> OPTIMIZE
    expect(s.cores.entropy.anomalies).toBe(0)
    expect(s.cores.entropy.threat).toBeCloseTo(sigmoid(-3), 12)
    expect(s.cores.optimize.gain).toBeCloseTo(0.5, 12)
    expect(s.decision).toBe('OPTIMIZE')
    expect(s.genome.R + s.genome.B + s.genome.E + s.genome.O).toBeCloseTo(1, 12)
    expect(await ledgerKinds(id)).toEqual([
      'holon.created',
      'pulse.configured',
      'pulse.beat',
      'pulse.decision',
      'witness.state',
    ])
    const stopped = await pulse(id, { running: false })
    expect(stopped.body).toMatchObject({ running: false, next_beat_at: null, beat: 1 })
  })

  it('first_beat_at sets the next beat time; a time in the past means now', async () => {
    const id = await started()
    const later = Date.now() + 5 * HOUR
    expect(Date.parse((await pulse(id, { first_beat_at: later })).body.next_beat_at)).toBe(later)
    const now = await pulse(id, { first_beat_at: 0 })
    expect(Date.parse(now.body.next_beat_at)).toBeLessThanOrEqual(Date.now())
    await runDurableObjectAlarm(stub(id))
    const p = (await call('GET', `/v1/holons/${id}/pulse`)).body
    expect(p.beat).toBe(1)
    expect(Date.parse(p.next_beat_at)).toBeGreaterThan(Date.now() + HOUR - 60_000)
  })

  it('a re-delivered alarm does not apply a beat twice', async () => {
    const id = await started()
    await beat(id)
    // the same alarm delivered again, and the runtime's own next alarm run early: nothing is due
    await runInDurableObject(stub(id), (o: HolonObject) => o.alarm())
    await runDurableObjectAlarm(stub(id))
    await runInDurableObject(stub(id), (o: HolonObject) => o.alarm())
    const p = (await call('GET', `/v1/holons/${id}/pulse`)).body
    expect(p.beat).toBe(1)
    const rows = await runInDurableObject(stub(id), (_, s) => ({
      beats: s.storage.sql.exec('SELECT count(*) AS n FROM pulse_beats').one().n,
      samples: s.storage.sql.exec("SELECT count(*) AS n FROM kairos_samples WHERE source = 'beat'").one().n,
    }))
    expect(rows).toEqual({ beats: 1, samples: 1 })
    expect((await ledgerKinds(id)).filter((k: string) => k === 'pulse.beat')).toHaveLength(1)
    expect((await beat(id)).beat).toBe(2)
  })
})

describe('quarantine', () => {
  it('a burst of violations quarantines the holon; commits then need an override; calm lifts it', async () => {
    const id = await started({ recovery_beats: 2 })
    await beat(id) // beat 1: quiet, predicts threat sigmoid(-3)
    const burst = Array.from({ length: 20 }, (_, i) => ({ id: `bad-${i}`, bad: true }))
    const forced = await commit(id, { events: burst, override: { reason: 'drill', actor: 'ops' } }, ADMIN)
    expect(forced.status).toBe(201)

    // beat 2: the model first learns that beat 1 was followed by overrides (label 1), then scores
    // 20 event violations + 20 overrides + the current violation = 41 anomalies
    const b1 = -3 + 0.01 * (1 - sigmoid(-3))
    const p2 = await beat(id)
    expect(p2.last.cores.entropy.features).toEqual({
      violations: 21,
      rejections: 0,
      overrides: 20,
      near_threshold: 0,
      peer_alerts: 0,
    })
    expect(p2.last.model.b).toBeCloseTo(b1, 12)
    expect(p2.last.cores.entropy.threat).toBeCloseTo(sigmoid(0.12 * 41 + b1), 12)
    expect(p2.last.decision).toBe('QUARANTINE')
    expect(p2.last.cores.regen.recommendations).toEqual([{ invariant: 'Clean', urgency: 1, cost: 0.25 }])
    expect((await state(id)).body.pulse).toMatchObject({
      quarantined: true,
      alert: true,
      decision: 'QUARANTINE',
    })

    // every commit needs an override now, even an admissible one, and a dry run says so too
    const blocked = await commit(id, { event: { id: 'ok-1' } })
    expect(blocked.status).toBe(409)
    expect(blocked.body).toMatchObject({ type: '/problems/override_required', quarantined: true, torsion: 0 })
    const dry = await call('POST', `/v1/holons/${id}/evaluate`, { event: { id: 'ok-1' } })
    expect(dry.body.results[0].verdict).toBe('override_required')
    const allowed = await commit(id, { event: { id: 'ok-1' }, override: { reason: 'repair' } }, ADMIN)
    expect(allowed.status).toBe(201)
    expect(allowed.body.results[0].verdict).toBe('admit_override')

    // beat 3: threat back under the alert level, 1 quiet beat of 2; beat 4 lifts the quarantine
    const p3 = await beat(id)
    expect(p3.last.cores.entropy.threat).toBeLessThan(0.6)
    expect(p3).toMatchObject({ quarantined: true, last: { quarantine: { active: true, quiet_beats: 1 } } })
    expect((await commit(id, { event: { id: 'ok-2' } })).status).toBe(409)
    const p4 = await beat(id)
    expect(p4).toMatchObject({ quarantined: false, last: { quarantine: { active: false, quiet_beats: 2 } } })
    const free = await commit(id, { event: { id: 'ok-2' } })
    expect(free.status).toBe(201)
    expect(free.body.results[0].verdict).toBe('admit')

    const kinds: string[] = await ledgerKinds(id)
    const q = (await call('GET', `/v1/holons/${id}/ledger?limit=1000`)).body.entries
      .map((e: any) => e.entry)
      .filter((e: any) => e.kind === 'pulse.quarantine')
      .map((e: any) => [e.data.beat, e.data.active])
    expect(q).toEqual([
      [2, true],
      [4, false],
    ])
    expect(kinds.filter((k) => k === 'pulse.decision').length).toBeGreaterThanOrEqual(2)
  })

  it('stopping the pulse lifts its quarantine (ledgered)', async () => {
    // bias 2: a quiet beat scores sigmoid(2) = 0.88 >= 0.85
    const id = await started({ bias: 2 })
    expect((await beat(id)).last.decision).toBe('QUARANTINE')
    expect((await commit(id, { event: { id: 'a' } })).status).toBe(409)
    expect((await pulse(id, { running: false })).body.quarantined).toBe(false)
    expect((await commit(id, { event: { id: 'a' } })).status).toBe(201)
    const kinds: string[] = await ledgerKinds(id)
    expect(kinds.filter((k) => k === 'pulse.quarantine')).toHaveLength(2)
  })

  it('ALERT shows in /state without quarantining', async () => {
    // bias 0.5: a quiet beat already scores sigmoid(0.5) = 0.62, between the alert and quarantine levels
    const id = await started({ bias: 0.5 })
    const p = await beat(id)
    expect(p.last.decision).toBe('ALERT')
    expect(p.last.cores.entropy.threat).toBeCloseTo(sigmoid(0.5), 12)
    const s = (await state(id)).body
    expect(s.pulse).toMatchObject({
      running: true,
      beat: 1,
      decision: 'ALERT',
      alert: true,
      quarantined: false,
    })
    expect((await commit(id, { event: { id: 'fine' } })).status).toBe(201)
  })
})

describe('temporal memory and witnessing', () => {
  it('lists snapshots by time and reconstructs the coherence state at a timestamp from the samples', async () => {
    const id = await started()
    const times: number[] = []
    for (let i = 0; i < 6; i++) {
      await commit(
        id,
        { event: i % 2 ? { id: `b${i}`, bad: true } : { id: `g${i}` }, override: { reason: 'x' } },
        ADMIN,
      )
      expect((await commit(id, { event: { id: `h${i}` } })).status).toBe(201)
      const p = await beat(id)
      times.push(Date.parse(p.last.at))
    }
    const all = (await call('GET', `/v1/holons/${id}/temporal`)).body
    expect(all.snapshots.map((s: any) => s.beat)).toEqual([1, 2, 3, 4, 5, 6])
    const mid = (await call('GET', `/v1/holons/${id}/temporal?from=${times[2]}&to=${times[3]}`)).body
    expect(mid.snapshots.map((s: any) => s.beat)).toEqual([3, 4])
    // the live O(1) engine's reading stored with beat 6 equals a replay of the samples up to that time
    const at = new Date(times[5] as number).toISOString()
    const r = (await call('GET', `/v1/holons/${id}/temporal?from=0&at=${at}`)).body.reconstructed
    const live = all.snapshots[5].kairos
    expect(r.kairos.samples).toBe(live.samples)
    expect(r.kairos.master.abs).toBeCloseTo(live.master.abs, 12)
    expect(r.kairos.emissary.re).toBeCloseTo(live.emissary.re, 12)
    expect(r.kairos.collapse).toBe(live.collapse)
    const bad = await call('GET', `/v1/holons/${id}/temporal?at=yesterday`)
    expect(bad.status).toBe(400)
  })

  it('witness entries follow the verification level; decisions are always ledgered', async () => {
    const full = await started()
    await beat(full)
    await beat(full)
    const w = (await call('GET', `/v1/holons/${full}/witness`)).body
    expect(w.entries.map((e: any) => [e.kind, e.data.beat])).toEqual([
      ['witness.state', 1],
      ['witness.state', 2],
    ])
    expect(w.entries[0].data).toHaveProperty('sync_power')

    const none = await started({ bias: 0.5 }, { level: 'none', sample_rate: 1 })
    await beat(none)
    expect((await call('GET', `/v1/holons/${none}/witness`)).body.entries).toEqual([])
    expect(await ledgerKinds(none)).toEqual(['holon.created', 'pulse.configured', 'pulse.decision'])
  })
})

describe('one alarm for two jobs', () => {
  it('a pending kernel rebuild runs on the alarm without beating early; the beat comes when due', async () => {
    const id = await started()
    const events = Array.from({ length: 120 }, (_, i) => ({ id: `e${i}`, n: i }))
    expect((await commit(id, { events })).status).toBe(201)
    const v2: KernelInput = {
      ...kernel,
      aggregates: { n: { fold: 'count' } },
      invariants: { ...kernel.invariants, Some: { score: 'agg.n > 0.0 ? 1.0 : 0.0', threshold: 0.5 } },
    }
    expect((await call('PUT', `/v1/holons/${id}/kernel`, { kernel: v2 }, ADMIN)).status).toBe(202)
    for (let i = 0; i < 10 && (await call('GET', `/v1/holons/${id}`)).body.pending_kernel; i++)
      await runDurableObjectAlarm(stub(id))
    expect((await call('GET', `/v1/holons/${id}`)).body.pending_kernel).toBeUndefined()
    expect((await call('GET', `/v1/holons/${id}/pulse`)).body.beat).toBe(0)
    // after the rebuild the alarm is back on the beat time
    const alarm = await runInDurableObject(stub(id), (_, s) => s.storage.getAlarm())
    expect(alarm).toBeGreaterThan(Date.now() + HOUR - 60_000)
    const p = await beat(id)
    expect(p.last.state_vector).toEqual([1, 1])
  })

  it('after eviction the KAIROS engine is rebuilt from the samples and carries on identically', async () => {
    const id = await started()
    for (let i = 0; i < 5; i++) {
      await commit(id, { event: { id: `x${i}`, bad: i % 2 === 1 }, override: { reason: 'x' } }, ADMIN)
      await beat(id)
    }
    await evictDurableObject(stub(id))
    await commit(id, { event: { id: 'y' } }, ADMIN)
    const p = await beat(id)
    const at = encodeURIComponent(p.last.at)
    const r = (await call('GET', `/v1/holons/${id}/temporal?at=${at}`)).body.reconstructed
    expect(p.last.kairos.samples).toBe(12)
    expect(r.kairos).toEqual(p.last.kairos)
  })
})

describe('garbage', () => {
  it('PUT /pulse and the temporal/witness queries never answer 500; bad input changes nothing', async () => {
    const id = await started()
    const before = (await call('GET', `/v1/holons/${id}/pulse`)).body
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.string(), fc.constant('{"running":')), async (body) => {
        const r = await pulse(id, typeof body === 'string' ? body : JSON.stringify(body))
        expect([200, 400]).toContain(r.status)
        if (r.status === 400) expect(r.type).toMatch(/problem\+json/)
      }),
      { numRuns: 60 },
    )
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (a, b) => {
        const q = `from=${encodeURIComponent(a)}&at=${encodeURIComponent(b)}`
        expect((await call('GET', `/v1/holons/${id}/temporal?${q}`)).status).toBeLessThan(500)
        expect(
          (await call('GET', `/v1/holons/${id}/witness?cursor=${encodeURIComponent(a)}`)).status,
        ).toBeLessThan(500)
      }),
      { numRuns: 40 },
    )
    const after = (await call('GET', `/v1/holons/${id}/pulse`)).body
    expect(after.beat).toBe(before.beat)
  })
})

describe('the pulse and the federation', () => {
  it('an ALERT beat is signed by the holon and queued for the federation node', async () => {
    const { verifyAlert } = await import('../../functions/rhizome/index.ts')
    const bridge = 'test-bridge-token'
    const before = (await call('GET', '/v1/federation/outbox?limit=500', undefined, bridge)).body.next_cursor
    const id = await started({ bias: 0.5 })
    const p = await beat(id)
    expect(p.last.decision).toBe('ALERT')
    const page = (await call('GET', `/v1/federation/outbox?cursor=${before}&limit=500`, undefined, bridge))
      .body
    const alert = page.messages.find((m: any) => m.kind === 'alert' && m.payload.holon === id)?.payload
    expect(alert).toMatchObject({ decision: 'ALERT', beat: 1 })
    expect(alert.threat).toBeCloseTo(sigmoid(0.5), 12)
    const key = (await call('GET', `/v1/holons/${id}`)).body.ledger.verifier_key
    expect(() => verifyAlert(alert, key)).not.toThrow()
  })

  it("P is 1 + the live peers the organisation's node reports", async () => {
    const bridge = 'test-bridge-token'
    const report = (n: number) =>
      call('POST', '/v1/federation/presence', { node: 'n1', live_peers: n }, bridge)
    expect((await report(4)).status).toBe(200)
    const id = await started()
    expect((await beat(id)).last.peers).toBe(5)
    await report(0)
    expect((await beat(id)).last.peers).toBe(1)
    expect((await call('POST', '/v1/federation/presence', { node: 'n1', live_peers: 3 }, WRITE)).status).toBe(
      403,
    )
  })
})
