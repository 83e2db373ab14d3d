// Property-based garbage at the endpoints and the kernel compiler: never a 500, never a half-written state.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ADMIN, call, commit, createHolon, send, state, WRITE } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'

const snapshot = async (id: string) => {
  const s = (await state(id)).body
  const info = (await call('GET', `/v1/holons/${id}`)).body
  return {
    vector: s.state_vector,
    torsion: s.torsion,
    events: s.events,
    last: s.last_event_id,
    kernel: info.kernel_version,
  }
}

const anyJson = fc.oneof(
  fc.jsonValue(),
  fc.string(),
  fc.constant(''),
  fc.constant('{"a":'),
  fc.constant('[1,2'),
)
const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))

describe('fuzz', () => {
  it('garbage bodies on every write endpoint are 4xx and change nothing', async () => {
    const id = await createHolon(contractKernel)
    await commit(id, { event: { id: 'seed', contributed: 10, returned: 10, trace_id: 't' } })
    const before = await snapshot(id)
    const targets = [
      ['POST', `/v1/holons/${id}/events`],
      ['POST', `/v1/holons/${id}/evaluate`],
      ['PUT', `/v1/holons/${id}/kernel`],
      ['PUT', `/v1/holons/${id}`],
      ['POST', '/v1/torsion'],
      ['POST', '/v1/verify'],
    ] as const
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), anyJson, async ([method, path], body) => {
        const r = await call(method, path, text(body), ADMIN)
        expect(r.status).toBeGreaterThanOrEqual(400)
        expect(r.status).toBeLessThan(500)
        expect(r.type).toBe('application/problem+json')
      }),
      { numRuns: 200 },
    )
    expect(await snapshot(id)).toEqual(before)
  })

  it('arbitrary UTF-16 (lone surrogates included) and odd content types: 2xx or a 4xx problem, never 5xx', async () => {
    const id = await createHolon(contractKernel)
    const headerChar = fc.constantFrom(...' \t;=",/\\abcjson-+utf8XY')
    const type = fc.oneof(
      fc.constant('application/json'),
      fc.string({ unit: headerChar, maxLength: 12 }).map((tail) => `application/json${tail}`),
    )
    const seen = { ok: 0, refused: 0 }
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
        fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }),
        type,
        async (eventId, value, contentType) => {
          const body = JSON.stringify({
            event: { id: eventId, contributed: 1, returned: 1, trace_id: 't', value },
          })
          const r = await send('POST', `/v1/holons/${id}/evaluate`, { type: contentType, body, token: WRITE })
          expect(r.status).toBeLessThan(500)
          if (r.status >= 400) {
            expect(r.type).toBe('application/problem+json')
            seen.refused++
          } else seen.ok++
        },
      ),
      { numRuns: 200 },
    )
    expect(seen.ok).toBeGreaterThan(0)
    expect(seen.refused).toBeGreaterThan(0)
  })

  it('structurally valid events with arbitrary values either commit whole or leave the state as it was', async () => {
    const id = await createHolon(contractKernel)
    const value = fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 100 }), weight: 6 },
      fc.double(),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.jsonValue(),
    )
    const seen = { committed: 0, refused: 0 }
    const event = fc.record(
      { id: fc.string({ minLength: 1, maxLength: 8 }), contributed: value, returned: value, trace_id: value },
      { requiredKeys: ['id'] },
    )
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 4 }), async (events) => {
        const before = await snapshot(id)
        const r = await commit(id, { events })
        expect([200, 201, 400, 409]).toContain(r.status)
        const after = await snapshot(id)
        if (r.status === 201 || r.status === 200) {
          expect(after.events).toBe(before.events + r.body.committed)
          seen.committed += r.body.committed
        } else {
          expect(after).toEqual(before)
          seen.refused++
        }
      }),
      { numRuns: 150 },
    )
    // Both outcomes were exercised, so the property says something about each.
    expect(seen.committed).toBeGreaterThan(0)
    expect(seen.refused).toBeGreaterThan(0)
  })

  it('arbitrary kernel expressions compile or answer 400, never 500', async () => {
    const pieces = [
      'agg.contributed',
      'agg.events',
      'event.x',
      '1',
      '0.5',
      '(',
      ')',
      '+',
      '/',
      '?',
      ':',
      '==',
      'min(',
      ',',
      '"s"',
      'has(',
      '[',
      ']',
      '!',
      '&&',
      'size(',
    ]
    const expr = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join(' ')),
    )
    await fc.assert(
      fc.asyncProperty(expr, expr, async (score, where) => {
        const kernel = {
          id: 'fz',
          aggregates: { ...contractKernel.aggregates, f: { fold: 'count', where } },
          invariants: { A: { score, threshold: 0.5 } },
        }
        const r = await call('POST', '/v1/torsion', {
          kernel,
          event: { id: 'e', x: 2, contributed: 1, returned: 1 },
        })
        expect([200, 400]).toContain(r.status)
        if (r.status === 400)
          expect(['/problems/kernel_invalid', '/problems/validation_failed']).toContain(r.body.type)
      }),
      { numRuns: 300 },
    )
  })
})
