// VENOM inside the holon object (issue 11): P from presence or p_nodes, active cores, the measured load,
// pid_stable and the ledger self-audit in /state, verified peer alerts weighted by kernel compatibility.

import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { ed25519 } from '@noble/curves/ed25519.js'
import { describe, expect, it } from 'vitest'
import type { HolonObject } from '../../durable-objects/holon/holon-object.ts'
import { selfAudit } from '../../durable-objects/holon/self-audit.ts'
import type { Db } from '../../durable-objects/shared/db.ts'
import type { SqlLedger } from '../../durable-objects/shared/sql-ledger.ts'
import { ALERT_TYPE, signAlert } from '../../functions/rhizome/index.ts'
import type { KernelInput } from '../../schemas/kernel.ts'
import { peerArtifact } from '../support/artifacts.ts'
import { ADMIN, call, commit, freshId, state } from '../support/http.ts'

const kernel: KernelInput = {
  id: 'venom-test',
  invariants: { Clean: { score: 'has(event.bad) ? 0.0 : 1.0', threshold: 0.5 } },
  gate: { on_torsion: 'reject', admit_improving: false },
}
const HOUR = 3_600_000
const BRIDGE = 'test-bridge-token'
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))
const stub = (id: string) => env.HOLON.getByName(id)
const registry = () => env.FEDERATION.getByName('federation')
const pulse = (id: string, body: unknown) => call('PUT', `/v1/holons/${id}/pulse`, body, ADMIN)

async function beat(id: string) {
  await runInDurableObject(stub(id), (_, s) => {
    s.storage.sql.exec('UPDATE pulse SET next_at = 0')
  })
  expect(await runDurableObjectAlarm(stub(id))).toBe(true)
  return (await call('GET', `/v1/holons/${id}/pulse`)).body.last
}

async function started(config: Record<string, unknown> = {}) {
  const id = freshId('v')
  expect((await call('PUT', `/v1/holons/${id}`, { kernel }, ADMIN)).status).toBe(201)
  const p = await pulse(id, { running: true, config: { period_ms: HOUR, ...config } })
  expect(p.status).toBe(200)
  return id
}

/** No node has reported (the presence table is the registry's: cleared for this test). */
const noPresence = () =>
  runInDurableObject(registry(), (_, s) => {
    s.storage.sql.exec('DELETE FROM presence')
  })

