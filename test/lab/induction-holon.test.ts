// MS-Beta on a holon: proposals filed from history as ledgered kernel versions, decided only by an admin.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { auditExport, type LedgerEntry, replayLedger, toHex } from '../../functions/ledger/index.ts'
import { ADMIN, call, commit, createHolon, state, text, WRITE } from '../support/http.ts'
import { shopHistory, shopKernel } from './induction-planted.ts'

/** The object's stub, typed loosely: the typed stub's RPC mapping is too deep for the checker here. */
const holonStub = (id: string) => env.HOLON.getByName(id) as unknown as DurableObjectStub

const entriesOf = (jsonl: string) =>
  jsonl
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => JSON.parse(l) as LedgerEntry)

/** A holon with `n` planted shop events, committed in batches. */
async function shop(n: number, seed = 11) {
  const id = await createHolon(shopKernel)
  const events = shopHistory(seed, n)
  for (let i = 0; i < n; i += 100) {
    const r = await commit(id, { events: events.slice(i, i + 100) })
    expect(r.status).toBe(201)
  }
  return { id, events }
}

/** The last `n` ledger entries. */
async function tail(id: string, n: number): Promise<LedgerEntry[]> {
  const size = (await call('GET', `/v1/holons/${id}`)).body.ledger.size as number
  const page = (await call('GET', `/v1/holons/${id}/ledger?cursor=${Math.max(0, size - n)}&limit=${n}`)).body
  return page.entries.map((e: { entry: LedgerEntry }) => e.entry)
}

const propose = (id: string, body: unknown = {}, token = WRITE) =>
  call('POST', `/v1/holons/${id}/kernel/proposals`, body, token)
const decide = (id: string, version: number, what: 'activate' | 'reject', token = ADMIN) =>
  call('POST', `/v1/holons/${id}/kernel/proposals/${version}/${what}`, { reason: 'reviewed' }, token)

async function replayMatches(id: string) {
  const info = (await call('GET', `/v1/holons/${id}`)).body
  const exported = (await text(`/v1/holons/${id}/ledger/export`)).body
  expect(auditExport(exported, info.ledger.verifier_key)).toMatchObject({ valid: true })
  const replayed = replayLedger(entriesOf(exported))
  const s = (await state(id)).body
  expect(replayed.kernelVersion).toBe(s.kernel_version)
  expect(replayed.current.dimensions).toEqual(s.dimensions)
  expect(replayed.current.state_vector).toEqual(s.state_vector)
  expect(replayed.current.torsion).toBe(s.torsion)
  expect(replayed.kernel.digest).toBe(info.kernel_digest)
  expect(toHex(replayed.root)).toBe((await call('GET', `/v1/holons/${id}/ledger/checkpoint`)).body.root)
}

