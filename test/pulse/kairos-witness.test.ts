// The four witnessing layers in the ledger: micro per commit call, meso per beat, macro per collapse change,
// meta digests recomputed from the ledger; layers off write nothing; intervals and verification levels hold.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../functions/canonical/index.ts'
import { sha3_256 } from '../../functions/merkle/index.ts'
import type { KernelInput } from '../../schemas/kernel.ts'
import { ADMIN, call, commit, freshId } from '../support/http.ts'

const kernel: KernelInput = {
  id: 'kairos-witness',
  invariants: { Clean: { score: 'has(event.bad) ? 0.0 : 1.0', threshold: 0.5 } },
  gate: { on_torsion: 'reject', admit_improving: false },
}
const HOUR = 3_600_000
const stub = (id: string) => env.HOLON.getByName(id)
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
const unhex = (h: string) =>
  Uint8Array.from({ length: h.length / 2 }, (_, i) => Number.parseInt(h.slice(2 * i, 2 * i + 2), 16))

async function started(witnessing: Record<string, unknown> = {}, verification?: unknown, kairos = {}) {
  const id = freshId('kw')
  const r = await call(
    'PUT',
    `/v1/holons/${id}`,
    { kernel, ...(verification ? { verification } : {}) },
    ADMIN,
  )
  expect(r.status).toBe(201)
  const p = await call(
    'PUT',
    `/v1/holons/${id}/pulse`,
    { running: true, config: { period_ms: HOUR, witnessing, kairos } },
    ADMIN,
  )
  expect(p.status).toBe(200)
  return id
}

async function beat(id: string) {
  await runInDurableObject(stub(id), (_, s) => {
    s.storage.sql.exec('UPDATE pulse SET next_at = 0')
  })
  expect(await runDurableObjectAlarm(stub(id))).toBe(true)
}

const ledger = async (id: string) =>
  (await call('GET', `/v1/holons/${id}/ledger?limit=1000`)).body.entries as {
    index: number
    entry: { kind: string; at: string; data: any }
    entry_hash: string
  }[]
const kinds = async (id: string, prefix = 'witness.') =>
  (await ledger(id)).map((e) => e.entry.kind).filter((k) => k.startsWith(prefix))

describe('micro: a witness.micro per commit call while the pulse runs', () => {
  it('records the reading before and after, the coherence change and the seqs', async () => {
    // 1 ms steps: every commit call lands on a step of its own, so the readings move
    const id = await started({}, undefined, { tau_scale_ms: 1, omega: 0 })
    const batches = [3, 1, 2, 1, 4]
    for (const [b, size] of batches.entries()) {
      const events = Array.from({ length: size }, (_, i) => ({
        id: `e${b}-${i}`,
        ...(i % 2 ? { bad: true } : {}),
      }))
      expect((await commit(id, { events, override: { reason: 'mix' } }, ADMIN)).status).toBe(201)
    }
    const micro = (await ledger(id)).filter((e) => e.entry.kind === 'witness.micro').map((e) => e.entry.data)
    expect(micro).toHaveLength(batches.length)
    let seq = 1
    micro.forEach((m, i) => {
      expect([m.first_seq, m.last_seq]).toEqual([seq, seq + (batches[i] as number) - 1])
      seq += batches[i] as number
      expect(m.coherence_change).toBeCloseTo(m.output.sync.abs - m.input.sync.abs, 15)
      expect(m.output.arg).toBeCloseTo(Math.atan2(m.output.sync.im, m.output.sync.re), 15)
      // the phase before a commit call is the one after the previous call (no beat in between)
      if (i > 0) expect(m.input).toEqual(micro[i - 1].output)
    })
    expect(micro[0].input.sync).toEqual({ re: 0, im: 0, abs: 0 })
    // the reading after the last call is the pulse document's
    const doc = (await call('GET', `/v1/holons/${id}/pulse`)).body
    expect(doc.kairos.sync).toEqual(micro.at(-1).output.sync)
    expect(doc.kairos.delta_phase).toBe(micro.at(-1).output.delta_phase)
  })

  it('none without a running pulse, or with the layer off; micro_interval_ms spaces them', async () => {
    const stopped = freshId('kw')
    await call('PUT', `/v1/holons/${stopped}`, { kernel }, ADMIN)
    await commit(stopped, { event: { id: 'a' } })
    expect(await kinds(stopped)).toEqual([])

    const off = await started({ layers: ['meso', 'macro', 'meta'] })
    await commit(off, { event: { id: 'a' } })
    await commit(off, { event: { id: 'b' } })
    expect(await kinds(off)).toEqual([])

    const spaced = await started({ micro_interval_ms: HOUR })
    for (const e of ['a', 'b', 'c']) expect((await commit(spaced, { event: { id: e } })).status).toBe(201)
    expect(await kinds(spaced)).toEqual(['witness.micro'])
    const every = await started({ micro_interval_ms: 0 })
    for (const e of ['a', 'b', 'c']) await commit(every, { event: { id: e } })
    expect(await kinds(every)).toEqual(['witness.micro', 'witness.micro', 'witness.micro'])
  })

  it('a receipt is still one per event (the witness entry gets none) and minimal answers are unchanged', async () => {
    const id = await started()
    const r = await commit(id, { events: [{ id: 'a' }, { id: 'b' }] })
    expect(r.body.results.map((x: any) => x.receipt.entry.kind)).toEqual([
      'event.committed',
      'event.committed',
    ])
    expect(await kinds(id)).toEqual(['witness.micro'])
  })
})

