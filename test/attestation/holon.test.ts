// A holon commits its aggregates for a proof: the ledger entry, the kept opening, refusals that write nothing.
import { describe, expect, it } from 'vitest'
import brussels from '../../bootstrap/holons/brussels-tax.json'
import { circuitId } from '../../functions/attestation/keys.ts'
import { commitment, evaluateStatement, fixedPoint } from '../../functions/attestation/opening.ts'
import { kernelStatement } from '../../functions/attestation/statement.ts'
import { auditExport, type LedgerEntry, ReplayError, replayLedger } from '../../functions/ledger/index.ts'
import { KernelSpec } from '../../schemas/kernel.ts'
import { ADMIN, call, commit, createHolon, text, WRITE } from '../support/http.ts'

const attest = (id: string, body: unknown = {}, token = WRITE) =>
  call('POST', `/v1/holons/${id}/attestations`, body, token)
const size = async (id: string) => (await call('GET', `/v1/holons/${id}`)).body.ledger.size as number
const entries = async (id: string) =>
  (await text(`/v1/holons/${id}/ledger/export`)).body
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => JSON.parse(l) as LedgerEntry)

async function taxOffice() {
  const id = await createHolon(KernelSpec.parse(brussels.kernel))
  const r = await commit(id, { events: brussels.seed })
  expect(r.status).toBe(201)
  return id
}

describe('attestations on a holon', () => {
  it('commits the aggregates under Poseidon, ledgers the commitment and keeps the opening for admins', async () => {
    const id = await taxOffice()
    const before = await size(id)
    const r = await attest(id)
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    const a = r.body
    expect(a).toMatchObject({
      holon: id,
      ledger_index: before,
      circuit: circuitId('kernel'),
      kernel_version: 1,
      events: 4,
      invariants: [
        { name: 'Progressivity', threshold: 1 },
        { name: 'Rate_Ceiling', threshold: 1 },
        { name: 'Due_Process', threshold: 1 },
        { name: 'Refund_Budget', threshold: 1 },
      ],
    })
    const entry = (await entries(id)).at(-1) as LedgerEntry
    expect(entry).toMatchObject({ index: before, kind: 'attestation.committed' })
    expect(entry.data).toMatchObject({
      commitment: a.commitment,
      kernel_digest: a.kernel_digest,
      slots: a.slots,
    })
    // the ledger holds the commitment, never the values or the blinding
    expect(JSON.stringify(entry)).not.toMatch(/blinding|values/)

    // reads list it; the opening is admin-only
    expect((await call('GET', `/v1/holons/${id}/attestations`)).body.attestations).toEqual([a])
    const path = `/v1/holons/${id}/attestations/${a.ledger_index}/opening`
    expect((await call('GET', path)).status).toBe(401)
    expect((await call('GET', path, undefined, WRITE)).status).toBe(403)
    const o = await call('GET', path, undefined, ADMIN)
    expect(o.status).toBe(200)
    expect(
      (await call('GET', `/v1/holons/${id}/attestations/${before - 1}/opening`, undefined, ADMIN)).body,
    ).toMatchObject({ status: 404, type: '/problems/attestation_not_found', index: before - 1 })

    // the opening is the aggregates themselves (seed: 3 assessments, all grounded, 30800 tax, 300 refunds)
    const opened = o.body
    const slot = (name: string) => BigInt(opened.values[opened.slots.indexOf(name)])
    expect(slot('assessments')).toBe(fixedPoint(3))
    expect(slot('grounded')).toBe(fixedPoint(3))
    expect(slot('tax_total')).toBe(fixedPoint(30800))
    expect(slot('refunds')).toBe(fixedPoint(300))
    expect(slot('max_rate')).toBe(fixedPoint(24000 / 90000))
    const opening = {
      values: opened.values.map(BigInt),
      present: opened.present,
      blinding: BigInt(opened.blinding),
    }
    expect(commitment(opening).toString()).toBe(a.commitment)
    const st = kernelStatement(KernelSpec.parse(opened.kernel), [
      'Progressivity',
      'Rate_Ceiling',
      'Due_Process',
      'Refund_Budget',
    ])
    expect(evaluateStatement(st, opening)).toEqual([true, true, true, true])

    // two attestations of the same state hide it behind different commitments
    const again = await attest(id)
    expect(again.body.commitment).not.toBe(a.commitment)

    // the export audits and replays with the entries in it
    const info = (await call('GET', `/v1/holons/${id}`)).body
    const exported = (await text(`/v1/holons/${id}/ledger/export`)).body
    expect(auditExport(exported, info.ledger.verifier_key)).toMatchObject({ valid: true })
    expect(replayLedger(await entries(id)).events).toBe(4)
  })

  it('refuses an unprovable statement, naming each invariant and why, and writes nothing', async () => {
    const id = await createHolon({
      id: 'mixed',
      aggregates: { a: { fold: 'sum', expr: 'event.x' }, n: { fold: 'count' } },
      invariants: {
        Bounded: { score: 'agg.a <= 10 ? 1 : 0', threshold: 1 },
        Curved: { score: 'sqrt(agg.a) <= 3 ? 1 : 0', threshold: 1 },
        Busy: { score: 'agg.n >= 2 ? 1 : 0', threshold: 1 },
      },
      gate: { on_torsion: 'flag' },
    })
    expect((await commit(id, { events: [{ id: 'e1', x: 4 }] })).status).toBe(201)
    const before = await size(id)
    const r = await attest(id)
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({ type: '/problems/attestation_refused' })
    expect(r.body.refusals).toEqual([{ subject: 'Curved', reason: expect.stringMatching(/calls `sqrt`/) }])
    // a provable subset that is violated now: refused as violated
    const violated = await attest(id, { invariants: ['Bounded', 'Busy'] })
    expect(violated.status).toBe(422)
    expect(violated.body.refusals).toEqual([
      { subject: 'Busy', reason: expect.stringMatching(/violated now/) },
    ])
    expect(await size(id)).toBe(before)
    expect((await call('GET', `/v1/holons/${id}/attestations`)).body.attestations).toEqual([])
    // the subset that holds is committed
    const ok = await attest(id, { invariants: ['Bounded'] })
    expect(ok.status).toBe(201)
    expect(ok.body.invariants.map((i: { name: string }) => i.name)).toEqual(['Bounded'])
    // bad bodies and credentials
    expect((await attest(id, { invariants: ['Bounded', 'Bounded'] })).status).toBe(400)
    expect((await attest(id, { invariants: ['Nope'] })).body.refusals).toEqual([
      { subject: 'Nope', reason: 'no invariant named Nope' },
    ])
    expect((await attest(id, {}, '')).status).toBe(401)
    expect((await attest('no-such-holon-zk')).status).toBe(404)
  })

  it('replay refuses an attestation entry that names another kernel than the active one', async () => {
    const id = await taxOffice()
    await attest(id)
    const all = await entries(id)
    const last = all.at(-1) as LedgerEntry
    const forged = [...all.slice(0, -1), { ...last, data: { ...last.data, kernel_version: 7 } }]
    expect(() => replayLedger(forged)).toThrow(ReplayError)
  })
})
