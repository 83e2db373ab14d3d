// The stress tester's shells: POST /v1/lab/stress (stateless) and the holon's job on its alarm (start, progress,
// replace, cancel), bad intents as 400s naming the intent, findings replayable as dry runs.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { KernelInput } from '../../schemas/kernel.ts'
import { ADMIN, call, commit, createHolon, freshId, WRITE } from '../support/http.ts'
import { PLANTED, type PlantedCase } from './stress-kernels.ts'

const templates = import.meta.glob('../../bootstrap/holons/*.json', { eager: true, import: 'default' })
const planted = (name: string) => PLANTED.find((c) => c.name === name) as PlantedCase
const mean = planted('mean-vs-max')
const sound = planted('no-hole-mirror')

describe('POST /v1/lab/stress', () => {
  it('finds the planted hole, shrunk, and the finding replays on a holon as a dry run', async () => {
    const { kernel, intents, fields } = mean.input
    const r = await call('POST', '/v1/lab/stress', { kernel, intents, fields, seed: 1, budget_ms: 2000 })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ done: true, seed: 1, budget_ms: 2000 })
    expect(r.body.cursor).toBeUndefined()
    const f = r.body.findings[0]
    expect(f).toMatchObject({ kind: 'intent', intent: 'big_item' })
    expect(f.events.map((e: { x: number }) => e.x)).toEqual([0, 0, 0, 0, 0, 51])
    // the dry run on a fresh holon with this kernel admits the whole sequence
    const id = await createHolon(kernel as KernelInput)
    const dry = await call('POST', `/v1/holons/${id}/evaluate`, { events: f.events })
    expect(dry.status).toBe(200)
    expect(dry.body.admitted).toBe(true)
    expect(dry.body.results.map((x: { torsion: number }) => x.torsion)).toEqual(
      f.results.map((x: { torsion: number }) => x.torsion),
    )
  })

  it('answers done: false with no findings when the budget is spent on a sound kernel (not a 422)', async () => {
    const r = await call('POST', '/v1/lab/stress', { ...sound.input, budget_ms: 100 })
    expect(r.status).toBe(200)
    expect(r.body.findings).toEqual([])
    expect(r.body.done).toBe(false)
    expect(r.body.tried).toBeGreaterThan(0)
  })

  it('refuses a bad intent with 400 naming it at /intents/<i>/never', async () => {
    const intents = [...mean.input.intents, { name: 'broken', never: 'agg.max_x >' }]
    const r = await call('POST', '/v1/lab/stress', { ...mean.input, intents })
    expect(r.status).toBe(400)
    expect(r.body.type).toContain('validation_failed')
    expect(r.body.errors[0]).toMatchObject({ pointer: '/intents/1/never', intent: 'broken' })
    const unknown = await call('POST', '/v1/lab/stress', {
      ...mean.input,
      intents: [{ name: 'u', never: 'agg.nope > 1' }],
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body.errors[0].message).toContain("unknown aggregate 'nope'")
  })

  it("the README example: brussels-tax's refunds exceed 10% of the tax within 5 events, admitted", async () => {
    const kernel = (templates['../../bootstrap/holons/brussels-tax.json'] as { kernel: unknown }).kernel
    const r = await call('POST', '/v1/lab/stress', {
      kernel,
      intents: [{ name: 'refund_spree', never: 'win.refunds > 0.1 * win.tax_total', window: 5 }],
      fields: {
        kind: { kind: 'enum', values: ['assessment', 'refund'] },
        income_eur: { kind: 'number', min: 1, max: 100000, integer: true },
        tax_eur: { kind: 'number', min: 0, max: 40000, integer: true },
        amount_eur: { kind: 'number', min: 0, max: 5000, integer: true },
        legal_basis: { kind: 'const', value: 'Ord. 2024/17 art. 3' },
      },
      seed: 1,
      budget_ms: 1000,
    })
    expect(r.status).toBe(200)
    const f = r.body.findings.find((x: { intent?: string }) => x.intent === 'refund_spree')
    expect(f?.kind).toBe('intent')
    expect(f?.events.length).toBeGreaterThan(1)
  })

  it('refuses bad domains, budgets and kernels with 400s, never a 500', async () => {
    const bad = [
      { ...mean.input, fields: { x: { kind: 'number', min: 5, max: 1 } } },
      { ...mean.input, fields: { id: { kind: 'const', value: 'x' } } },
      { ...mean.input, budget_ms: 5001 },
      { ...mean.input, max_length: 501 },
      { ...mean.input, start: { aggregates: { nope: { n: 1, v: 1, c: 0 } } } },
      {
        ...mean.input,
        kernel: { ...mean.input.kernel, invariants: { A: { score: 'agg.zzz', threshold: 1 } } },
      },
    ]
    for (const body of bad)
      expect((await call('POST', '/v1/lab/stress', body)).status, JSON.stringify(body)).toBe(400)
  })
})

const stub = (id: string) => env.HOLON.getByName(id)
const job = async (id: string) => (await call('GET', `/v1/holons/${id}/lab/stress`)).body