describe('P, k and U in the holon', () => {
  it("P: the seed's 5 with no report, 1 + peers when a node reports (0 too), p_nodes when set", async () => {
    await noPresence()
    const id = await started()
    const first = await beat(id)
    expect(first.peers).toBe(5)
    expect(first.t_lambda).toBeCloseTo(0.004 / 0.95, 12)
    await registry().presence('n1', 0)
    expect((await beat(id)).peers).toBe(1)
    await registry().presence('n1', 3)
    expect((await beat(id)).peers).toBe(4)
    expect((await pulse(id, { config: { p_nodes: 7 } })).status).toBe(200)
    const fixed = await beat(id)
    expect(fixed.peers).toBe(7)
    expect(fixed.t_lambda).toBeCloseTo(0.004 / (1 - 1 / 28), 12)
    // null unsets it: P follows the node again
    const unset = await pulse(id, { config: { p_nodes: null } })
    expect(unset.status).toBe(200)
    expect(unset.body.config).not.toHaveProperty('p_nodes')
    expect((await beat(id)).peers).toBe(4)
    await noPresence()
  })

  it('cores: k counts the active ones, an inactive weight is 0; a config patch keeps what it does not name', async () => {
    const id = await started({ cores: { B: false } })
    const s = await beat(id)
    expect(s.k).toBe(3)
    expect(s.genome.B).toBe(0)
    expect((await pulse(id, { config: { k_flows: 6 } })).status).toBe(200)
    expect((await beat(id)).k).toBe(6)
    expect((await pulse(id, { config: { k_flows: null } })).status).toBe(200)
    expect((await beat(id)).k).toBe(3)
    expect(s.genome.R + s.genome.E + s.genome.O).toBeCloseTo(1, 12)
    // regression: a PUT naming one member used to reset the others (period_ms, kairos, ...) to defaults
    const patched = await pulse(id, { config: { recovery_beats: 5, kairos: { tau: 3 } } })
    expect(patched.body.config).toMatchObject({
      period_ms: HOUR,
      recovery_beats: 5,
      cores: { R: true, B: false, E: true, O: true },
    })
    expect(patched.body.config.kairos).toMatchObject({ tau: 3, master_window: 64 })
    const more = await pulse(id, { config: { cores: { R: false } } })
    expect(more.body.config.cores).toEqual({ R: false, B: false, E: true, O: true })
    // E and O left: k = 2, and P may drop to 1 -> k P = 2 > 1, accepted; E alone is refused (k P may be 1)
    const alone = await pulse(id, { config: { cores: { O: false } } })
    expect(alone.status).toBe(400)
    expect(alone.body.errors[0].pointer).toBe('/config/cores')
  })

  it('u_source "load": U = 1 + u_scale x (events + refusals) per second since the previous beat', async () => {
    const id = await started({ u_source: 'load', u_scale: 2 })
    const s1 = await beat(id)
    const events = Array.from({ length: 8 }, (_, i) => ({ id: `e-${i}` }))
    expect((await commit(id, { events })).status).toBe(201)
    expect((await commit(id, { events: [{ id: 'bad-1', bad: true }] })).status).toBe(409)
    expect((await commit(id, { events: [{ id: 'bad-2', bad: true }] })).status).toBe(409)
    const s2 = await beat(id)
    const seconds = (Date.parse(s2.at) - Date.parse(s1.at)) / 1000
    const load = 10 / (seconds > 0 ? seconds : 3600)
    expect(s2.load).toBeCloseTo(load, 6)
    expect(s2.u).toBeCloseTo(1 + 2 * load, 6)
    expect(s2.t_lambda).toBeCloseTo(Math.max(1e-6, (0.001 * Math.log(1 + 2 * load)) / 0.95), 9)
    const idle = await beat(id)
    expect(idle.load).toBe(0)
    expect(idle.t_lambda).toBe(1e-6)
  })
})

describe('/state: pid_stable and ledger_verified', () => {
  it('pid_stable is null until balance_window beats, then the Lyapunov verdict', async () => {
    const id = await started({ balance_window: 3 })
    expect((await state(id)).body.pulse.pid_stable).toBeNull()
    await beat(id)
    await beat(id)
    expect((await state(id)).body.pulse.pid_stable).toBeNull()
    await beat(id)
    // U fixed: the error is the same every beat, so V = e^2 never grows
    expect((await state(id)).body.pulse.pid_stable).toBe(true)
  })

  it('the self-audit verifies the ledger on the alarm, and a tampered row shows with its index', async () => {
    const id = await started()
    expect((await state(id)).body.pulse.ledger_verified).toBeNull()
    await beat(id)
    const size = (await call('GET', `/v1/holons/${id}`)).body.ledger.size
    expect((await state(id)).body.pulse.ledger_verified).toEqual({
      through: size,
      size,
      ok: true,
      first_bad_index: null,
      passes: 1,
    })
    // entry 1 is pulse.configured {config, running: true}: alter it under the ledger's feet
    await runInDurableObject(stub(id), (_, s) => {
      const before = s.storage.sql.exec('SELECT body FROM ledger WHERE idx = 1').one().body as string
      expect(before).toContain('"running":true')
      s.storage.sql.exec(
        `UPDATE ledger SET body = replace(body, '"running":true', '"running":false') WHERE idx = 1`,
      )
    })
    await beat(id) // a new pass from 0 finds it
    const v = (await state(id)).body.pulse.ledger_verified
    expect(v).toMatchObject({ ok: false, first_bad_index: 1 })
    await beat(id) // the finding stands
    expect((await state(id)).body.pulse.ledger_verified).toMatchObject({ ok: false, first_bad_index: 1 })
  })

  it('works in chunks of its budget, and a tampered last entry is caught by the Merkle root', async () => {
    const id = await started()
    await beat(id)
    await beat(id)
    await runInDurableObject(stub(id), (o: HolonObject, s) => {
      const { db, ledger } = o as unknown as { db: Db; ledger: SqlLedger }
      s.storage.kv.delete('self_audit')
      const n = ledger.size
      expect(n).toBeGreaterThan(6)
      expect(selfAudit(db, s.storage.kv, ledger, 3)).toMatchObject({
        through: 3,
        size: n,
        ok: true,
        passes: 0,
      })
      expect(selfAudit(db, s.storage.kv, ledger, 3)).toMatchObject({ through: 6, ok: true })
      let last = selfAudit(db, s.storage.kv, ledger, 3)
      while (last.through < n) last = selfAudit(db, s.storage.kv, ledger, 3)
      expect(last).toMatchObject({ through: n, ok: true, passes: 1 })
      expect(selfAudit(db, s.storage.kv, ledger, 3)).toMatchObject({ through: 3, passes: 1 }) // pass 2
      s.storage.sql.exec(
        `UPDATE ledger SET body = replace(body, '"kind":"', '"kind":"x') WHERE idx = ?`,
        n - 1,
      )
      s.storage.kv.delete('self_audit')
      const found = selfAudit(db, s.storage.kv, ledger, 1000)
      expect(found).toMatchObject({ ok: false, first_bad_index: n - 1 })
    })
  })
})

