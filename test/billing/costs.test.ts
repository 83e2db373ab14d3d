// Cost reports in workerd: ticks with a scarce fleet and two bidding tenants, commits on a tenant's holon, then
// GET /v1/tenants/{t}/costs checked by hand against the receipted decision; the orchestrator export verifies.
import { describe, expect, it } from 'vitest'
import { history, node, orchestrator, workload } from '../orchestrator/fleet.ts'
import { ADMIN, call, commit, createHolon, freshId, text, WRITE } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'

const HOUR = 3_600_000
const fair = (id: string) => ({ id, contributed: 100, returned: 98, trace_id: `t-${id}` })

/** One node of 3 cpu at 0.5 per cpu-hour (1.5 per hour whole); acme bids 10, bolt 4 per replica-hour. */
async function scarceFleet(): Promise<string> {
  const id = await orchestrator({ config: { orchestration_mode: 'centralized' } }, freshId('bill'))
  const nodes = [
    node('n1', 'eu', 0.3, 0.1, { capacity: { cpu: 3, memory: 100 }, cost_per_unit_hour: { cpu: 0.5 } }),
  ]
  const workloads = [
    workload('a1', { tenant: 'acme', bid: { replica_hour: 10 } }),
    workload('b1', { tenant: 'bolt', bid: { replica_hour: 4 } }),
  ]
  expect((await call('PUT', `/v1/orchestrators/${id}/nodes`, { nodes }, WRITE)).status).toBe(200)
  expect((await call('PUT', `/v1/orchestrators/${id}/workloads`, { workloads }, WRITE)).status).toBe(200)
  await history(id, 'a1', new Array(30).fill(150))
  await history(id, 'b1', new Array(30).fill(150))
  return id
}

describe('allocation in the orchestrator, receipted', () => {
  it('the decision entry (by its receipt) holds the auction and the Shapley shares', async () => {
    const id = await scarceFleet()
    const t = await call('POST', `/v1/orchestrators/${id}/tick`, undefined, WRITE)
    expect(t.status).toBe(200)
    expect(t.body.allocation.auction.result.awards).toEqual([
      expect.objectContaining({ bidder: 'acme', payment: expect.closeTo(8, 9) }),
    ])
    const d = await call('GET', `/v1/orchestrators/${id}/decisions?limit=100`)
    const decision = d.body.decisions.find((x: { kind: string }) => x.kind === 'orchestrator.decision')
    const data = decision.receipt.entry.data
    expect(data.allocation.auction.result).toEqual(t.body.allocation.auction.result)
    expect(data.allocation.auction.bids.map((b: { bidder: string }) => b.bidder)).toEqual(['acme', 'bolt'])
    expect(data.allocation.shares.result.shares).toEqual([{ player: 'acme', share: expect.closeTo(1.5, 9) }])
    expect(data.unplaced).toEqual([expect.objectContaining({ workload: 'b1', replicas: 2 })])
    const info = await call('GET', `/v1/orchestrators/${id}`)
    const v = await call('POST', '/v1/verify', {
      kind: 'receipt',
      receipt: decision.receipt,
      verifier_key: info.body.ledger.verifier_key,
    })
    expect(v.body.valid).toBe(true)
    const replay = await call('GET', `/v1/orchestrators/${id}/replay`)
    expect(replay.body.ticks).toEqual([expect.objectContaining({ tick: 1, match: true })])
  })
})

