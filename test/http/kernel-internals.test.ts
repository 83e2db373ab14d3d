// A holon's kernel and events through the worker: object-internal names are refused, members read exactly.
import { describe, expect, it } from 'vitest'
import type { KernelInput } from '../../schemas/kernel.ts'
import { ADMIN, call, commit, createHolon, freshId, WRITE } from '../support/http.ts'

const kernel: KernelInput = {
  id: 'members',
  aggregates: { ctor_sum: { fold: 'sum', expr: 'event.constructor' } },
  invariants: {
    Ctor_Positive: { score: 'event.constructor > 0.0 ? 1.0 : 0.0', threshold: 1 },
    Sum_Bound: { score: 'agg.ctor_sum <= 10.0 ? 1.0 : 0.0', threshold: 1 },
  },
}

describe('event members named constructor in a holon', () => {
  it('are folded and scored exactly: admitted when they pass, rejected when they fail', async () => {
    const id = await createHolon(kernel)
    const ok = await commit(id, { event: { id: 'a', constructor: 4 } })
    expect(ok.status).toBe(201)
    expect(ok.body.results?.[0] ?? ok.body).toMatchObject({ errors: [], verdict: 'admit' })
    const bad = await commit(id, { event: { id: 'b', constructor: -1 } })
    expect(bad.status).toBe(409)
    const over = await commit(id, { event: { id: 'c', constructor: 7 } })
    expect(over.status).toBe(409)
    expect(JSON.stringify(over.body)).toContain('Sum_Bound')
  })
})

describe('kernels with object-internal names', () => {
  it.each(['__proto__', 'constructor'])(
    'PUT of a holon whose invariant is named %s is a 400',
    async (name) => {
      const body = `{"kernel":{"id":"k","invariants":{"${name}":{"score":"event.ok ? 1.0 : 0.0","threshold":1}}}}`
      const r = await call('PUT', `/v1/holons/${freshId()}`, body, ADMIN)
      expect(r.status).toBe(400)
      // `__proto__` is refused by the edge's JSON guard, other internals by the kernel schema.
      expect(JSON.stringify(r.body)).toContain(
        name === '__proto__' ? `/kernel/invariants/${name}` : 'object internals',
      )
    },
  )

  it('PUT of a kernel whose aggregate is named __proto__ is a 400', async () => {
    const id = await createHolon(kernel)
    const body = `{"kernel":{"id":"k","aggregates":{"__proto__":{"fold":"count"}},"invariants":{"I":{"score":"1.0","threshold":0}}}}`
    const r = await call('PUT', `/v1/holons/${id}/kernel`, body, ADMIN)
    expect(r.status).toBe(400)
    expect(r.body.type).toMatch(/unsafe_json$/)
    expect(JSON.stringify(r.body)).toContain('/kernel/aggregates/__proto__')
  })
})

describe('event members named __proto__', () => {
  it.each([
    ['at the top level', '{"id":"p","__proto__":{"constructor":-1}}'],
    ['nested', '{"id":"p","m":{"__proto__":1}}'],
  ])('are refused with a 400 %s, and nothing is stored (zod dropped them silently)', async (_, event) => {
    const id = await createHolon(kernel)
    const r = await call('POST', `/v1/holons/${id}/events`, `{"event":${event}}`, WRITE)
    expect(r.status).toBe(400)
    expect(r.body.type).toMatch(/unsafe_json$/)
    const t = await call(
      'POST',
      '/v1/torsion',
      `{"kernel":{"id":"k","invariants":{"I":{"score":"1.0","threshold":0}}},"event":${event}}`,
    )
    expect(t.status).toBe(400)
    expect(JSON.stringify(t.body)).toContain("a member named '__proto__'")
    // Nothing was stored under the id: a different event with the same id is a fresh commit, not a conflict.
    expect((await commit(id, { event: { id: 'p', constructor: 1 } })).status).toBe(201)
  })
})
