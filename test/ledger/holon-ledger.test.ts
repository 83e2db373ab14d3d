// The holon ledger end to end: one entry per state change, receipts, proofs, checkpoints, export and replay.
import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import {
  auditExport,
  hexToBytes,
  type LedgerEntry,
  type Receipt,
  replayLedger,
  toHex,
  verifyCheckpoint,
  verifyReceipt,
} from '../../functions/ledger/index.ts'
import { sha3Tree, verifyConsistency, verifyInclusion } from '../../functions/merkle/index.ts'
import { ADMIN, call, commit, createHolon, state, text } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'

const fair = (id: string) => ({ id, contributed: 100, returned: 98, trace_id: `t-${id}` })
const v2 = {
  ...contractKernel,
  invariants: { ...contractKernel.invariants, Aa_Small: { score: 'agg.events < 100 ? 1 : 0', threshold: 1 } },
}

/** A holon with every kind of state change: creation, a batch, a rejection, an override and a kernel change. */
async function busyHolon() {
  const id = await createHolon(contractKernel)
  const info = (await call('GET', `/v1/holons/${id}`)).body
  const batch = await commit(id, { events: [fair('a'), fair('b'), fair('c')] })
  const rejected = await commit(id, { event: { id: 'bad', contributed: 100, returned: 1, trace_id: 't' } })
  const forced = await commit(
    id,
    {
      event: { id: 'forced', contributed: 100, returned: 1, trace_id: 't' },
      override: { reason: 'court order', actor: 'judge' },
    },
    ADMIN,
  )
  expect((await call('PUT', `/v1/holons/${id}/kernel`, { kernel: v2 }, ADMIN)).status).toBe(200)
  await commit(id, { event: fair('d') })
  return { id, vkey: info.ledger.verifier_key as string, batch, rejected, forced }
}

const entriesOf = (jsonl: string) =>
  jsonl
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => JSON.parse(l) as LedgerEntry)

