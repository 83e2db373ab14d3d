// POST /v1/verify over HTTP, and verification levels for system entries.
import { runDurableObjectAlarm } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { ed25519 } from '@noble/curves/ed25519.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeVerifierKey, signCheckpoint, systemEntryDue } from '../../functions/ledger/index.ts'
import { ADMIN, call, commit, createHolon, freshId, text } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'

const fair = (id: string) => ({ id, contributed: 100, returned: 98, trace_id: `t-${id}` })

async function holonWithHistory() {
  const id = await createHolon(contractKernel)
  const r = await commit(id, { events: [fair('a'), fair('b'), fair('c')] })
  const vkey = (await call('GET', `/v1/holons/${id}`)).body.ledger.verifier_key as string
  return { id, vkey, receipt: r.body.results[1].receipt }
}

describe('POST /v1/verify', () => {
  it('verifies receipts, and says which check failed', async () => {
    const { vkey, receipt } = await holonWithHistory()
    const ok = await call('POST', '/v1/verify', { kind: 'receipt', receipt, verifier_key: vkey })
    expect(ok.status).toBe(200)
    expect(ok.body.valid).toBe(true)
    const forged = {
      ...receipt,
      entry: { ...receipt.entry, data: { ...receipt.entry.data, verdict: 'reject' } },
    }
    const bad = await call('POST', '/v1/verify', { kind: 'receipt', receipt: forged, verifier_key: vkey })
    expect(bad.body.valid).toBe(false)
    expect(
      bad.body.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { check: string }) => c.check),
    ).toContain('leaf_hash is the RFC 6962 leaf hash of the entry')
  })

  it('verifies proofs served by the holon, and rejects altered ones', async () => {
    const { id } = await holonWithHistory()
    const inc = (await call('GET', `/v1/holons/${id}/ledger/proof/inclusion?index=1`)).body
    const con = (await call('GET', `/v1/holons/${id}/ledger/proof/consistency?from=2`)).body
    expect((await call('POST', '/v1/verify', { kind: 'inclusion', ...inc })).body.valid).toBe(true)
    expect((await call('POST', '/v1/verify', { kind: 'consistency', ...con })).body.valid).toBe(true)
    expect((await call('POST', '/v1/verify', { kind: 'inclusion', ...inc, index: 2 })).body.valid).toBe(false)
    expect(
      (await call('POST', '/v1/verify', { kind: 'consistency', ...con, root_from: con.root_to })).body.valid,
    ).toBe(false)
  })

  it('verifies checkpoint signatures and detects equivocation', async () => {
    const { id, vkey } = await holonWithHistory()
    const cp = (await call('GET', `/v1/holons/${id}/ledger/checkpoint`)).body
    expect(
      (await call('POST', '/v1/verify', { kind: 'checkpoint', checkpoint: cp.note, verifier_key: vkey })).body
        .valid,
    ).toBe(true)
    const other = (await holonWithHistory()).vkey
    const wrong = await call('POST', '/v1/verify', {
      kind: 'checkpoint',
      checkpoint: cp.note,
      verifier_key: other,
    })
    expect(wrong.body.valid).toBe(false)

    // A log that signs two roots for one size: the evidence that convicts it.
    const secret = ed25519.utils.randomSecretKey()
    const origin = 'evil.example/holons/x'
    const key = encodeVerifierKey(origin, ed25519.getPublicKey(secret))
    const a = signCheckpoint({ origin, size: 5, root: new Uint8Array(32).fill(1) }, secret)
    const b = signCheckpoint({ origin, size: 5, root: new Uint8Array(32).fill(2) }, secret)
    const caught = await call('POST', '/v1/verify', {
      kind: 'equivocation',
      checkpoints: [a, b],
      verifier_key: key,
    })
    expect(caught.body.valid).toBe(false)
    expect(JSON.stringify(caught.body.checks)).toContain('equivocation')
    const same = await call('POST', '/v1/verify', {
      kind: 'equivocation',
      checkpoints: [a, a],
      verifier_key: key,
    })
    expect(same.body.valid).toBe(true)
  })

  it('verifies exports, and places the first bad entry', async () => {
    const { id, vkey } = await holonWithHistory()
    const jsonl = (await text(`/v1/holons/${id}/ledger/export`)).body
    expect(
      (await call('POST', '/v1/verify', { kind: 'export', export: jsonl, verifier_key: vkey })).body.valid,
    ).toBe(true)
    const lines = jsonl.split('\n')
    lines[2] = (lines[2] as string).replace('"returned":98', '"returned":99')
    const r = await call('POST', '/v1/verify', {
      kind: 'export',
      export: lines.join('\n'),
      verifier_key: vkey,
    })
    expect(r.body).toMatchObject({ valid: false, first_bad_index: 1 })
    const untrusted = await call('POST', '/v1/verify', { kind: 'export', export: jsonl })
    expect(untrusted.body.notes[0]).toMatch(/no trusted key/)
  })

  it('answers 400 for requests of no known kind', async () => {
    expect((await call('POST', '/v1/verify', { kind: 'magic' })).status).toBe(400)
    expect((await call('POST', '/v1/verify', { kind: 'inclusion', leaf_hash: 'zz' })).status).toBe(400)
  })
})

