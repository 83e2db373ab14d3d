// The holon lifecycle over HTTP: create, gate, commit, override, idempotency, history and state.
import { describe, expect, it } from 'vitest'
import { ADMIN, call, commit, createHolon, freshId, state, WRITE } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'

const fair = (id: string, extra: object = {}) => ({
  id,
  contributed: 100,
  returned: 98,
  trace_id: `t-${id}`,
  ...extra,
})

describe('holon creation', () => {
  it('needs the admin token, and is idempotent for the same kernel', async () => {
    const id = freshId()
    expect((await call('PUT', `/v1/holons/${id}`, { kernel: contractKernel })).status).toBe(401)
    expect((await call('PUT', `/v1/holons/${id}`, { kernel: contractKernel }, WRITE)).status).toBe(403)
    expect((await call('PUT', `/v1/holons/${id}`, { kernel: contractKernel }, 'wrong')).status).toBe(401)
    const created = await call('PUT', `/v1/holons/${id}`, { kernel: contractKernel }, ADMIN)
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      id,
      kernel_version: 1,
      events: 0,
      kernel: { id: 'circular-economy' },
    })
    expect((await call('PUT', `/v1/holons/${id}`, { kernel: contractKernel }, ADMIN)).status).toBe(200)
    const other = { ...contractKernel, gate: { on_torsion: 'flag' } }
    const clash = await call('PUT', `/v1/holons/${id}`, { kernel: other }, ADMIN)
    expect(clash).toMatchObject({
      status: 409,
      type: 'application/problem+json',
      body: { type: '/problems/holon_exists' },
    })
  })

  it('reports kernel compile errors with a pointer, line and column', async () => {
    const bad = { ...contractKernel, invariants: { X: { score: 'agg.returned /\n  / 2', threshold: 0.5 } } }
    const r = await call('PUT', `/v1/holons/${freshId()}`, { kernel: bad }, ADMIN)
    expect(r.status).toBe(400)
    expect(r.body.type).toBe('/problems/kernel_invalid')
    expect(r.body.errors[0]).toMatchObject({ pointer: '/kernel/invariants/X/score', line: 2, column: 3 })
  })

  it('answers 404 for unknown holons on every read', async () => {
    const id = freshId('nobody')
    for (const path of ['', '/state', '/events']) {
      const r = await call('GET', `/v1/holons/${id}${path}`)
      expect(r).toMatchObject({ status: 404, body: { type: '/problems/holon_not_found' } })
    }
    expect((await commit(id, { event: fair('a') })).status).toBe(404)
  })
})