describe('holon ledger', () => {
  it('appends one entry per state change, in the order they happened', async () => {
    const { id } = await busyHolon()
    const page = (await call('GET', `/v1/holons/${id}/ledger?limit=100`)).body
    expect(page.entries.map((e: { entry: LedgerEntry }) => e.entry.kind)).toEqual([
      'holon.created',
      'event.committed',
      'event.committed',
      'event.committed',
      'event.rejected',
      'event.committed',
      'kernel.proposed',
      'rebuild.progress',
      'kernel.activated',
      'event.committed',
    ])
    const forced = page.entries[5].entry
    expect(forced.data).toMatchObject({
      verdict: 'admit_override',
      override: { reason: 'court order', actor: 'judge' },
    })
    expect(page.entries[4].entry.data).toMatchObject({ verdict: 'reject', event: { id: 'bad' } })
    page.entries.forEach((e: { entry: LedgerEntry; leaf_hash: string }, i: number) => {
      expect(e.entry.index).toBe(i)
      expect(e.entry.prev).toBe(i === 0 ? null : page.entries[i - 1].leaf_hash)
    })
    const info = (await call('GET', `/v1/holons/${id}`)).body
    expect(info.ledger).toMatchObject({ size: 10, verification: { level: 'full_audit' } })
  })

  it('every commit and every rejection returns a receipt that verifies offline with the verifier key alone', async () => {
    const { vkey, batch, rejected, forced } = await busyHolon()
    const receipts: Receipt[] = [
      ...batch.body.results.map((r: { receipt: Receipt }) => r.receipt),
      rejected.body.receipt,
      forced.body.results[0].receipt,
    ]
    expect(receipts.map((r) => r.index)).toEqual([1, 2, 3, 4, 5])
    for (const r of receipts) expect(verifyReceipt(r, vkey)).toMatchObject({ valid: true })
    // A tampered receipt, or the right receipt with another holon's key, does not.
    const tampered = {
      ...receipts[0],
      entry: { ...receipts[0]?.entry, data: { ...receipts[0]?.entry.data, torsion: 1 } },
    } as Receipt
    expect(verifyReceipt(tampered, vkey).valid).toBe(false)
    const other = await busyHolon()
    expect(verifyReceipt(receipts[0] as Receipt, other.vkey).valid).toBe(false)
  })

  it('a retried event id gets a receipt for its original entry', async () => {
    const { id, vkey } = await busyHolon()
    const again = await commit(id, { event: fair('b') })
    expect(again.body.results[0]).toMatchObject({ duplicate: true, receipt: { index: 2 } })
    expect(verifyReceipt(again.body.results[0].receipt, vkey).valid).toBe(true)
  })

  it('serves inclusion and consistency proofs that verify against signed checkpoints', async () => {
    const { id, vkey } = await busyHolon()
    const cp = (await call('GET', `/v1/holons/${id}/ledger/checkpoint`)).body
    expect(cp.size).toBe(10)
    const signed = verifyCheckpoint(cp.note, vkey)
    expect(toHex(signed.root)).toBe(cp.root)
    const note = await text(`/v1/holons/${id}/ledger/checkpoint?format=note`)
    expect(note.type).toMatch(/text\/plain/)
    expect(verifyCheckpoint(note.body, vkey).size).toBe(10)
    for (let size = 1; size <= 10; size++) {
      const old = (await call('GET', `/v1/holons/${id}/ledger/checkpoint?size=${size}`)).body
      const c = (await call('GET', `/v1/holons/${id}/ledger/proof/consistency?from=${size}`)).body
      expect(
        verifyConsistency(
          sha3Tree,
          size,
          10,
          c.proof.map(hexToBytes),
          verifyCheckpoint(old.note, vkey).root,
          signed.root,
        ),
      ).toBe(true)
      const index = size - 1
      const p = (await call('GET', `/v1/holons/${id}/ledger/proof/inclusion?index=${index}&size=${size}`))
        .body
      expect(
        verifyInclusion(
          sha3Tree,
          index,
          size,
          hexToBytes(p.leaf_hash),
          p.inclusion.map(hexToBytes),
          hexToBytes(old.root),
        ),
      ).toBe(true)
    }
    expect((await call('GET', `/v1/holons/${id}/ledger/proof/inclusion?index=10`)).status).toBe(400)
    expect((await call('GET', `/v1/holons/${id}/ledger/proof/consistency?from=0`)).status).toBe(400)
    expect((await call('GET', `/v1/holons/${id}/ledger/checkpoint?size=11`)).status).toBe(400)
  })

  it('exports JSONL that verifies, whole or in chunks, and replays to the same state and root', async () => {
    const { id, vkey } = await busyHolon()
    const all = await text(`/v1/holons/${id}/ledger/export`)
    expect(all.type).toBe('application/x-ndjson')
    expect(auditExport(all.body, vkey)).toMatchObject({ valid: true })
    const chunk = await text(`/v1/holons/${id}/ledger/export?from=3&to=7`)
    expect(chunk.body.trim().split('\n')).toHaveLength(5)
    expect(auditExport(chunk.body, vkey).valid).toBe(true)

    const replayed = replayLedger(entriesOf(all.body))
    const s = (await state(id)).body
    expect(replayed.current.dimensions).toEqual(['Non_Spoliation', 'Traceability', 'Aa_Small'])
    expect(replayed.current.dimensions).toEqual(s.dimensions)
    expect(replayed.current.state_vector).toEqual(s.state_vector)
    expect(replayed.current.torsion).toBe(s.torsion)
    expect(replayed.kernelVersion).toBe(2)
    expect(replayed.events).toBe(s.events)
    expect(toHex(replayed.root)).toBe((await call('GET', `/v1/holons/${id}/ledger/checkpoint`)).body.root)
  })
})

