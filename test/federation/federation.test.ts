// Rhizome artifacts over HTTP: publication through the outbox, judged imports through the inbox, compatibility.
import { ed25519 } from '@noble/curves/ed25519.js'
import { describe, expect, it } from 'vitest'
import { signCheckpoint } from '../../functions/ledger/index.ts'
import { type RhizomeArtifact, verifyArtifact } from '../../functions/rhizome/index.ts'
import { peerArtifact as basePeer, type PeerOptions } from '../support/artifacts.ts'
import { ADMIN, call, createHolon, WRITE } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'

const BRIDGE = 'test-bridge-token'

/** The peer organisation of these tests: three invariants, two shared with the contract kernel. */
const peerArtifact = (opts: PeerOptions = {}) =>
  basePeer({
    issued: '2026-11-22T08:00:00.000Z',
    size: 3,
    invariants: [
      { name: 'Traceability', threshold: 0.9, weight: 1 },
      { name: 'Non_Spoliation', threshold: 0.97, weight: 3 },
      { name: 'Carbon', threshold: 0.5, weight: 1 },
    ],
    ...opts,
  })

const inbox = (artifacts: unknown[], token = BRIDGE) =>
  call('POST', '/v1/federation/inbox', { artifacts }, token)

describe('holon artifacts', () => {
  it('are signed by the holon key, carry its kernel terms in dimension order, and verify', async () => {
    const id = await createHolon(contractKernel)
    const a = (await call('GET', `/v1/holons/${id}/artifact`)).body as RhizomeArtifact
    const info = (await call('GET', `/v1/holons/${id}`)).body
    expect(() => verifyArtifact(a)).not.toThrow()
    expect(a).toMatchObject({
      holon: id,
      mvk_id: 'circular-economy',
      kernel_version: 1,
      verifier_key: info.ledger.verifier_key,
    })
    expect(a.invariants).toEqual([
      { name: 'Non_Spoliation', threshold: 0.94, weight: 1 },
      { name: 'Traceability', threshold: 1, weight: 2 },
    ])
    expect(() =>
      verifyArtifact({
        ...a,
        invariants: [{ ...a.invariants[0], threshold: 0.5 } as RhizomeArtifact['invariants'][number]],
      }),
    ).toThrow(/signature/)
  })

  it('are queued for the bridge on creation and on every kernel change, read with a cursor', async () => {
    const before = (await call('GET', '/v1/federation/outbox?limit=500', undefined, BRIDGE)).body.next_cursor
    const id = await createHolon(contractKernel)
    const v2 = {
      ...contractKernel,
      invariants: { ...contractKernel.invariants, Extra: { score: '1', threshold: 0.5 } },
    }
    expect((await call('PUT', `/v1/holons/${id}/kernel`, { kernel: v2 }, ADMIN)).status).toBe(200)
    const page = (await call('GET', `/v1/federation/outbox?cursor=${before}`, undefined, BRIDGE)).body
    const mine = page.messages.filter((m: { payload: RhizomeArtifact }) => m.payload.holon === id)
    expect(mine.map((m: { payload: RhizomeArtifact }) => m.payload.kernel_version)).toEqual([1, 2])
    for (const m of mine) expect(() => verifyArtifact(m.payload)).not.toThrow()
    const after = (await call('GET', `/v1/federation/outbox?cursor=${page.next_cursor}`, undefined, BRIDGE))
      .body
    expect(after.messages).toEqual([])
    const catchUp = (await call('GET', '/v1/federation/artifacts')).body.artifacts
    expect(catchUp.find((a: RhizomeArtifact) => a.holon === id)?.kernel_version).toBe(2)
  })

  it('the outbox and the inbox need the bridge token', async () => {
    expect((await call('GET', '/v1/federation/outbox')).status).toBe(401)
    expect((await call('GET', '/v1/federation/outbox', undefined, WRITE)).status).toBe(403)
    expect((await call('GET', '/v1/federation/outbox', undefined, ADMIN)).status).toBe(200)
    expect((await inbox([peerArtifact().artifact], WRITE)).status).toBe(403)
  })
})

