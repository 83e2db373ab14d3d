// Property-based garbage at the geometric endpoints: always a 4xx problem or a 200, never a 500.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { call, WRITE } from '../support/http.ts'

const anyJson = fc.oneof(fc.jsonValue(), fc.string(), fc.constant('{"topology":'))
const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))
const coord = fc.oneof(fc.double({ min: -1.5, max: 1.5, noNaN: true }), fc.constant(0.999999999999))

describe('fuzz: geometric endpoints', () => {
  it('garbage bodies are 4xx problems', async () => {
    const targets = [
      ['POST', '/v1/route'],
      ['POST', '/v1/embed'],
      ['POST', '/v1/consensus'],
      ['POST', '/v1/spawn'],
      ['POST', '/v1/migrate'],
      ['POST', '/v1/terminate'],
      ['PUT', '/v1/topologies/fuzz'],
      ['PATCH', '/v1/topologies/fuzz'],
    ] as const
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), anyJson, async ([method, path], body) => {
        const r = await call(method, path, text(body), WRITE)
        expect(r.status).toBeGreaterThanOrEqual(400)
        expect(r.status).toBeLessThan(500)
        expect(r.type).toBe('application/problem+json')
      }),
      { numRuns: 150 },
    )
  })

  it('structurally valid requests with arbitrary coordinates and ids: 200 or a named 400', async () => {
    const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e')
    const node = fc.record({ id: ids, coords: fc.array(coord, { minLength: 2, maxLength: 3 }) })
    const body = fc.record({
      topology: fc.record({
        nodes: fc.array(node, { minLength: 1, maxLength: 6 }),
        edges: fc.option(fc.array(fc.tuple(ids, ids), { maxLength: 8 }), { nil: undefined }),
      }),
      source: ids,
      target: fc.oneof(
        fc.record({ node: ids }),
        fc.record({ point: fc.array(coord, { minLength: 2, maxLength: 2 }) }),
      ),
      algorithm: fc.constantFrom('greedy_forwarding', 'multipath_hyperbolic', 'gradient_flow'),
    })
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('/v1/route', '/v1/embed', '/v1/terminate'), async (b, path) => {
        const req =
          path === '/v1/route'
            ? b
            : path === '/v1/embed'
              ? { topology: b.topology }
              : { topology: b.topology, node: b.source }
        const r = await call('POST', path, req)
        if (r.status === 200) return
        expect(r.status).toBe(400)
        expect(r.body.type).toMatch(
          /^\/problems\/(validation_failed|invalid_point|unknown_node|duplicate_node|disconnected|source_required)$/,
        )
      }),
      { numRuns: 300 },
    )
  })
})