describe('the holon job (POST /v1/holons/{id}/lab/stress)', () => {
  it('searches from the holon state on its alarm, chunk by chunk, and reports progress', async () => {
    const id = await createHolon(sound.input.kernel as KernelInput)
    // the state the job starts from: a balance of 30
    expect((await commit(id, { event: { id: 'e1', delta: 30 } })).status).toBe(201)
    const entries = async () => (await call('GET', `/v1/holons/${id}/ledger?limit=100`)).body.entries
    const ledger0 = await entries()
    const r = await call(
      'POST',
      `/v1/holons/${id}/lab/stress`,
      { intents: [{ name: 'rich', never: 'agg.balance > 250' }], fields: sound.input.fields, budget_ms: 500 },
      WRITE,
    )
    expect(r.status).toBe(202)
    expect(r.body).toMatchObject({ status: 'running', chunks: 0, tried: 0, kernel_id: 'no-hole-mirror' })
    let j = r.body
    for (let i = 0; i < 20 && j.status === 'running'; i++) {
      expect(await runDurableObjectAlarm(stub(id))).toBe(true)
      j = await job(id)
    }
    expect(j.status).toBe('done')
    expect(j.tried).toBeGreaterThan(0)
    const f = j.findings.find((x: { intent: string }) => x.intent === 'rich')
    // from the holon's state, the sequence continues its history: the dry run on the holon admits it
    const dry = await call('POST', `/v1/holons/${id}/evaluate`, { events: f.events })
    expect(dry.body.admitted).toBe(true)
    // it starts from the balance of 30: the shrunk deltas alone do not reach 250
    const sum = f.events.reduce((s: number, e: { delta: number }) => s + e.delta, 0)
    expect(30 + sum).toBeGreaterThan(250)
    expect(sum).toBeLessThanOrEqual(250)
    // nothing of the holon changed: one event, and not a ledger entry more
    expect((await call('GET', `/v1/holons/${id}`)).body.events).toBe(1)
    expect(await entries()).toEqual(ledger0)
  })

  it('runs a long search in several chunks until its budget is spent, then stops the alarm', async () => {
    const id = await createHolon(sound.input.kernel as KernelInput)
    const body = { intents: sound.input.intents, fields: sound.input.fields, budget_ms: 700 }
    expect((await call('POST', `/v1/holons/${id}/lab/stress`, body, WRITE)).status).toBe(202)
    let j = await job(id)
    for (let i = 0; i < 30 && j.status === 'running'; i++) {
      await runDurableObjectAlarm(stub(id))
      j = await job(id)
    }
    expect(j.status).toBe('spent')
    expect(j.chunks).toBeGreaterThanOrEqual(3)
    expect(j.findings).toEqual([])
    // the job no longer holds the alarm (no pulse runs on this holon)
    expect(await runDurableObjectAlarm(stub(id))).toBe(false)
  })

  it('one job per holon: a new POST replaces a running one and says so; DELETE cancels', async () => {
    const id = await createHolon(sound.input.kernel as KernelInput)
    const body = { intents: sound.input.intents, fields: sound.input.fields, budget_ms: 5000 }
    expect((await call('POST', `/v1/holons/${id}/lab/stress`, body, WRITE)).body.replaced).toBeUndefined()
    await runDurableObjectAlarm(stub(id))
    const again = await call('POST', `/v1/holons/${id}/lab/stress`, { ...body, seed: 9 }, WRITE)
    expect(again.body).toMatchObject({ replaced: true, status: 'running', chunks: 0, seed: 9 })
    const del = await call('DELETE', `/v1/holons/${id}/lab/stress`, undefined, WRITE)
    expect(del.status).toBe(200)
    expect(del.body.status).toBe('cancelled')
    expect(await runDurableObjectAlarm(stub(id))).toBe(false)
    expect((await job(id)).status).toBe('cancelled')
  })

  it('a beat due during a job waits at most one chunk', async () => {
    const id = await createHolon(sound.input.kernel as KernelInput)
    expect(
      (
        await call(
          'PUT',
          `/v1/holons/${id}/pulse`,
          { running: true, config: { period_ms: 3_600_000 } },
          ADMIN,
        )
      ).status,
    ).toBe(200)
    const body = { intents: sound.input.intents, fields: sound.input.fields, budget_ms: 5000 }
    expect((await call('POST', `/v1/holons/${id}/lab/stress`, body, WRITE)).status).toBe(202)
    await runDurableObjectAlarm(stub(id))
    const beat0 = (await call('GET', `/v1/holons/${id}/pulse`)).body.beat
    // the beat falls due: the next alarm beats first, then runs one chunk
    await runInDurableObject(stub(id), (_, s) => {
      s.storage.sql.exec('UPDATE pulse SET next_at = 0')
    })
    const chunks0 = (await job(id)).chunks
    await runDurableObjectAlarm(stub(id))
    expect((await call('GET', `/v1/holons/${id}/pulse`)).body.beat).toBe(beat0 + 1)
    expect((await job(id)).chunks).toBe(chunks0 + 1)
  })

  it('refuses bad intents against the holon kernel (400), read-only credentials (403) and unknown holons (404)', async () => {
    const id = await createHolon(mean.input.kernel as KernelInput)
    const bad = await call(
      'POST',
      `/v1/holons/${id}/lab/stress`,
      { intents: [{ name: 'b', never: 'agg.unknown > 1' }], fields: mean.input.fields },
      WRITE,
    )
    expect(bad.status).toBe(400)
    expect(bad.body.errors[0]).toMatchObject({ pointer: '/intents/0/never', intent: 'b' })
    expect(
      (
        await call('POST', `/v1/holons/${id}/lab/stress`, {
          intents: mean.input.intents,
          fields: mean.input.fields,
        })
      ).status,
    ).toBe(401)
    expect((await call('GET', `/v1/holons/${id}/lab/stress`)).status).toBe(404)
    expect((await call('GET', `/v1/holons/${freshId('none')}/lab/stress`)).status).toBe(404)
  })
})
