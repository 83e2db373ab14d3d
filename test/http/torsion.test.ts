// POST /v1/torsion: the stateless gate, and how every kind of bad input is answered.
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { call } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'

const history = [
  { id: '1', contributed: 100, returned: 97, trace_id: 'a' },
  { id: '2', contributed: 100, returned: 95, trace_id: 'b' },
]

describe('POST /v1/torsion', () => {
  it('returns the contract fields for an admissible event', async () => {
    const r = await call('POST', '/v1/torsion', {
      kernel: contractKernel,
      history,
      event: { id: '3', contributed: 50, returned: 49, trace_id: 'c' },
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      dimensions: ['Non_Spoliation', 'Traceability'],
      state_vector: [241 / 250, 1],
      torsion: 0,
      violations: [],
      errors: [],
      admissible: true,
      verdict: 'admit',
    })
  })

  it("scores the state after the event, with the issue's formula", async () => {
    const r = await call('POST', '/v1/torsion', {
      kernel: contractKernel,
      history,
      event: { id: '3', contributed: 100, returned: 50 },
    })
    const spoliation = 242 / 300
    const traced = 2 / 3
    expect(r.body.torsion).toBeCloseTo((0.94 - spoliation) ** 2 + 2 * (1 - traced) ** 2, 12)
    expect(r.body.violations.map((v: { invariant: string }) => v.invariant)).toEqual([
      'Non_Spoliation',
      'Traceability',
    ])
    expect(r.body).toMatchObject({ admissible: false, verdict: 'reject' })
  })

  it('works with no history', async () => {
    const r = await call('POST', '/v1/torsion', {
      kernel: contractKernel,
      event: { id: 'x', contributed: 0, returned: 0 },
    })
    expect(r.body).toMatchObject({ state_vector: [1, 0], admissible: false })
  })
})

describe('bad input is a precise 4xx problem, never a 500', () => {
  const post = (body: string, type = 'application/json') =>
    exports.default.fetch('https://omega.test/v1/torsion', {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    })

  it('malformed JSON', async () => {
    const res = await post('{"kernel": ')
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(await res.json()).toMatchObject({ type: '/problems/malformed_json', status: 400 })
  })

  it('a body that is not JSON', async () => {
    const res = await post('kernel=1', 'application/x-www-form-urlencoded')
    expect(res.status).toBe(415)
  })

  it('an oversized body', async () => {
    const res = await post(JSON.stringify({ pad: 'x'.repeat(1_100_000) }))
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ type: '/problems/payload_too_large', limit: 1048576 })
  })

  it('schema violations carry JSON pointers', async () => {
    const kernel = { ...contractKernel, invariants: { A: { score: 'x', threshold: 1.5 } } }
    const r = await call('POST', '/v1/torsion', { kernel, event: { id: 1 } })
    expect(r.status).toBe(400)
    expect(r.body.type).toBe('/problems/validation_failed')
    const pointers = r.body.errors.map((e: { pointer: string }) => e.pointer)
    expect(pointers).toContain('/kernel/invariants/A/threshold')
    expect(pointers).toContain('/event/id')
  })

  it('numbers JSON cannot carry (1e400 parses to Infinity)', async () => {
    const res = await post(
      `{"kernel": ${JSON.stringify(contractKernel)}, "event": {"id": "x", "contributed": 1e400}}`,
    )
    expect(res.status).toBe(400)
    expect(((await res.json()) as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe(
      '/event/contributed',
    )
  })

  it('deeply nested events', async () => {
    let deep: unknown = 1
    for (let i = 0; i < 100; i++) deep = { d: deep }
    const r = await call('POST', '/v1/torsion', { kernel: contractKernel, event: { id: 'x', deep } })
    expect(r.status).toBe(400)
    expect(r.body.errors[0].message).toMatch(/nesting/)
  })

  it('unknown routes and unknown problem types', async () => {
    expect((await call('GET', '/v1/nothing')).body.type).toBe('/problems/not_found')
    expect((await call('GET', '/problems/inadmissible')).body).toMatchObject({ status: 409 })
  })
})