describe('the inbox', () => {
  it('records a verified peer artifact in the registry ledger and pins its key', async () => {
    const peer = peerArtifact()
    const r = await inbox([peer.artifact])
    expect(r.status).toBe(200)
    expect(r.body.results[0]).toMatchObject({ origin: peer.origin, outcome: 'accepted' })
    const index = r.body.results[0].ledger_index
    const doc = (await call('GET', '/v1/federation/peers')).body
    expect(doc.artifacts.map((a: RhizomeArtifact) => a.origin)).toContain(peer.origin)
    expect(doc.ledger.size).toBeGreaterThan(index)
    expect((await inbox([peer.artifact])).body.results[0].outcome).toBe('duplicate')
  })

  it('drops and counts forged, replayed, conflicting, re-keyed and malformed artifacts; accepts newer ones', async () => {
    const peer = peerArtifact({ version: 2, issued: '2026-11-22T08:00:00.000Z' })
    expect((await inbox([peer.artifact])).body.results[0].outcome).toBe('accepted')
    const drops0 = (await call('GET', '/v1/federation/peers')).body.drops
    const same = { secret: peer.secret, origin: peer.origin }
    const forged = { ...peer.artifact, kernel_version: 3 }
    const older = peerArtifact({ ...same, version: 1, issued: '2026-11-22T09:00:00.000Z' }).artifact
    const stale = peerArtifact({ ...same, version: 2, issued: '2026-11-22T07:00:00.000Z' }).artifact
    const conflict = peerArtifact({
      ...same,
      version: 2,
      digest: 'b'.repeat(64),
      issued: '2026-11-22T09:00:00.000Z',
    }).artifact
    const rekeyed = peerArtifact({ origin: peer.origin, version: 3 }).artifact
    const newer = peerArtifact({
      ...same,
      version: 3,
      digest: 'c'.repeat(64),
      issued: '2026-11-22T10:00:00.000Z',
    }).artifact
    const r = await inbox([forged, older, stale, conflict, rekeyed, newer])
    expect(r.body.results.map((x: { outcome: string }) => x.outcome)).toEqual([
      'invalid',
      'replay',
      'replay',
      'conflict',
      'key_mismatch',
      'accepted',
    ])
    const drops = (await call('GET', '/v1/federation/peers')).body.drops
    const delta = (k: string) => (drops[k] ?? 0) - (drops0[k] ?? 0)
    expect([delta('invalid'), delta('replay'), delta('conflict'), delta('key_mismatch')]).toEqual([
      1, 2, 1, 1,
    ])
    const wrongType = await inbox([{ ...peer.artifact, type: 'nope' }])
    expect(wrongType.status).toBe(200)
    expect(wrongType.body.results[0].outcome).toBe('malformed')
  })

  it('drops and counts a correctly signed artifact with one member added; accepts the same one as signed', async () => {
    const peer = peerArtifact()
    const drops0 = (await call('GET', '/v1/federation/peers')).body.drops
    const extra = { ...peer.artifact, note: 'unsigned' }
    const nested = {
      ...peer.artifact,
      invariants: [{ ...peer.artifact.invariants[0], unsigned: true }, ...peer.artifact.invariants.slice(1)],
    }
    const r = await inbox([extra, nested])
    expect(r.body.results.map((x: { outcome: string }) => x.outcome)).toEqual(['malformed', 'malformed'])
    // A `__proto__` member never reaches the judge: the edge's JSON guard refuses the body, pointing at it.
    const proto = await call(
      'POST',
      '/v1/federation/inbox',
      `{"artifacts":[{"__proto__":{"x":1},${JSON.stringify(peer.artifact).slice(1)}]}`,
      BRIDGE,
    )
    expect(proto.status).toBe(400)
    expect(proto.body.errors[0].pointer).toBe('/artifacts/0/__proto__')
    const doc = (await call('GET', '/v1/federation/peers')).body
    expect((doc.drops.malformed ?? 0) - (drops0.malformed ?? 0)).toBe(2)
    expect(doc.artifacts.map((a: RhizomeArtifact) => a.origin)).not.toContain(peer.origin)
    expect((await inbox([peer.artifact])).body.results[0].outcome).toBe('accepted')
    const kept = (await call('GET', '/v1/federation/peers')).body.artifacts.find(
      (a: RhizomeArtifact) => a.origin === peer.origin,
    )
    expect(Object.keys(kept).sort()).toEqual(Object.keys(peer.artifact).sort())
  })

  it('lists key and origin conflicts in the federation document', async () => {
    const peer = peerArtifact()
    await inbox([peer.artifact])
    const before = (await call('GET', '/v1/federation/peers')).body.conflicts
    const rekeyed = peerArtifact({ origin: peer.origin, version: 2 }).artifact
    expect((await inbox([rekeyed])).body.results[0].outcome).toBe('key_mismatch')
    // A second installation left at the default origin: its holons share our ledger origin.
    const twin = peerArtifact({ origin: `omega.local/holons/twin-${Math.random().toString(36).slice(2)}` })
    expect((await inbox([twin.artifact])).body.results[0].outcome).toBe('accepted')
    // The same holon name in both installations: our own origin, another key.
    const id = await createHolon(contractKernel)
    const mine = (await call('GET', `/v1/holons/${id}/artifact`)).body as RhizomeArtifact
    const shadow = peerArtifact({ origin: mine.origin }).artifact
    expect((await inbox([shadow])).body.results[0].outcome).toBe('key_mismatch')
    expect((await inbox([mine])).body.results[0].outcome).toBe('own')

    const doc = (await call('GET', '/v1/federation/peers')).body.conflicts
    expect(doc.count - before.count).toBe(3)
    const find = (origin: string, reason: string) =>
      doc.list.find((c: { origin: string; reason: string }) => c.origin === origin && c.reason === reason)
    expect(find(peer.origin, 'key_mismatch')).toMatchObject({ verifier_key: rekeyed.verifier_key, n: 1 })
    expect(find(twin.origin, 'origin_collision')).toMatchObject({ verifier_key: twin.artifact.verifier_key })
    expect(find(mine.origin, 'origin_collision')).toMatchObject({ verifier_key: shadow.verifier_key })
    expect(find(mine.origin, 'origin_collision').detail).toMatch(/another key/)
  })

  it('echoes of our own artifacts are recognised and not imported', async () => {
    const id = await createHolon(contractKernel)
    const mine = (await call('GET', `/v1/holons/${id}/artifact`)).body
    expect((await inbox([mine])).body.results[0].outcome).toBe('own')
  })

  it('never changes a local kernel, and serves the compatibility view', async () => {
    const id = await createHolon(contractKernel)
    const peer = peerArtifact()
    await inbox([peer.artifact])
    const info = (await call('GET', `/v1/holons/${id}`)).body
    expect(info.kernel_version).toBe(1)
    const view = (await call('GET', `/v1/holons/${id}/compatibility`)).body
    const c = view.peers.find((p: { peer: string }) => p.peer === peer.origin)
    expect(c.shared).toEqual([
      {
        name: 'Non_Spoliation',
        local_threshold: 0.94,
        peer_threshold: 0.97,
        threshold_diff: expect.closeTo(0.03, 12),
        local_weight: 1,
        peer_weight: 3,
        weight_diff: 2,
      },
      {
        name: 'Traceability',
        local_threshold: 1,
        peer_threshold: 0.9,
        threshold_diff: expect.closeTo(-0.1, 12),
        local_weight: 2,
        peer_weight: 1,
        weight_diff: -1,
      },
    ])
    expect(c.only_peer).toEqual(['Carbon'])
    expect(c.only_local).toEqual([])
    expect(c.enforced_by_peer).toEqual(['Non_Spoliation'])
    expect(c.overlap).toBeCloseTo(2 / 3, 12)
  })
})