describe('kernel proposals from history', () => {
  it('files ledgered proposals with evidence and never changes the kernel or the state', async () => {
    const { id } = await shop(300)
    const before = (await state(id)).body
    const infoBefore = (await call('GET', `/v1/holons/${id}`)).body
    const r = await propose(id)
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(r.body).toMatchObject({
      kernel_version: 1,
      events: 300,
      first_seq: 1,
      coverage: 0.99,
      level: 0.95,
    })
    const props = r.body.proposals as any[]
    expect(props.length).toBeGreaterThanOrEqual(3)
    // versions from the install sequence, one after the other; each its own ledger entry
    expect(props.map((p) => p.version)).toEqual(props.map((_, i) => 2 + i))
    const q = props.find((p) => p.kind === 'threshold' && p.proposal.invariant === 'Quality')
    expect(q.proposal.interval[0]).toBeLessThanOrEqual(q.proposal.proposed)
    expect(q.proposal.interval[1]).toBeGreaterThanOrEqual(q.proposal.proposed)
    expect(props.some((p) => p.proposal.basis?.startsWith('ratio agg.refunds/agg.amount'))).toBe(true)
    const filed = (await tail(id, 50)).filter((e: any) => e.kind === 'kernel.proposed') as any[]
    expect(filed.map((e) => e.index)).toEqual(props.map((p) => p.ledger_index))
    expect(filed[0].data).toMatchObject({ origin: 'induction', base_version: 1, version: 2 })
    expect(filed[0].data.simulation).toEqual(props[0].simulation)
    expect(filed[0].data.dimensions).toEqual(Object.keys(filed[0].data.kernel.invariants))
    // unchanged: the state digest, the kernel, the version
    const after = (await state(id)).body
    const infoAfter = (await call('GET', `/v1/holons/${id}`)).body
    expect({ ...after, timestamp: 0 }).toEqual({ ...before, timestamp: 0 })
    expect(infoAfter.kernel_digest).toBe(infoBefore.kernel_digest)
    expect(infoAfter.kernel_version).toBe(1)
    expect(infoAfter.pending_kernel).toBeUndefined()
    // listed with their evidence; filing again answers the open ones instead of duplicating them
    const open = (await call('GET', `/v1/holons/${id}/kernel/proposals`)).body
    expect(open.proposals.map((p: any) => p.version)).toEqual(props.map((p) => p.version))
    expect(open.proposals[0].simulation).toEqual(props[0].simulation)
    const again = (await propose(id)).body
    expect(again.proposals.every((p: any) => p.duplicate)).toBe(true)
    expect(again.proposals.map((p: any) => p.version)).toEqual(props.map((p) => p.version))
    await replayMatches(id)
  })

  it('only an admin activates; after activation the gate refuses an event breaking the induced invariant', async () => {
    const { id, events } = await shop(300)
    const props = (await propose(id)).body.proposals as any[]
    const ratio = props.find((p) => p.proposal.basis?.startsWith('ratio agg.refunds/agg.amount'))
    expect(ratio.simulation.refused).toBe(0)
    const greedy = { id: 'greedy', amount: 10, refund: 5000, quality: 0.5 }
    // before: admitted by the kernel as it is (Refund_Cap 0.5 still holds over the large history)
    expect((await call('POST', `/v1/holons/${id}/evaluate`, { event: greedy })).body.admitted).toBe(true)
    const denied = await decide(id, ratio.version, 'activate', WRITE)
    expect(denied.status).toBe(403)
    expect((await decide(id, ratio.version, 'reject', WRITE)).status).toBe(403)
    expect((await call('GET', `/v1/holons/${id}`)).body.kernel_version).toBe(1)
    const ok = await decide(id, ratio.version, 'activate')
    expect(ok.status, JSON.stringify(ok.body)).toBeOneOf([200, 202])
    expect(ok.body.version).toBe(ratio.version)
    // rebuild chunks of 50 in tests: finish them on the alarm path
    for (
      let i = 0;
      i < 20 && (await call('GET', `/v1/holons/${id}`)).body.kernel_version !== ratio.version;
      i++
    ) {
      await runDurableObjectAlarm(holonStub(id))
    }
    const info = (await call('GET', `/v1/holons/${id}`)).body
    expect(info.kernel_version).toBe(ratio.version)
    expect(Object.keys(info.kernel.invariants)).toContain(ratio.proposal.name)
    const refused = await commit(id, { event: greedy })
    expect(refused.status).toBe(409)
    expect(refused.body.violations.map((v: any) => v.invariant)).toEqual([ratio.proposal.name])
    expect((await commit(id, { event: { ...events[0], id: 'fine' } })).status).toBe(201)
    // the reason is ledgered; no second kernel.proposed for the version
    const kinds = (await tail(id, 60)) as any[]
    expect(
      kinds.filter((e: any) => e.kind === 'kernel.proposed' && e.data.version === ratio.version),
    ).toHaveLength(1)
    expect(kinds.find((e: any) => e.kind === 'kernel.decided').data).toEqual({
      version: ratio.version,
      decision: 'activated',
      reason: 'reviewed',
    })
    expect(kinds.find((e: any) => e.kind === 'kernel.activated').data.version).toBe(ratio.version)
    // the other proposals were induced under version 1: activating one now would undo this install
    const stale = props.find((p) => p.version !== ratio.version)
    const closed = await decide(id, stale.version, 'activate')
    expect(closed.status).toBe(409)
    expect(closed.body.type).toMatch(/proposal_closed/)
    expect((await decide(id, ratio.version, 'activate')).status).toBe(409)
    expect((await decide(id, 999, 'activate')).status).toBe(404)
    await replayMatches(id)
  })

  it('a rejection is ledgered, closes the proposal and changes nothing else', async () => {
    const { id } = await shop(120)
    const props = (await propose(id)).body.proposals as any[]
    const before = (await state(id)).body
    const r = await decide(id, props[0].version, 'reject')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ version: props[0].version, status: 'abandoned' })
    const entry = (await call('GET', `/v1/holons/${id}/ledger/receipts/${r.body.ledger_index}`)).body.entry
    expect(entry).toMatchObject({
      kind: 'kernel.decided',
      data: { decision: 'rejected', reason: 'reviewed' },
    })
    const open = (await call('GET', `/v1/holons/${id}/kernel/proposals`)).body.proposals
    expect(open.map((p: any) => p.version)).not.toContain(props[0].version)
    expect(open).toHaveLength(props.length - 1)
    expect((await decide(id, props[0].version, 'activate')).status).toBe(409)
    expect({ ...(await state(id)).body, timestamp: 0 }).toEqual({ ...before, timestamp: 0 })
    // an install still takes the next version after the proposals
    const v = await call('PUT', `/v1/holons/${id}/kernel`, { kernel: { ...shopKernel, id: 'shop2' } }, ADMIN)
    expect(v.body.version).toBe(Math.max(...props.map((p) => p.version)) + 1)
    await replayMatches(id)
  })

  it('a window reads the last events only, its aggregates folded from the earlier history', async () => {
    const { id } = await shop(200)
    const r = await propose(id, { max_events: 80 })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ events: 80, first_seq: 121 })
    for (const p of r.body.proposals)
      for (const s of p.simulation.refused_at) expect(s).toBeGreaterThanOrEqual(121)
  })

  it('refuses bad bodies, writers without write, and an exhausted budget with a 422 naming it', async () => {
    const { id } = await shop(100)
    expect((await propose(id, { coverage: 2 })).status).toBe(400)
    expect((await propose(id, { max_events: 50_001 })).status).toBe(400)
    expect((await propose(id, { max_events: 20, extra: 1 })).status).toBe(400)
    expect((await propose(id, {}, '')).status).toBe(401)
    expect((await call('GET', '/v1/holons/nope-never/kernel/proposals')).status).toBe(404)
    // the object's budget is the production one: too small a history never reaches it, so spend it directly
    const spent = await runInDurableObject(
      env.HOLON.getByName(id),
      async (_o: any, ctx: DurableObjectState) => {
        const { Db } = await import('../../durable-objects/shared/db.ts')
        const { loadLive } = await import('../../durable-objects/holon/live.ts')
        const { induceFromHistory } = await import('../../durable-objects/holon/lab-induction.ts')
        const { inductionBudget } = await import('../../functions/lab/induction/index.ts')
        const db = new Db(ctx.storage)
        const live = loadLive(db)
        return induceFromHistory(
          db,
          live as never,
          { coverage: 0.99, level: 0.95, max_events: 10_000 },
          inductionBudget(2000),
        )
      },
    )
    expect(spent).toMatchObject({
      ok: false,
      failure: { code: 'budget_exceeded', budget: 'induction_steps', limit: 2000 },
    })
  })
})

