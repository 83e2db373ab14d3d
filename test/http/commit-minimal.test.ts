// `Prefer: return=minimal` on commits (RFC 7240) and GET .../ledger/receipts/{index}: what a high-rate writer gets.
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { call, commit, createHolon, freshId, WRITE } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'

const fair = (id: string) => ({ id, contributed: 100, returned: 98, trace_id: `t-${id}` })

/** A commit with a Prefer header (or none), with the answer's headers. */
async function commitPreferring(id: string, body: unknown, prefer?: string) {
  const res = await exports.default.fetch(`https://omega.test/v1/holons/${id}/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${WRITE}`,
      ...(prefer !== undefined && { prefer }),
    },
    body: JSON.stringify(body),
  })
  return { status: res.status, headers: res.headers, body: await res.json<any>() }
}

const verifierKey = async (id: string) =>
  (await call('GET', `/v1/holons/${id}`)).body.ledger.verifier_key as string

describe('Prefer: return=minimal', () => {
  it('answers per event its id, seq, verdict, torsion and ledger index, and the checkpoint once', async () => {
    const id = await createHolon(contractKernel)
    const batch = [fair('a'), fair('b'), fair('c')]
    const r = await commitPreferring(id, { events: batch }, 'return=minimal')
    expect(r.status).toBe(201)
    expect(r.headers.get('preference-applied')).toBe('return=minimal')
    expect(r.headers.get('vary')).toContain('Prefer')
    expect(Object.keys(r.body).sort()).toEqual([
      'checkpoint',
      'committed',
      'duplicates',
      'holon',
      'kernel_version',
      'results',
    ])
    expect(r.body).toMatchObject({ holon: id, kernel_version: 1, committed: 3, duplicates: 0 })
    for (const result of r.body.results)
      expect(Object.keys(result).sort()).toEqual([
        'duplicate',
        'event_id',
        'ledger_index',
        'seq',
        'torsion',
        'verdict',
      ])
    // What it promises agrees with the history, the ledger and the signed checkpoint served elsewhere.
    const history = (await call('GET', `/v1/holons/${id}/events`)).body.events
    expect(r.body.results.map((x: any) => [x.event_id, x.seq, x.verdict, x.torsion, x.duplicate])).toEqual(
      history.map((h: any) => [h.event.id, h.seq, h.verdict, h.torsion, false]),
    )
    const entries = (await call('GET', `/v1/holons/${id}/ledger?cursor=0&limit=10`)).body.entries
    for (const x of r.body.results) {
      const { entry } = entries.find((e: any) => e.index === x.ledger_index)
      expect(entry).toMatchObject({ kind: 'event.committed', data: { event: { id: x.event_id } } })
    }
    const checkpoint = (await call('GET', `/v1/holons/${id}/ledger/checkpoint`)).body
    expect(r.body.checkpoint).toEqual({ size: checkpoint.size, note: checkpoint.note })
    const verified = await call('POST', '/v1/verify', {
      kind: 'checkpoint',
      checkpoint: r.body.checkpoint.note,
      verifier_key: await verifierKey(id),
    })
    expect(verified.body.valid).toBe(true)
  })

  it('answers a retried batch from the history, with the same seqs and ledger indexes', async () => {
    const id = await createHolon(contractKernel)
    const batch = [fair('a'), fair('b')]
    const first = await commitPreferring(id, { events: batch }, 'return=minimal')
    await commitPreferring(id, { events: [fair('c')] }, 'return=minimal')
    const again = await commitPreferring(id, { events: batch }, 'return=minimal')
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ committed: 0, duplicates: 2 })
    expect(again.body.results).toEqual(first.body.results.map((x: any) => ({ ...x, duplicate: true })))
    expect(again.body.checkpoint.size).toBeGreaterThan(first.body.checkpoint.size)
  })

  it('parses Prefer as RFC 7240 says; anything else keeps the full receipts', async () => {
    const id = await createHolon(contractKernel)
    const lenient = await commitPreferring(
      id,
      { event: fair('a') },
      'handling=lenient, RETURN="minimal"; x=1',
    )
    expect(lenient.headers.get('preference-applied')).toBe('return=minimal')
    expect(lenient.body.results[0].receipt).toBeUndefined()
    for (const [n, prefer] of [
      undefined,
      'return=representation',
      'respond-async',
      'return=minimal-ish',
    ].entries()) {
      const full = await commitPreferring(id, { event: fair(`f${n}`) }, prefer)
      expect(full.status).toBe(201)
      expect(full.headers.get('preference-applied')).toBeNull()
      expect(full.body.checkpoint).toBeUndefined()
      expect(full.body.results[0].receipt.entry.data.event.id).toBe(`f${n}`)
    }
  })

  it('refuses an inadmissible event the same way as without the preference', async () => {
    const id = await createHolon(contractKernel)
    const bad = { id: 'bad', contributed: 100, returned: 10, trace_id: 't' }
    const r = await commitPreferring(id, { events: [fair('a'), bad] }, 'return=minimal')
    expect(r.status).toBe(409)
    expect(r.body).toMatchObject({ type: '/problems/inadmissible', event_id: 'bad', index: 1 })
    expect((await call('GET', `/v1/holons/${id}`)).body).toMatchObject({ events: 0, rejections: 1 })
  })
})

