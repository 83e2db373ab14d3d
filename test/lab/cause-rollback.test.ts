// Rollback by ledgered compensation, end to end in workerd: state equals a fresh holon fed the kept events, later
// kernel changes and the ledger replay respect it, and the refusals (role, index) are problems, not 500s.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { auditExport, type LedgerEntry, ReplayError, replayLedger } from '../../functions/ledger/index.ts'
import type { KernelInput } from '../../schemas/kernel.ts'
import { ADMIN, call, commit, createHolon, state, text, WRITE } from '../support/http.ts'

// flag: every event commits, so torsion can rise and be rolled back
const flagged: KernelInput = {
  id: 'quality',
  aggregates: {
    good: { fold: 'sum', expr: 'event.good' },
    n: { fold: 'count' },
    last: { fold: 'last', expr: 'event.good' },
  },
  invariants: { Quality: { score: 'agg.n == 0 ? 1.0 : agg.good / agg.n', threshold: 0.8 } },
  gate: { on_torsion: 'flag', admit_improving: false },
}
const doubled: KernelInput = {
  ...flagged,
  aggregates: { ...flagged.aggregates, good: { fold: 'sum', expr: 'event.good * 2.0' } },
  invariants: { Quality: { score: 'agg.n == 0 ? 1.0 : agg.good / (2.0 * agg.n)', threshold: 0.8 } },
}
const ev = (id: string, good: number) => ({ id, good })

const entriesOf = (jsonl: string) =>
  jsonl
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => JSON.parse(l) as LedgerEntry)

async function aggregatesOf(id: string): Promise<Record<string, unknown>> {
  return runInDurableObject(env.HOLON.getByName(id), (_, ctx) =>
    Object.fromEntries(
      ctx.storage.sql
        .exec<{ name: string; state: string }>('SELECT name, state FROM aggregates ORDER BY name')
        .toArray()
        .map((r) => [r.name, JSON.parse(r.state)]),
    ),
  )
}

/** A fresh holon fed exactly `events`, one commit each. */
async function fresh(kernel: KernelInput, events: { id: string; good: number }[]) {
  const id = await createHolon(kernel)
  for (const e of events) expect((await commit(id, { event: e })).status).toBe(201)
  return id
}

const rollback = (id: string, body: unknown, token = ADMIN) =>
  call('POST', `/v1/holons/${id}/rollback`, body, token)
const sizeOf = async (id: string) => (await call('GET', `/v1/holons/${id}`)).body.ledger.size as number

async function expectSameState(id: string, reference: string) {
  const [a, b] = [(await state(id)).body, (await state(reference)).body]
  expect(a.state_vector).toEqual(b.state_vector)
  expect(a.torsion).toBe(b.torsion)
  expect(a.last_event_id).toBe(b.last_event_id)
  expect(await aggregatesOf(id)).toEqual(await aggregatesOf(reference))
}