describe('cross-witnessing records', () => {
  it('keeps a valid cosignature of a local holon checkpoint and serves it; refuses forged ones', async () => {
    const { cosign } = await import('../../functions/ledger/index.ts')
    const id = await createHolon(contractKernel)
    const cp = (await call('GET', `/v1/holons/${id}/ledger/checkpoint`)).body
    const witnessSecret = ed25519.utils.randomSecretKey()
    const witness = 'omega-witness/test'
    const body = cp.note.slice(0, cp.note.lastIndexOf('\n\n') + 1)
    const good = {
      origin: cp.origin,
      holon: id,
      note: cp.note,
      witness,
      witness_key: btoa(String.fromCharCode(...ed25519.getPublicKey(witnessSecret))),
      line: cosign(body, witness, witnessSecret, 1_800_000_000),
    }
    expect((await call('POST', '/v1/federation/cosignatures', good, BRIDGE)).body).toEqual({ ok: true })
    const served = (await call('GET', `/v1/holons/${id}/ledger/cosignatures`)).body
    expect(served.cosignatures).toEqual([
      expect.objectContaining({ size: cp.size, root: cp.root, witness, line: good.line }),
    ])
    const forged = { ...good, line: cosign(body, witness, ed25519.utils.randomSecretKey(), 1_800_000_000) }
    expect((await call('POST', '/v1/federation/cosignatures', forged, BRIDGE)).body.ok).toBe(false)
    const foreign = { ...good, origin: 'elsewhere.example/holons/x' }
    expect((await call('POST', '/v1/federation/cosignatures', foreign, BRIDGE)).body.ok).toBe(false)
    const drops0 = (await call('GET', '/v1/federation/peers')).body.drops.witness_invalid ?? 0
    const extra = await call('POST', '/v1/federation/cosignatures', { ...good, relay: 'x' }, BRIDGE)
    expect(extra.body).toMatchObject({ ok: false, detail: expect.stringMatching(/^malformed/) })
    const otherHolon = await call(
      'POST',
      '/v1/federation/cosignatures',
      { ...good, holon: 'elsewhere' },
      BRIDGE,
    )
    expect(otherHolon.body.ok).toBe(false)
    const drops1 = (await call('GET', '/v1/federation/peers')).body.drops.witness_invalid ?? 0
    expect(drops1 - drops0).toBe(2)
  })

  it('keeps equivocation evidence only when both checkpoints are signed by the origin and disagree', async () => {
    const peer = peerArtifact()
    await inbox([peer.artifact])
    const a = signCheckpoint({ origin: peer.origin, size: 9, root: new Uint8Array(32).fill(1) }, peer.secret)
    const b = signCheckpoint({ origin: peer.origin, size: 9, root: new Uint8Array(32).fill(2) }, peer.secret)
    const flag = {
      reason: 'equivocation',
      origin: peer.origin,
      notes: [a, b],
      detail: 'two roots for size 9',
    }
    expect((await call('POST', '/v1/federation/flags', flag, BRIDGE)).body).toEqual({ ok: true })
    expect((await call('POST', '/v1/federation/flags', { ...flag, notes: [a, a] }, BRIDGE)).body.ok).toBe(
      false,
    )
    const smear = signCheckpoint(
      { origin: peer.origin, size: 9, root: new Uint8Array(32).fill(3) },
      ed25519.utils.randomSecretKey(),
    )
    expect((await call('POST', '/v1/federation/flags', { ...flag, notes: [a, smear] }, BRIDGE)).body.ok).toBe(
      false,
    )
    const extra = await call('POST', '/v1/federation/flags', { ...flag, signed_by: 'nobody' }, BRIDGE)
    expect(extra.body).toMatchObject({ ok: false, detail: expect.stringMatching(/^malformed/) })
    const notAString = await call('POST', '/v1/federation/flags', { ...flag, detail: 7 }, BRIDGE)
    expect(notAString.body.ok).toBe(false)
    const listed = (await call('GET', '/v1/federation/flags')).body.flags
    expect(listed.filter((f: { origin: string }) => f.origin === peer.origin)).toHaveLength(1)
  })
})