describe('GET /v1/holons/{id}/ledger/receipts/{index}', () => {
  it('serves the receipt a full commit answers, and it verifies', async () => {
    const id = await createHolon(contractKernel)
    const full = await commit(id, { events: [fair('a'), fair('b')] })
    const receipt = full.body.results[1].receipt
    const served = await call('GET', `/v1/holons/${id}/ledger/receipts/${receipt.index}`)
    expect(served.status).toBe(200)
    expect(served.body).toEqual(receipt)
    const vkey = await verifierKey(id)
    const ok = await call('POST', '/v1/verify', { kind: 'receipt', receipt: served.body, verifier_key: vkey })
    expect(ok.body.valid).toBe(true)
  })

  it("gives a minimal writer each event's receipt later, against the latest checkpoint", async () => {
    const id = await createHolon(contractKernel)
    const r = await commitPreferring(id, { events: [fair('a'), fair('b')] }, 'return=minimal')
    await commitPreferring(id, { events: [fair('c')] }, 'return=minimal')
    const vkey = await verifierKey(id)
    const size = (await call('GET', `/v1/holons/${id}/ledger/checkpoint`)).body.size
    for (const x of r.body.results) {
      const served = await call('GET', `/v1/holons/${id}/ledger/receipts/${x.ledger_index}`)
      expect(served.status).toBe(200)
      expect(served.body).toMatchObject({
        index: x.ledger_index,
        entry: { data: { event: { id: x.event_id } } },
      })
      expect(served.body.checkpoint).toContain(`\n${size}\n`)
      const ok = await call('POST', '/v1/verify', {
        kind: 'receipt',
        receipt: served.body,
        verifier_key: vkey,
      })
      expect(ok.body.valid).toBe(true)
    }
  })

  it('answers 4xx for an index beyond the ledger, a malformed index and an unknown holon', async () => {
    const id = await createHolon(contractKernel)
    const size = (await call('GET', `/v1/holons/${id}/ledger/checkpoint`)).body.size as number
    const beyond = await call('GET', `/v1/holons/${id}/ledger/receipts/${size}`)
    expect(beyond).toMatchObject({ status: 400, body: { type: '/problems/validation_failed' } })
    for (const bad of ['-1', 'x', '1.5', '9999999999999999'])
      expect((await call('GET', `/v1/holons/${id}/ledger/receipts/${bad}`)).status).toBe(400)
    const nobody = await call('GET', `/v1/holons/${freshId('nobody')}/ledger/receipts/0`)
    expect(nobody).toMatchObject({ status: 404, body: { type: '/problems/holon_not_found' } })
  })
})
