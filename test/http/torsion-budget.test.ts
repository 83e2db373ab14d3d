// POST /v1/torsion under attack: every costly kernel or event is a fast 4xx naming the budget, never a hang.
import { describe, expect, it } from 'vitest'
import { EXPRESSION_STEPS, MAX_EVENT_LIST } from '../../functions/kernel/index.ts'
import { call } from '../support/http.ts'

const list = (n: number) => Array.from({ length: n }, (_, i) => i)
const kernel = (invariants: Record<string, { score: string; threshold: number }>) => ({
  id: 'attack',
  invariants,
})
const many = (n: number, score: string) =>
  kernel(Object.fromEntries(list(n).map((i) => [`I${i}`, { score, threshold: 0 }])))

/** The reply and how long it took, in ms of wall time. */
async function timedPost(body: unknown) {
  const t0 = Date.now()
  const r = await call('POST', '/v1/torsion', body)
  return { ...r, ms: Date.now() - t0 }
}

describe('denial of service through kernel expressions', () => {
  it('256 nested maps over a 1,000-element list: 400 kernel_invalid (it ran the runtime out of heap)', async () => {
    const score = 'size(event.xs.map(x, event.xs.map(y, x + y))) > 0 ? 1.0 : 0.0'
    const r = await timedPost({ kernel: many(256, score), event: { id: 'e', xs: list(1000) } })
    expect(r.status).toBe(400)
    expect(r.type).toBe('application/problem+json')
    expect(r.body.type).toMatch(/kernel_invalid$/)
    expect(r.body.errors).toHaveLength(256)
    expect(r.body.errors[0]).toMatchObject({ pointer: '/kernel/invariants/I0/score' })
    expect(r.body.errors[0].message).toMatch(/worst-case cost .* ms/)
    expect(r.ms).toBeLessThan(5000)
  })

  it('a nested map over a 10,000-element list: 400 (the list is over the event bound), at once', async () => {
    const score = 'size(event.xs.map(x, event.xs.map(y, x + y))) > 0 ? 1.0 : 0.0'
    const r = await timedPost({
      kernel: kernel({ I: { score, threshold: 0 } }),
      event: { id: 'e', xs: list(10_000) },
    })
    expect(r.status).toBe(400)
    expect(r.body.type).toMatch(/validation_failed$/)
    expect(JSON.stringify(r.body)).toContain(`at most ${MAX_EVENT_LIST} elements`)
    expect(r.ms).toBeLessThan(5000)
  })

  it('invariants that pass the static bound but exhaust the request: 422 budget_exceeded in ms of CPU', async () => {
    const r = await timedPost({
      kernel: many(256, 'event.xs.map(x, x * 2.0 + 1.0).size() > 0 ? 1.0 : 0.0'),
      event: { id: 'e', xs: list(MAX_EVENT_LIST) },
    })
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({ budget: 'expression_steps', limit: EXPRESSION_STEPS, unit: 'steps' })
    expect(r.body.type).toMatch(/budget_exceeded$/)
    expect(r.body.cpu_ms).toBeGreaterThan(0)
    expect(r.ms).toBeLessThan(5000)
  })

  it('the history and the event share one budget', async () => {
    const busy = 'x >= 0.0 && x < 1e9 && x != 7.5 && x + 1.0 > 0.0 && x * 2.0 >= 0.0'
    const k = {
      id: 'h',
      aggregates: { big: { fold: 'sum', expr: `double(event.xs.filter(x, ${busy}).size())` } },
      invariants: { I: { score: '1.0', threshold: 0 } },
    }
    const xs = list(MAX_EVENT_LIST).map((i) => i % 10) // small digits keep the body under the size limit
    const history = list(100).map((i) => ({ id: `h${i}`, xs }))
    const r = await timedPost({ kernel: k, history, event: { id: 'e', xs: [] } })
    expect(r.status).toBe(422)
    expect(r.body.budget).toBe('expression_steps')
    // One event's worth alone is fine.
    const ok = await call('POST', '/v1/torsion', {
      kernel: k,
      history: history.slice(0, 1),
      event: { id: 'e', xs: [] },
    })
    expect(ok.status).toBe(200)
  })

  it('regex backtracking: "^(a+)+$" on 31 characters answers at once (it took 5 to 18 s)', async () => {
    const r = await timedPost({
      kernel: kernel({ I: { score: 'event.s.matches("^(a+)+$") ? 1.0 : 0.0', threshold: 1 } }),
      event: { id: 'e', s: `${'a'.repeat(30)}!` },
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ state_vector: [0], errors: [], verdict: 'reject' })
    expect(r.ms).toBeLessThan(2000)
  })

  it('string doubling with cel.bind: 422 budget_exceeded naming the size budget', async () => {
    let score = 'size(v20) > 0 ? 1.0 : 0.0'
    for (let i = 20; i >= 1; i--) score = `cel.bind(v${i}, v${i - 1} + v${i - 1}, ${score})`
    score = `cel.bind(v0, "${'x'.repeat(1000)}", ${score})`
    const r = await timedPost({ kernel: kernel({ I: { score, threshold: 0 } }), event: { id: 'e' } })
    expect(r.status).toBe(422)
    expect(r.body.budget).toBe('expression_size')
    expect(r.body.unit).toBe('bytes')
    expect(r.ms).toBeLessThan(3000)
  })
})