/** A QUARANTINE from a peer holon, signed with its key. */
const quarantine = (peer: ReturnType<typeof peerArtifact>, issuedAt: string) =>
  signAlert(
    {
      type: ALERT_TYPE,
      v: 1,
      holon: 'coop',
      origin: peer.origin,
      verifier_key: peer.artifact.verifier_key,
      decision: 'QUARANTINE',
      threat: 0.9,
      beat: 7,
      issued_at: issuedAt,
    },
    (bytes) => ed25519.sign(bytes, peer.secret),
  )

describe('verified peer alerts feed the entropy model', () => {
  it('a QUARANTINE from a compatible peer raises the threat more than one from an incompatible peer', async () => {
    const compatible = peerArtifact({ invariants: [{ name: 'Clean', threshold: 0.5, weight: 1 }] })
    const foreign = peerArtifact({ invariants: [{ name: 'Carbon', threshold: 0.5, weight: 1 }] })
    const inbox = await call(
      'POST',
      '/v1/federation/inbox',
      { artifacts: [compatible.artifact, foreign.artifact] },
      BRIDGE,
    )
    expect(inbox.status).toBe(200)
    const post = async (a: unknown) =>
      expect((await call('POST', '/v1/federation/alerts', a, BRIDGE)).body).toEqual({ ok: true })

    const a = await started({ ml_weight: 2 })
    await beat(a) // the first beat sets the cursor: no backlog
    await post(quarantine(compatible, new Date(Date.now() - 1000).toISOString()))
    const near = await beat(a)
    await post(quarantine(foreign, new Date(Date.now() - 1000).toISOString()))
    const far = await beat(a)
    // overlap 1 x agreement 1 = 1 for the compatible kernel; no shared invariant: 0
    expect(near.cores.entropy.features.peer_alerts).toBe(1)
    expect(far.cores.entropy.features.peer_alerts).toBe(0)
    expect(near.cores.entropy.anomalies).toBe(1)
    expect(near.cores.entropy.threat).toBeCloseTo(sigmoid(near.model.w * 1 + near.model.b), 12)
    expect(far.cores.entropy.threat).toBeCloseTo(sigmoid(far.model.b), 12)
    expect(near.cores.entropy.threat).toBeGreaterThan(far.cores.entropy.threat + 0.1)
    // each alert counts once: the next beat sees none
    expect((await beat(a)).cores.entropy.features.peer_alerts).toBe(0)
    // a pulse started later does not count the backlog at its first beat
    const late = await started()
    expect((await beat(late)).cores.entropy.features.peer_alerts).toBe(0)
  })
})