describe('the kernels migration', () => {
  it('rebuilds the kernels table with its rows copied and the proposed status allowed', async () => {
    const { MIGRATIONS } = await import('../../durable-objects/holon/migrations.ts')
    const stub = holonStub(`migration-${Date.now()}`)
    await runInDurableObject(stub, async (_o: unknown, ctx: DurableObjectState) => {
      const sql = ctx.storage.sql
      // the table as the first migration made it, with rows of every earlier status
      sql.exec('DROP TABLE kernels; DROP TABLE kernel_proposals;')
      sql.exec(`CREATE TABLE kernels (
        version INTEGER PRIMARY KEY, digest TEXT NOT NULL, spec TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'pending', 'superseded', 'abandoned')),
        created_at TEXT NOT NULL, activated_at TEXT)`)
      expect(() => sql.exec("INSERT INTO kernels VALUES (9, 'd', '{}', 'proposed', 't', NULL)")).toThrow()
      for (const [v, s] of [
        [1, 'superseded'],
        [2, 'active'],
        [3, 'abandoned'],
      ] as const)
        sql.exec(
          'INSERT INTO kernels VALUES (?, ?, ?, ?, ?, ?)',
          v,
          `d${v}`,
          `{"v":${v}}`,
          s,
          't',
          v === 3 ? null : 'a',
        )
      sql.exec(MIGRATIONS.find((m) => m.includes('kernels_induction')) as string)
      const rows = sql
        .exec('SELECT version, digest, spec, status, activated_at FROM kernels ORDER BY version')
        .toArray()
      expect(rows).toEqual([
        { version: 1, digest: 'd1', spec: '{"v":1}', status: 'superseded', activated_at: 'a' },
        { version: 2, digest: 'd2', spec: '{"v":2}', status: 'active', activated_at: 'a' },
        { version: 3, digest: 'd3', spec: '{"v":3}', status: 'abandoned', activated_at: null },
      ])
      sql.exec("INSERT INTO kernels VALUES (4, 'd4', '{}', 'proposed', 't', NULL)")
      expect(() => sql.exec("INSERT INTO kernels VALUES (5, 'd5', '{}', 'bogus', 't', NULL)")).toThrow()
    })
  })
})