describe('rollback', () => {
  it('returns the aggregates to their state at an index; a fresh holon fed the kept events agrees', async () => {
    const events = [ev('a', 1), ev('b', 1), ev('c', 1), ev('d', 0), ev('e', 0), ev('f', 0)]
    const id = await fresh(flagged, events)
    const before = (await state(id)).body
    expect(before.torsion).toBeGreaterThan(0)
    const toIndex = 3 // entries: 0 created, 1..6 the events: keep a, b, c
    const r = await rollback(id, { to_index: toIndex, reason: 'bad batch from sensor 7' })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ to_index: 3, compensated: [[4, 6]], events: 3, ledger_index: 7 })
    expect(r.body.aggregates).toEqual({ good: 3, n: 3, last: 1 })
    expect(r.body.torsion).toBe(0)
    const kept = await fresh(flagged, events.slice(0, 3))
    await expectSameState(id, kept)
    expect((await state(id)).body.last_event_id).toBe('c')

    // the entry, in the ledger: what it compensated, why, and the resulting aggregates
    const page = (await call('GET', `/v1/holons/${id}/ledger?cursor=7&limit=1`)).body
    expect(page.entries[0].entry).toMatchObject({
      kind: 'holon.rolled_back',
      data: { to_index: 3, reason: 'bad batch from sensor 7', compensated: [[4, 6]], events: 3 },
    })
    // history is not rewritten: all six events are still listed
    expect((await call('GET', `/v1/holons/${id}/events`)).body.events).toHaveLength(6)

    // later commits gate from the kept state, and the gate's last event is the last kept one
    expect((await commit(id, { event: ev('g', 1) })).status).toBe(201)
    expect((await commit(kept, { event: ev('g', 1) })).status).toBe(201)
    await expectSameState(id, kept)
  })

  it('a later kernel change does not resurrect compensated events; replay of the export matches', async () => {
    const events = [ev('a', 1), ev('b', 0), ev('c', 0), ev('d', 1)]
    const id = await fresh(flagged, events)
    expect((await rollback(id, { to_index: 1, reason: 'r1' })).body.compensated).toEqual([[2, 4]])
    expect((await commit(id, { events: [ev('e', 1), ev('f', 0)] })).status).toBe(201)
    // a second rollback to an earlier index skips the already-compensated seqs: non-contiguous ranges
    const second = await rollback(id, { to_index: 0, reason: 'r2' })
    expect(second.body.compensated).toEqual([
      [1, 1],
      [5, 6],
    ])
    expect(second.body.aggregates).toEqual({ good: 0, n: 0, last: null })
    expect((await commit(id, { events: [ev('g', 1), ev('h', 0)] })).status).toBe(201)
    const install = await call('PUT', `/v1/holons/${id}/kernel`, { kernel: doubled }, ADMIN)
    expect(install.status).toBe(200)
    const reference = await fresh(doubled, [ev('g', 1), ev('h', 0)])
    await expectSameState(id, reference)
    expect(await aggregatesOf(id)).toMatchObject({ good: { n: 2, v: 2 } })

    const jsonl = (await text(`/v1/holons/${id}/ledger/export`)).body
    // the offline verifier's audit accepts the rollback entries (chain, Merkle root, signature)
    const vkey = (await call('GET', `/v1/holons/${id}`)).body.ledger.verifier_key as string
    expect(auditExport(jsonl, vkey)).toMatchObject({ valid: true })
    const exported = entriesOf(jsonl)
    const replayed = replayLedger(exported)
    const s = (await state(id)).body
    expect(replayed.current.state_vector).toEqual(s.state_vector)
    expect(replayed.current.torsion).toBe(s.torsion)
    expect(replayed.events).toBe(2)
    expect(
      Object.fromEntries(replayed.kernel.aggregates.map((a, i) => [a.name, replayed.states[i]])),
    ).toEqual(await aggregatesOf(id))

    // a rollback entry whose aggregates do not match the replayed fold is refused
    const forged = exported.map((e) =>
      e.kind === 'holon.rolled_back' && e.data.to_index === 1
        ? {
            ...e,
            data: { ...e.data, aggregates: { ...(e.data.aggregates as object), n: { n: 9, v: 9, c: 0 } } },
          }
        : e,
    )
    expect(() => replayLedger(forged)).toThrow(ReplayError)
  })

  it('a rollback during a pending kernel rebuild restarts it, so the new kernel folds only kept events', async () => {
    const events = Array.from({ length: 120 }, (_, i) => ev(`e${i}`, i % 3 === 0 ? 0 : 1))
    const id = await createHolon(flagged)
    for (let i = 0; i < events.length; i += 40)
      expect((await commit(id, { events: events.slice(i, i + 40) })).status).toBe(201)
    const install = await call('PUT', `/v1/holons/${id}/kernel`, { kernel: doubled }, ADMIN)
    expect(install.status).toBe(202) // chunk of 50: still rebuilding
    // the first rebuild chunk already folded seqs 1..50; keep only 1..30
    const r = await rollback(id, { to_index: 30, reason: 'mid-rebuild' })
    expect(r.body.events).toBe(90)
    // drive the rebuild to its end on the alarm
    await runInDurableObject(env.HOLON.getByName(id), async (o) => {
      for (let i = 0; i < 10; i++) await o.alarm()
    })
    expect((await call('GET', `/v1/holons/${id}`)).body.kernel_version).toBe(2)
    const reference = await createHolon(doubled)
    expect((await commit(reference, { events: events.slice(0, 30) })).status).toBe(201)
    await expectSameState(id, reference)
  })

  it('to the current index compensates nothing and writes nothing', async () => {
    const id = await fresh(flagged, [ev('a', 1), ev('b', 0)])
    const size = await sizeOf(id)
    const r = await rollback(id, { to_index: size - 1, reason: 'noop' })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ events: 0, compensated: [], ledger_index: null })
    expect(r.body.message).toMatch(/nothing compensated/)
    expect(await sizeOf(id)).toBe(size)
  })

  it('refuses a write credential (403), a bad index (400), an unknown holon (404)', async () => {
    const id = await fresh(flagged, [ev('a', 1)])
    const size = await sizeOf(id)
    expect((await rollback(id, { to_index: 0, reason: 'x' }, WRITE)).status).toBe(403)
    const beyond = await rollback(id, { to_index: size, reason: 'x' })
    expect(beyond.status).toBe(400)
    expect(beyond.type).toContain('application/problem+json')
    expect((await rollback(id, { to_index: -1, reason: 'x' })).status).toBe(400)
    expect((await rollback(id, { to_index: 0 })).status).toBe(400)
    expect((await rollback('no-such-holon-rb', { to_index: 0, reason: 'x' })).status).toBe(404)
    expect(await sizeOf(id)).toBe(size)
  })
})