describe('verification levels', () => {
  it('sample chooses a deterministic fraction of system entries', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.string(), (rate, holon) => {
        const policy = { level: 'sample' as const, sample_rate: rate }
        const due = Array.from({ length: 4000 }, (_, i) => systemEntryDue(policy, holon, `k:${i}`))
        expect(Math.abs(due.filter(Boolean).length / 4000 - rate)).toBeLessThan(0.04)
        expect(due).toEqual(Array.from({ length: 4000 }, (_, i) => systemEntryDue(policy, holon, `k:${i}`)))
      }),
      { numRuns: 20 },
    )
    expect(systemEntryDue({ level: 'none', sample_rate: 1 }, 'h', 'k')).toBe(false)
    expect(systemEntryDue({ level: 'full_audit', sample_rate: 0.01 }, 'h', 'k')).toBe(true)
  })

  for (const level of ['none', 'sample', 'full_audit'] as const) {
    it(`${level}: rebuild progress entries are ledgered exactly when due; kernel changes always are`, async () => {
      const id = freshId(level)
      const verification = { level, sample_rate: 0.5 }
      expect(
        (await call('PUT', `/v1/holons/${id}`, { kernel: contractKernel, verification }, ADMIN)).status,
      ).toBe(201)
      for (let i = 0; i < 260; i += 130)
        await commit(id, { events: Array.from({ length: 130 }, (_, k) => fair(`e${i + k}`)) })
      const v2 = {
        ...contractKernel,
        aggregates: { ...contractKernel.aggregates, events: { fold: 'count', where: 'true' } },
      }
      expect((await call('PUT', `/v1/holons/${id}/kernel`, { kernel: v2 }, ADMIN)).status).toBe(202)
      while ((await call('GET', `/v1/holons/${id}`)).body.pending_kernel)
        await runDurableObjectAlarm(env.HOLON.getByName(id))
      const entries = (await call('GET', `/v1/holons/${id}/ledger?cursor=261&limit=100`)).body.entries.map(
        (e: { entry: { kind: string; data: { done?: number } } }) => e.entry,
      )
      const chunksDone = [50, 100, 150, 200, 250, 260] // OMEGA_REBUILD_CHUNK is 50 in tests
      const expected = chunksDone.filter((done) => systemEntryDue(verification, id, `rebuild:2:${done}`))
      expect(entries[0].kind).toBe('kernel.proposed')
      expect(entries.at(-1).kind).toBe('kernel.activated')
      const progress = entries
        .filter((e: { kind: string }) => e.kind === 'rebuild.progress')
        .map((e: { data: { done: number } }) => e.data.done)
      expect(progress).toEqual(expected)
      if (level === 'full_audit') expect(progress).toHaveLength(6)
      if (level === 'none') expect(progress).toHaveLength(0)
    })
  }
})
