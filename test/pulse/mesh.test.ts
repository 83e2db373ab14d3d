// Mesh phase synchronisation inside workerd: peers' pulses delivered to the registry move a holon's next beat,
// the mesh reading is stored with the beat (pulse doc, temporal memory and reconstruction, witness), the
// registry serves our own beats to the node and drops echoes, stale, skewed and replayed pulses.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import type { KernelInput } from '../../schemas/kernel.ts'
import { ADMIN, call, freshId, WRITE } from '../support/http.ts'

const kernel: KernelInput = {
  id: 'mesh-test',
  invariants: { Clean: { score: 'has(event.bad) ? 0.0 : 1.0', threshold: 0.5 } },
  gate: { on_torsion: 'reject', admit_improving: false },
}
const HOUR = 3_600_000
const BRIDGE = 'test-bridge-token'
const stub = (id: string) => env.HOLON.getByName(id)

/** Our own holons' and peers' pulses from earlier tests would couple to this test's holons. */
beforeEach(async () => {
  await runInDurableObject(env.FEDERATION.getByName('federation'), (_, s) => {
    s.storage.sql.exec('DELETE FROM mesh_local')
    s.storage.sql.exec('DELETE FROM mesh_peers')
  })
})

async function started(config: Record<string, unknown> = {}) {
  const id = freshId('m')
  expect((await call('PUT', `/v1/holons/${id}`, { kernel }, ADMIN)).status).toBe(201)
  const p = await call('PUT', `/v1/holons/${id}/pulse`, {
    running: true,
    config: { period_ms: HOUR, ...config },
  })
  expect(p.status).toBe(401) // the pulse switch is an admin call
  expect(
    (
      await call(
        'PUT',
        `/v1/holons/${id}/pulse`,
        { running: true, config: { period_ms: HOUR, ...config } },
        ADMIN,
      )
    ).status,
  ).toBe(200)
  return id
}

/** Makes the next beat due and lets the runtime deliver the alarm; the pulse document after it. */
async function beat(id: string) {
  await runInDurableObject(stub(id), (_, s) => {
    s.storage.sql.exec('UPDATE pulse SET next_at = 0')
  })
  expect(await runDurableObjectAlarm(stub(id))).toBe(true)
  return (await call('GET', `/v1/holons/${id}/pulse`)).body
}

const peer = (over: Record<string, unknown> = {}) => {
  const now = Date.now()
  return {
    holon: 'far',
    origin: 'org-b.example',
    beat_at: now - 0.1 * HOUR,
    next_at: now + 0.9 * HOUR,
    period_ms: HOUR,
    t_sync: { re: 0.6, im: 0.8 },
    ...over,
  }
}
const deliver = (pulses: unknown[], node = 'peer-node-1', token = BRIDGE) =>
  call('POST', '/v1/federation/phases', { node, pulses }, token)