describe('commits', () => {
  it('commits admissible events and returns a receipt', async () => {
    const id = await createHolon(contractKernel)
    const r = await commit(id, { event: fair('e1') })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ holon: id, committed: 1, duplicates: 0 })
    expect(r.body.results[0]).toMatchObject({
      event_id: 'e1',
      seq: 1,
      verdict: 'admit',
      torsion: 0,
      duplicate: false,
    })
    const s = await state(id)
    expect(s.body).toMatchObject({
      holon: id,
      events: 1,
      last_event_id: 'e1',
      torsion: 0,
      state_vector: [0.98, 1],
    })
    expect(Date.parse(s.body.timestamp)).not.toBeNaN()
  })

  it('answers 409 with violations and torsion for an inadmissible event, and commits nothing', async () => {
    const id = await createHolon(contractKernel)
    await commit(id, { event: fair('e1') })
    const before = await state(id)
    const r = await commit(id, { event: { id: 'bad', contributed: 100, returned: 10, trace_id: 't' } })
    expect(r.status).toBe(409)
    expect(r.type).toBe('application/problem+json')
    expect(r.body).toMatchObject({
      type: '/problems/inadmissible',
      event_id: 'bad',
      index: 0,
      verdict: 'reject',
    })
    expect(r.body.torsion).toBeCloseTo((0.94 - 108 / 200) ** 2, 12)
    expect(r.body.violations[0].invariant).toBe('Non_Spoliation')
    const after = await state(id)
    expect({ ...after.body, timestamp: 0 }).toEqual({ ...before.body, timestamp: 0 })
    expect((await call('GET', `/v1/holons/${id}`)).body).toMatchObject({ events: 1, rejections: 1 })
  })

  it('a batch is all-or-nothing', async () => {
    const id = await createHolon(contractKernel)
    const r = await commit(id, {
      events: [fair('a'), fair('b'), { id: 'c', contributed: 1, returned: 1 }, fair('d')],
    })
    expect(r.status).toBe(409)
    expect(r.body).toMatchObject({ index: 2, event_id: 'c' })
    expect((await state(id)).body.events).toBe(0)
    const ok = await commit(id, { events: [fair('a'), fair('b'), fair('d')] })
    expect(ok.body.results.map((x: { seq: number }) => x.seq)).toEqual([1, 2, 3])
  })

  it('an override needs the admin token and a reason, commits, and is recorded', async () => {
    const id = await createHolon(contractKernel)
    const bad = { id: 'forced', contributed: 100, returned: 10, trace_id: 't' }
    const asWriter = await commit(id, { event: bad, override: { reason: 'court order 17' } })
    expect(asWriter.status).toBe(403)
    const noReason = await commit(id, { event: bad, override: { reason: '  ' } }, ADMIN)
    expect(noReason.status).toBe(400)
    const r = await commit(
      id,
      { event: bad, override: { reason: 'court order 17', actor: 'judge@city' } },
      ADMIN,
    )
    expect(r.status).toBe(201)
    expect(r.body.results[0]).toMatchObject({ verdict: 'admit_override', seq: 1 })
    const h = await call('GET', `/v1/holons/${id}/events`)
    expect(h.body.events[0]).toMatchObject({
      verdict: 'admit_override',
      override: { reason: 'court order 17', actor: 'judge@city' },
    })
    expect((await call('GET', `/v1/holons/${id}`)).body.overrides).toBe(1)
  })

  it('a retried event id returns the original result and never commits twice', async () => {
    const id = await createHolon(contractKernel)
    const first = await commit(id, { event: fair('once') })
    const again = await commit(id, { event: fair('once') })
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ committed: 0, duplicates: 1 })
    expect(again.body.results[0]).toEqual({ ...first.body.results[0], duplicate: true })
    // Key order does not matter: the content is compared canonically.
    const reordered = Object.fromEntries(Object.entries(fair('once')).reverse())
    expect((await commit(id, { event: reordered })).body.duplicates).toBe(1)
    const mixed = await commit(id, { events: [fair('once'), fair('twice')] })
    expect(mixed.body).toMatchObject({ committed: 1, duplicates: 1 })
    expect((await state(id)).body.events).toBe(2)
  })

  it('a reused event id with different content is a conflict', async () => {
    const id = await createHolon(contractKernel)
    await commit(id, { event: fair('k') })
    const r = await commit(id, { event: fair('k', { returned: 99 }) })
    expect(r).toMatchObject({ status: 409, body: { type: '/problems/idempotency_conflict', event_id: 'k' } })
  })

  it('evaluate is a dry run', async () => {
    const id = await createHolon(contractKernel)
    const r = await call('POST', `/v1/holons/${id}/evaluate`, {
      events: [fair('a'), { id: 'b', contributed: 1, returned: 0 }],
    })
    expect(r.status).toBe(200)
    expect(r.body.admitted).toBe(false)
    expect(r.body.results.map((x: { verdict: string }) => x.verdict)).toEqual(['admit', 'reject'])
    expect((await state(id)).body.events).toBe(0)
    expect((await call('GET', `/v1/holons/${id}`)).body.rejections).toBe(0)
  })
})

describe('history', () => {
  it('pages with a cursor, oldest first', async () => {
    const id = await createHolon(contractKernel)
    await commit(id, { events: Array.from({ length: 7 }, (_, i) => fair(`e${i}`)) })
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const q: string = cursor ? `?limit=3&cursor=${cursor}` : '?limit=3'
      const page: { body: { events: { event: { id: string } }[]; next_cursor: string | null } } = await call(
        'GET',
        `/v1/holons/${id}/events${q}`,
      )
      seen.push(...page.body.events.map((e) => e.event.id))
      cursor = page.body.next_cursor
    } while (cursor)
    expect(seen).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6'])
    const bad = await call('GET', `/v1/holons/${id}/events?cursor=abc`)
    expect(bad).toMatchObject({ status: 400, body: { errors: [{ parameter: 'cursor' }] } })
  })
})