describe('tamper evidence', () => {
  let exported: { text: string; vkey: string } | undefined
  const load = async () => {
    if (!exported) {
      const { id, vkey } = await busyHolon()
      exported = { text: (await text(`/v1/holons/${id}/ledger/export`)).body, vkey }
    }
    const [header, ...lines] = exported.text.trim().split('\n')
    return { header: header as string, lines, vkey: exported.vkey }
  }
  const audit = (header: string, lines: string[], vkey: string) =>
    auditExport(`${[header, ...lines].join('\n')}\n`, vkey)

  it('a flipped byte in any entry is found at that entry', async () => {
    const { header, lines, vkey } = await load()
    for (let k = 0; k < lines.length; k++) {
      const bad = [...lines]
      bad[k] = (bad[k] as string).replace('"at":"2', '"at":"3')
      const r = audit(header, bad, vkey)
      expect(r.valid, `entry ${k}`).toBe(false)
      expect(r.first_bad_index, `entry ${k}`).toBe(k)
    }
  })

  it.each([
    ['dropped', (l: string[]) => [...l.slice(0, 4), ...l.slice(5)], 4],
    ['duplicated', (l: string[]) => [...l.slice(0, 5), l[4] as string, ...l.slice(5, -1)], 5],
    ['reordered', (l: string[]) => [...l.slice(0, 3), l[4] as string, l[3] as string, ...l.slice(5)], 3],
    ['truncated', (l: string[]) => l.slice(0, 7), 7],
  ])('%s entries are found', async (_, mutate, index) => {
    const { header, lines, vkey } = await load()
    const r = audit(header, mutate(lines), vkey)
    expect(r.valid).toBe(false)
    expect(r.first_bad_index).toBe(index)
  })

  it('a checkpoint checked with the wrong key fails; a forged root fails', async () => {
    const { header, lines, vkey } = await load()
    const other = await busyHolon()
    const r = audit(header, lines, other.vkey)
    expect(r.checks.find((c) => c.check === 'checkpoint is signed by the holon key')?.ok).toBe(false)
    const h = JSON.parse(header)
    const forgedNote = h.checkpoint.replace(
      /\n([A-Za-z0-9+/]{43}=)\n/,
      (_: string, root: string) => `\n${root.startsWith('A') ? 'B' : 'A'}${root.slice(1)}\n`,
    )
    expect(audit(JSON.stringify({ ...h, checkpoint: forgedNote }), lines, vkey).valid).toBe(false)
    expect(vkey).not.toBe(other.vkey)
  })
})

describe('holons older than the ledger', () => {
  it('get a ledger opened by a snapshot that replays to their current state', async () => {
    const id = await createHolon(contractKernel)
    await commit(id, { events: [fair('a'), fair('b')] })
    const stub = env.HOLON.getByName(id)
    await runInDurableObject(stub, (_, state) => {
      const sql = state.storage.sql
      for (const t of ['ledger', 'tree_nodes', 'checkpoints']) sql.exec(`DELETE FROM ${t}`)
      sql.exec("DELETE FROM meta WHERE k IN ('origin', 'signing_key', 'verification')")
    })
    await evictDurableObject(stub)
    const info = (await call('GET', `/v1/holons/${id}`)).body
    expect(info.ledger.size).toBe(1)
    const jsonl = (await text(`/v1/holons/${id}/ledger/export`)).body
    expect(auditExport(jsonl, info.ledger.verifier_key).valid).toBe(true)
    const replayed = replayLedger(entriesOf(jsonl))
    const s = (await state(id)).body
    expect(replayed.events).toBe(2)
    expect(replayed.current.state_vector).toEqual(s.state_vector)
    await commit(id, { event: fair('c') })
    expect(
      replayLedger(entriesOf((await text(`/v1/holons/${id}/ledger/export`)).body)).current.state_vector,
    ).toEqual((await state(id)).body.state_vector)
  })
})