describe('a holon coupled to a peer pulse', () => {
  it('alone, its next beat is exactly one period on; the mesh reading says so', async () => {
    const id = await started()
    const p = await beat(id)
    const at = Date.parse(p.last.at)
    expect(Date.parse(p.next_beat_at) - at).toBe(HOUR)
    expect(p.last.mesh).toMatchObject({ r: 1, correction_ms: 0, delta_phase: 0, peers: [] })
    expect(p.last.mesh.t_global.abs).toBeCloseTo(p.last.kairos.sync.abs, 12)
  })

  it('moves its next beat toward a peer that is ahead, and keeps the reading in the snapshot, temporal memory and witness', async () => {
    const id = await started()
    const d = await deliver([peer()])
    expect(d.status).toBe(200)
    expect(d.body.accepted).toBe(1)
    const p = await beat(id)
    const at = Date.parse(p.last.at)
    const mesh = p.last.mesh
    expect(mesh.peers).toHaveLength(1)
    const [q] = mesh.peers
    expect(q).toMatchObject({ node: 'peer-node-1', origin: 'org-b.example', holon: 'far', weight: 1 })
    // the peer beat a tenth of a period before us: 0.2π ahead (plus the ms the calls took)
    expect(q.offset).toBeGreaterThanOrEqual(0.2 * Math.PI)
    expect(q.offset).toBeLessThan(0.2 * Math.PI + 0.001)
    expect(mesh.correction_ms).toBeCloseTo((0.5 * HOUR * 2 * Math.sin(q.offset / 2)) / (2 * Math.PI), 6)
    expect(mesh.correction_ms).toBeGreaterThan(160_000)
    // sooner by the correction: the next beat is nearer the peer's next beat (at + 0.9 h)
    expect(Date.parse(p.next_beat_at)).toBe(at + HOUR - Math.round(mesh.correction_ms))
    // T_global: the holon and its one peer weigh 1/2 each; Delta_phase = ||T_sync| - |T_P|| with |T_P| = 1
    const sync = p.last.kairos.sync
    expect(mesh.t_global.re).toBeCloseTo((sync.re + 0.6) / 2, 12)
    expect(mesh.t_global.im).toBeCloseTo((sync.im + 0.8) / 2, 12)
    expect(q.delta_phase).toBeCloseTo(Math.abs(sync.abs - 1), 12)
    expect(mesh.delta_phase).toBe(q.delta_phase)
    expect(q.t_p).toEqual({ re: 0.6, im: 0.8 })

    const range = (await call('GET', `/v1/holons/${id}/temporal?from=${at}&to=${at}`)).body
    expect(range.snapshots[0].mesh).toEqual(mesh)
    const then = (await call('GET', `/v1/holons/${id}/temporal?at=${at + 1}`)).body.reconstructed
    expect(then.mesh.beat).toBe(1)
    expect(then.mesh.t_global.re).toBeCloseTo(mesh.t_global.re, 12)
    expect(then.mesh.t_global.im).toBeCloseTo(mesh.t_global.im, 12)
    expect(then.mesh.peers).toEqual([
      { node: 'peer-node-1', origin: 'org-b.example', holon: 'far', weight: 1, t_p: { re: 0.6, im: 0.8 } },
    ])
    const before = (await call('GET', `/v1/holons/${id}/temporal?at=${at - 1}`)).body.reconstructed
    expect(before.mesh).toBeUndefined()

    const witness = (await call('GET', `/v1/holons/${id}/witness`)).body.entries
    const state = witness.find((e: any) => e.kind === 'witness.state')
    expect(state.data.mesh.t_global).toEqual(mesh.t_global)
    expect(state.data.mesh.delta_phase).toBe(mesh.delta_phase)

    // what the node will publish for this organisation: the holon's beat and its corrected next beat
    const ours = (await call('GET', '/v1/federation/pulses', undefined, BRIDGE)).body.pulses
    expect(ours).toEqual([
      {
        holon: id,
        origin: 'omega.local',
        beat_at: at,
        next_at: Date.parse(p.next_beat_at),
        period_ms: HOUR,
        t_sync: { re: sync.re, im: sync.im },
        ml_weight: p.last.model.w,
      },
    ])
  })

  it('sibling holons of the organisation couple to each other; a stopped one is withdrawn', async () => {
    const a = await started()
    const b = await started()
    await beat(a)
    const pb = await beat(b)
    expect(pb.last.mesh.peers.map((x: any) => [x.node, x.holon])).toEqual([['local', a]])
    expect((await call('PUT', `/v1/holons/${a}/pulse`, { running: false }, ADMIN)).status).toBe(200)
    expect((await beat(b)).last.mesh.peers).toEqual([])
  })

  it('coupling 0 and enabled false keep its own schedule; max_correction bounds the move', async () => {
    const loose = await started({ mesh: { coupling: 0 } })
    await deliver([peer()])
    const p0 = await beat(loose)
    expect(p0.last.mesh.peers).toHaveLength(1)
    expect(p0.last.mesh.correction_ms).toBe(0)
    expect(Date.parse(p0.next_beat_at) - Date.parse(p0.last.at)).toBe(HOUR)

    const off = await started({ mesh: { enabled: false } })
    const p1 = await beat(off)
    expect(p1.last.mesh).toBeUndefined()
    expect(Date.parse(p1.next_beat_at) - Date.parse(p1.last.at)).toBe(HOUR)
    const ours = (await call('GET', '/v1/federation/pulses', undefined, BRIDGE)).body.pulses
    expect(ours.map((x: any) => x.holon)).not.toContain(off)

    const tight = await started({ mesh: { max_correction: 0.01 } })
    const p2 = await beat(tight)
    expect(p2.last.mesh.correction_ms).toBe(0.01 * HOUR)
    expect(Date.parse(p2.next_beat_at) - Date.parse(p2.last.at)).toBe(HOUR - 0.01 * HOUR)
    // a partial mesh config keeps the other members
    const cfg = (await call('GET', `/v1/holons/${tight}/pulse`)).body.config.mesh
    expect(cfg).toMatchObject({ enabled: true, coupling: 0.5, max_correction: 0.01, timeout_ms: 10_000 })
  })

  it('a peer whose next beat is more than timeout_ms overdue does not count', async () => {
    const now = Date.now()
    await deliver([peer({ beat_at: now - HOUR - 20_000, next_at: now - 20_000 })])
    const strict = await started()
    expect((await beat(strict)).last.mesh.peers).toEqual([])
    const lenient = await started({ mesh: { timeout_ms: 40_000 } })
    const seen = (await beat(lenient)).last.mesh.peers.map((x: any) => x.node)
    expect(seen).toEqual(['local', 'peer-node-1']) // the strict sibling, and the overdue peer
  })

  it('places itself in the ball: peers weigh exp(-kappa d), nearer more', async () => {
    const id = await started({ mesh: { coords: [0, 0] } })
    await deliver([peer({ holon: 'near', coords: [0.1, 0] }), peer({ holon: 'far', coords: [0.8, 0] })])
    const p = await beat(id)
    const w = Object.fromEntries(p.last.mesh.peers.map((x: any) => [x.holon, x.weight]))
    expect(w.near).toBeGreaterThan(w.far)
    expect(w.near + w.far).toBeCloseTo(1, 12)
    const ours = (await call('GET', '/v1/federation/pulses', undefined, BRIDGE)).body.pulses
    expect(ours[0].coords).toEqual([0, 0])
  })
})