describe('alerts', () => {
  it('queues local alerts for the bridge, and keeps peer alerts signed with the pinned key, newest only', async () => {
    const { env } = await import('cloudflare:workers')
    const { peerAlert } = await import('../support/artifacts.ts')
    const peer = peerArtifact()
    await inbox([peer.artifact])
    const post = (a: unknown) => call('POST', '/v1/federation/alerts', a, BRIDGE)
    const first = peerAlert(peer, '2026-11-22T09:00:00.000Z')
    expect((await post(first)).body).toEqual({ ok: true })
    expect((await post(first)).body.ok).toBe(false) // a replay
    expect((await post(peerAlert(peer, '2026-11-22T08:59:00.000Z'))).body.ok).toBe(false)
    expect((await post({ ...peerAlert(peer, '2026-11-22T09:01:00.000Z'), threat: 0.1 })).body.ok).toBe(false) // forged
    const stranger = peerArtifact()
    expect((await post(peerAlert(stranger, '2026-11-22T09:02:00.000Z'))).body.ok).toBe(false) // no pinned key
    // Correctly signed, one member added: refused, not stripped and kept.
    const padded = { ...peerAlert(peer, '2026-11-22T09:04:00.000Z'), relayed_by: 'someone' }
    expect((await post(padded)).body).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^malformed/),
    })
    expect((await post([first])).body.ok).toBe(false)
    const listed = (await call('GET', '/v1/federation/alerts')).body.alerts
    expect(listed.filter((a: { origin: string }) => a.origin === peer.origin)).toEqual([first])

    const before = (await call('GET', '/v1/federation/outbox?limit=500', undefined, BRIDGE)).body.next_cursor
    const mine = peerAlert(peerArtifact(), '2026-11-22T09:03:00.000Z')
    await env.FEDERATION.getByName('federation').publishAlert(mine as never)
    const page = (await call('GET', `/v1/federation/outbox?cursor=${before}`, undefined, BRIDGE)).body
    expect(page.messages).toEqual([expect.objectContaining({ kind: 'alert', payload: mine })])
  })
})