describe('GET /v1/tenants/{tenant}/costs', () => {
  it('folds replica-hours, the auction payment, the Shapley share and commits, each line naming its entries', async () => {
    const id = await scarceFleet()
    const t = await call('POST', `/v1/orchestrators/${id}/tick`, undefined, WRITE)
    expect(t.status).toBe(200)
    // acme's holon (created by the operator into tenant acme) and another tenant's: only acme's commits count
    const h = freshId('bill-h')
    expect((await call('PUT', `/v1/holons/${h}?tenant=acme`, { kernel: contractKernel }, ADMIN)).status).toBe(
      201,
    )
    expect((await commit(h, { events: [fair('e1'), fair('e2')] })).status).toBe(201)
    expect((await commit(h, { events: [fair('e3')] })).status).toBe(201)
    const other = await createHolon(contractKernel, freshId('bill-other'))
    expect((await commit(other, { events: [fair('o1')] })).status).toBe(201)
    const named = await call('GET', `/v1/tenants/acme/costs?orchestrators=${id}&holons=${h},${other}`)
    expect(named.status).toBe(200)
    expect(named.body.lines.filter((l: { kind: string }) => l.kind === 'commits')).toEqual([
      expect.objectContaining({ resource: { kind: 'holon', id: h }, quantity: 3 }),
    ])

    // without ?holons=: every holon acme owns (here the one above), the same bill
    const r = await call('GET', `/v1/tenants/acme/costs?orchestrators=${id}`)
    expect(r.status).toBe(200)
    const bill = r.body
    const decisions = (await call('GET', `/v1/orchestrators/${id}/decisions?limit=100`)).body.decisions
    const decision = decisions.find((x: { kind: string }) => x.kind === 'orchestrator.decision')
    const hours = (Date.parse(bill.to) - Date.parse(decision.at)) / HOUR
    const line = (kind: string) => bill.lines.find((l: { kind: string }) => l.kind === kind)
    // acme's 2 replicas from the decision until `to`; its share is the whole node (1.5 per hour, sole user)
    expect(line('replica_hours')).toMatchObject({
      resource: { kind: 'orchestrator', id, workload: 'a1' },
      quantity: expect.closeTo(2 * hours, 8),
      amount: 0,
    })
    expect(line('shapley_share').amount).toBeCloseTo(1.5 * hours, 8)
    // the VCG payment (8 per hour) for one tick of 60 s
    expect(line('auction_payment')).toMatchObject({
      amount: expect.closeTo(8 / 60, 9),
      entries: [
        {
          resource: { kind: 'orchestrator', id },
          index: decision.index,
          entry_hash: decision.receipt.entry_hash,
        },
      ],
    })
    // 3 committed events at 0.001 (OMEGA_PRICES in vitest.config.ts), each entry named
    expect(line('commits')).toMatchObject({ quantity: 3, amount: expect.closeTo(0.003, 12) })
    expect(line('commits').entries).toHaveLength(3)
    expect(bill.total).toBeCloseTo(0.003 + 8 / 60 + 1.5 * hours, 8)
    expect(bill.prices).toEqual({ commit: 0.001, currency: 'USD' })

    // bolt lost the auction: no replicas, no payment, no share
    const bolt = await call('GET', `/v1/tenants/bolt/costs?orchestrators=${id}`)
    expect(bolt.body.lines).toEqual([])
    expect(bolt.body.total).toBe(0)
  })

  it('a period before anything happened costs nothing; a bad period or tenant is a 400', async () => {
    const id = await scarceFleet()
    await call('POST', `/v1/orchestrators/${id}/tick`, undefined, WRITE)
    const r = await call('GET', `/v1/tenants/acme/costs?orchestrators=${id}&to=2000-01-01T00:00:00Z`)
    expect(r.status).toBe(200)
    expect(r.body.total).toBe(0)
    expect(
      (await call('GET', '/v1/tenants/acme/costs?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z')).status,
    ).toBe(400)
    expect((await call('GET', '/v1/tenants/acme/costs?from=yesterday')).status).toBe(400)
    expect((await call('GET', '/v1/tenants/__proto__!/costs')).status).toBe(400)
    expect((await call('GET', '/v1/tenants/acme/costs?orchestrators=nope')).status).toBe(404)
  })

  it('reads at most OMEGA_BILL_MAX_ENTRIES entries: 422 naming bill_entries beyond', async () => {
    const h = freshId('bill-big')
    expect((await call('PUT', `/v1/holons/${h}?tenant=acme`, { kernel: contractKernel }, ADMIN)).status).toBe(
      201,
    )
    for (let b = 0; b < 5; b++) {
      const events = Array.from({ length: 100 }, (_, i) => fair(`e${b}-${i}`))
      expect((await commit(h, { events })).status).toBe(201)
    }
    const r = await call('GET', `/v1/tenants/acme/costs?holons=${h}&orchestrators=${await orchestrator()}`)
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({
      type: '/problems/budget_exceeded',
      budget: 'bill_entries',
      limit: 400,
      unit: 'items',
    })
  })
})

describe('GET /v1/orchestrators/{id}/ledger/export', () => {
  it('streams the orchestrator ledger as a verifiable export', async () => {
    const id = await scarceFleet()
    await call('POST', `/v1/orchestrators/${id}/tick`, undefined, WRITE)
    const ex = await text(`/v1/orchestrators/${id}/ledger/export`)
    expect(ex.status).toBe(200)
    expect(ex.type).toMatch(/ndjson/)
    const lines = ex.body.trim().split('\n')
    expect(JSON.parse(lines[0] as string).origin).toMatch(new RegExp(`/orchestrators/${id}$`))
    const v = await call('POST', '/v1/verify', { kind: 'export', export: ex.body })
    expect(v.body.valid).toBe(true)
    const tampered = ex.body.replace('"payment":8', '"payment":7')
    expect(tampered).not.toBe(ex.body)
    expect((await call('POST', '/v1/verify', { kind: 'export', export: tampered })).body.valid).toBe(false)
    expect((await text('/v1/orchestrators/never-made/ledger/export')).status).toBe(404)
    void ADMIN
  })
})