describe('meso and macro', () => {
  it('meso_interval_ms spaces witness.state entries; layers off write none', async () => {
    const spaced = await started({ meso_interval_ms: HOUR })
    for (let i = 0; i < 3; i++) await beat(spaced)
    expect(await kinds(spaced)).toEqual(['witness.state'])
    const off = await started({ layers: ['micro'] })
    for (let i = 0; i < 3; i++) await beat(off)
    expect(await kinds(off)).toEqual([])
    expect((await kinds(off, 'pulse.beat')).length).toBe(3)
  })

  it('macro: witness.collapse when the collapse flag changes, with coherence_threshold; off: none', async () => {
    // I_c 0: every reading collapses, so the first beat switches the flag on
    for (const layers of [['macro'], ['micro', 'meso', 'meta']]) {
      const id = await started({ layers }, undefined, { coherence_threshold: 0 })
      await beat(id)
      await beat(id)
      const collapse = (await ledger(id)).filter((e) => e.entry.kind === 'witness.collapse')
      if (layers.includes('macro')) {
        expect(collapse.map((e) => e.entry.data)).toMatchObject([
          { beat: 1, collapse: true, coherence_threshold: 0 },
        ])
      } else expect(collapse).toEqual([])
    }
  })
})

describe('meta: the witness record witnessed', () => {
  it('each witness.meta digests the witness entries since the last one; a recomputation from the ledger agrees', async () => {
    const id = await started({ meta_interval_ms: 0 })
    for (let i = 0; i < 4; i++) {
      await commit(id, { event: { id: `e${i}` } })
      await beat(id)
    }
    const all = await ledger(id)
    const witness = all.filter((e) => e.entry.kind.startsWith('witness.'))
    const metas = witness.filter((e) => e.entry.kind === 'witness.meta')
    expect(metas.length).toBeGreaterThanOrEqual(4)
    let previous = -1
    for (const m of metas) {
      const d = m.entry.data
      expect(d.previous_to_index).toBe(previous)
      // every witness entry after the previous meta's range and before this meta's transaction, in order
      const covered = witness.filter((e) => e.index > previous && e.index <= d.to_index)
      expect(covered.length).toBe(d.count)
      expect(covered[0]?.index).toBe(d.from_index)
      expect(covered.some((e) => e.entry.kind !== 'witness.meta')).toBe(true)
      // entry hashes as the ledger defines them (SHA3-256 of the canonical entry), then the digest
      for (const e of covered)
        expect(hex(sha3_256(new TextEncoder().encode(canonicalJson(e.entry))))).toBe(e.entry_hash)
      const bytes = new Uint8Array(32 * covered.length)
      covered.forEach((e, i) => {
        bytes.set(unhex(e.entry_hash), 32 * i)
      })
      expect(d.digest).toBe(hex(sha3_256(bytes)))
      // metas chain: from the second on, each covers the one before it
      if (previous >= 0) expect(covered.some((e) => e.entry.kind === 'witness.meta')).toBe(true)
      expect(m.index).toBeGreaterThan(d.to_index)
      previous = d.to_index
    }
    // nothing witnessed was left out: every witness entry before the last meta is covered by some meta
    const last = metas.at(-1) as (typeof metas)[number]
    expect(witness.filter((e) => e.index <= last.entry.data.to_index).length).toBe(
      metas.reduce((s, m) => s + m.entry.data.count, 0),
    )
  })

  it('meta_interval_ms spaces them; the layer off writes none; verification none writes no witness at all', async () => {
    const hourly = await started({ meta_interval_ms: HOUR })
    for (let i = 0; i < 3; i++) {
      await commit(hourly, { event: { id: `e${i}` } })
      await beat(hourly)
    }
    expect(await kinds(hourly)).not.toContain('witness.meta')
    expect((await kinds(hourly)).length).toBe(6)

    const off = await started({ meta_interval_ms: 0, layers: ['micro', 'meso', 'macro'] })
    for (let i = 0; i < 3; i++) {
      await commit(off, { event: { id: `e${i}` } })
      await beat(off)
    }
    expect(await kinds(off)).not.toContain('witness.meta')

    const none = await started({ meta_interval_ms: 0 }, { level: 'none', sample_rate: 1 })
    for (let i = 0; i < 3; i++) {
      await commit(none, { event: { id: `e${i}` } })
      await beat(none)
    }
    expect(await kinds(none)).toEqual([])
    expect((await call('GET', `/v1/holons/${none}/witness`)).body.entries).toEqual([])
  })

  it('the witness page lists the four layers', async () => {
    const id = await started({ meta_interval_ms: 0 }, undefined, { coherence_threshold: 0 })
    await commit(id, { event: { id: 'a' } })
    await beat(id)
    await commit(id, { event: { id: 'b' } })
    const page = (await call('GET', `/v1/holons/${id}/witness`)).body.entries.map((e: any) => e.kind)
    expect(new Set(page)).toEqual(
      new Set(['witness.micro', 'witness.state', 'witness.collapse', 'witness.meta']),
    )
  })
})