/**
 * `__proto__` anywhere in a body is refused by the edge's JSON guard (it would change meaning when copied), with
 * a pointer to the member; other object-internal names reach the kernel schema, which refuses them by name.
 */
function expectRefusedName(body: Record<string, unknown>, name: string, at: string): void {
  if (name === '__proto__') {
    expect(body.type).toMatch(/unsafe_json$/)
    expect((body.errors as { pointer: string }[])[0]?.pointer).toBe(at)
  } else {
    expect(body.type).toMatch(/validation_failed$/)
    expect(JSON.stringify(body)).toContain('object internals')
  }
}

describe('object internals as names and members', () => {
  it.each(['__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty'])(
    'an invariant named %s is refused with a 400, never dropped',
    async (name) => {
      const body = `{"kernel":{"id":"k","invariants":{"${name}":{"score":"event.ok ? 1.0 : 0.0","threshold":1},"other":{"score":"1.0","threshold":0}}},"event":{"id":"e","ok":false}}`
      const r = await call('POST', '/v1/torsion', body)
      expect(r.status).toBe(400)
      expectRefusedName(r.body, name, `/kernel/invariants/${name}`)
    },
  )

  it.each(['__proto__', 'constructor', 'valueOf'])(
    'an aggregate named %s is refused with a 400',
    async (name) => {
      const body = `{"kernel":{"id":"k","aggregates":{"${name}":{"fold":"count"}},"invariants":{"I":{"score":"1.0","threshold":0}}},"event":{"id":"e"}}`
      const r = await call('POST', '/v1/torsion', body)
      expect(r.status).toBe(400)
      expectRefusedName(r.body, name, `/kernel/aggregates/${name}`)
    },
  )

  it('an event member named constructor is read exactly (it made every invariant fail)', async () => {
    const r = await call('POST', '/v1/torsion', {
      kernel: kernel({
        C: { score: 'event.constructor == 1.0 ? 1.0 : 0.0', threshold: 1 },
        N: { score: 'event.amount / 10.0', threshold: 0.5 },
        Nested: { score: 'event.m.constructor == "x" && event.m.toString == 2.0 ? 1.0 : 0.0', threshold: 1 },
      }),
      event: { id: 'e', constructor: 1, amount: 7, m: { constructor: 'x', toString: 2 } },
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      state_vector: [1, 0.7, 1],
      errors: [],
      admissible: true,
      verdict: 'admit',
    })
  })
})

describe('work an anonymous caller brings', () => {
  it('a kernel whose expressions exceed the source budget is refused before it is compiled', async () => {
    // 17 invariants of ~4,000 characters: over 65,536 characters of expressions, well under the body limit.
    const long = `${Array.from({ length: 1000 }, () => '1.0').join(' * ')}`
    const invariants = Object.fromEntries(
      Array.from({ length: 17 }, (_, i) => [`I${i}`, { score: long.slice(0, 3999), threshold: 0 }]),
    )
    const r = await call('POST', '/v1/torsion', { kernel: { id: 'big', invariants }, event: { id: 'e' } })
    expect(r.status).toBe(422)
    expect(r.body.budget).toBe('kernel_source')
    expect(r.body.limit).toBe(65_536)
  })

  it('folds without expressions are metered: 256 count aggregates over a long history', async () => {
    const aggregates = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [`c${i}`, { fold: 'count' }]))
    const history = Array.from({ length: 5000 }, (_, i) => ({ id: `h${i}` }))
    const r = await call('POST', '/v1/torsion', {
      kernel: { id: 'counts', aggregates, invariants: { I: { score: '1.0', threshold: 0 } } },
      history,
      event: { id: 'e' },
    })
    expect(r.status).toBe(422)
    expect(r.body.budget).toBe('expression_steps')
  })
})