describe('the registry of pulses', () => {
  it('drops our own origin, stale, future-dated and replayed pulses, and counts them', async () => {
    const drops = async () => (await call('GET', '/v1/federation/peers')).body.drops
    const before = await drops()
    const now = Date.now()
    const r = await deliver([
      peer({ origin: 'omega.local' }),
      peer({ holon: 'old', beat_at: now - 3 * HOUR, next_at: now - 2 * HOUR }),
      peer({ holon: 'future', beat_at: now + 120_000, next_at: now + HOUR }),
      peer({ holon: 'x' }),
    ])
    expect(r.body).toEqual({ accepted: 1, dropped: { own: 1, stale: 1, skew: 1 } })
    const replay = await deliver([peer({ holon: 'x', beat_at: now - 0.2 * HOUR })])
    expect(replay.body).toEqual({ accepted: 0, dropped: { replay: 1 } })
    const after = await drops()
    for (const k of ['mesh_own', 'mesh_stale', 'mesh_skew', 'mesh_replay'])
      expect((after[k] ?? 0) - (before[k] ?? 0)).toBe(1)
  })

  it('refuses malformed and oversized bodies as problems, and other tokens', async () => {
    expect((await deliver([{ ...peer(), extra: 1 }])).status).toBe(400)
    expect((await deliver([{ ...peer(), t_sync: { re: 'x', im: 0 } }])).status).toBe(400)
    expect((await deliver([peer({ period_ms: 10 })])).status).toBe(400)
    const many = Array.from({ length: 1001 }, (_, i) => peer({ holon: `h${i}` }))
    const big = await deliver(many)
    expect(big.status).toBe(400)
    expect(big.type).toContain('application/problem+json')
    expect((await deliver([peer()], 'n', WRITE)).status).toBe(403)
    expect((await call('GET', '/v1/federation/pulses', undefined, WRITE)).status).toBe(403)
  })
})
