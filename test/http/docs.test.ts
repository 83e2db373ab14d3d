// The reference: every operation with a body has request examples that its own schema accepts (and the worker
// answers), every path parameter an example; /docs, /docs/plain; a page with explanation and example per problem.
import type { z } from '@hono/zod-openapi'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../functions/http/app.ts'
import { EXAMPLES } from '../../functions/http/examples.ts'
import { PROBLEMS } from '../../functions/http/problems.ts'
import { ADMIN, call, freshId, text } from '../support/http.ts'

type Media = { examples?: Record<string, { summary: string; value: unknown }> }
type Op = {
  parameters?: { name: string; in: string; example?: unknown }[]
  requestBody?: { content: Record<string, Media> }
}
type Doc = { paths: Record<string, Record<string, Op>> }

const doc = async () => (await call<Doc>('GET', '/openapi.json')).body
const ops = (d: Doc) =>
  Object.entries(d.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ key: `${method} ${path}`, path, method, op })),
  )

/** Each route's own zod body schema, from the app's registry (the source the document is generated from). */
function bodySchemas(): Map<string, z.ZodType> {
  const out = new Map<string, z.ZodType>()
  for (const d of createApp().openAPIRegistry.definitions) {
    if (d.type !== 'route') continue
    const media = d.route.request?.body?.content?.['application/json'] as { schema?: unknown } | undefined
    const schema = media?.schema
    if (schema) out.set(`${d.route.method} ${d.route.path}`, schema as z.ZodType)
  }
  return out
}

describe('request examples', () => {
  it('every operation with a body has at least one example, and every path parameter an example', async () => {
    const d = await doc()
    const withBody = ops(d).filter((o) => o.op.requestBody)
    expect(withBody.length).toBeGreaterThan(30)
    for (const { key, op } of withBody) {
      const examples = op.requestBody?.content['application/json']?.examples ?? {}
      expect(Object.keys(examples).length, `${key} has no request example`).toBeGreaterThan(0)
      for (const e of Object.values(examples)) expect(e.summary.length, key).toBeGreaterThan(5)
    }
    for (const { key, op } of ops(d))
      for (const p of (op.parameters ?? []).filter((q) => q.in === 'path'))
        expect(p.example, `${key}: {${p.name}}`).toBeTypeOf('string')
  })

  it("each example, as served in /openapi.json, validates against its operation's own request schema", async () => {
    const schemas = bodySchemas()
    let checked = 0
    for (const { key, op } of ops(await doc())) {
      const examples = op.requestBody?.content['application/json']?.examples
      if (!examples) continue
      const schema = schemas.get(key)
      expect(schema, key).toBeDefined()
      for (const [name, e] of Object.entries(examples)) {
        const r = (schema as z.ZodType).safeParse(e.value)
        expect(r.success, `${key} ${name}: ${JSON.stringify(r.error?.issues)}`).toBe(true)
        checked++
      }
    }
    expect(checked).toBeGreaterThanOrEqual(Object.keys(schemas).length)
  })

  it("the signed federation examples pass the registry's strict schemas too", () => {
    const strict = Object.entries(EXAMPLES).flatMap(([key, list]) => list.map((e) => ({ key, e })))
    const signed = strict.filter(({ e }) => e.strict)
    expect(signed.map(({ key }) => key).sort()).toEqual([
      'post /v1/federation/alerts',
      'post /v1/federation/cosignatures',
      'post /v1/federation/flags',
      'post /v1/federation/inbox',
    ])
    for (const { key, e } of signed) {
      const r = e.strict?.safeParse(e.value)
      expect(r?.success, `${key}: ${JSON.stringify(r?.error?.issues)}`).toBe(true)
    }
  })

  it('a schema-valid but wrong example would be caught: the check is not vacuous', () => {
    const schema = bodySchemas().get('post /v1/holons/{id}/events') as z.ZodType
    expect(schema.safeParse({ event: { amount: 1 } }).success).toBe(false)
    expect(schema.safeParse(EXAMPLES['post /v1/holons/{id}/events']?.[0]?.value).success).toBe(true)
  })

  it('the stateless operations answer their examples with 200', async () => {
    const stateless = [
      '/v1/torsion',
      '/v1/embed',
      '/v1/consensus',
      '/v1/spawn',
      '/v1/migrate',
      '/v1/terminate',
      '/v1/forecast',
      '/v1/mpc',
      '/v1/mdp',
      '/v1/pareto',
      '/v1/verify',
    ]
    for (const path of stateless)
      for (const e of EXAMPLES[`post ${path}`] ?? []) {
        const r = await call('POST', path, e.value)
        expect(r.status, `${path} (${e.summary}): ${JSON.stringify(r.body)}`).toBe(200)
      }
    const route = EXAMPLES['post /v1/route']?.[0]
    expect((await call('POST', '/v1/route', route?.value)).status).toBe(200)
  })

  it('the holon examples work in sequence: create, dry run, commit, and the refused one is refused', async () => {
    const id = freshId('docs')
    const [create] = EXAMPLES['put /v1/holons/{id}'] ?? []
    expect((await call('PUT', `/v1/holons/${id}`, create?.value, ADMIN)).status).toBe(201)
    const [refused, batch] = EXAMPLES['post /v1/holons/{id}/evaluate'] ?? []
    const dry = await call('POST', `/v1/holons/${id}/evaluate`, refused?.value)
    expect(dry.body.results[0].verdict).toBe('reject')
    expect((await call('POST', `/v1/holons/${id}/evaluate`, batch?.value)).body.admitted).toBe(true)
    const [one, many, override] = EXAMPLES['post /v1/holons/{id}/events'] ?? []
    expect((await call('POST', `/v1/holons/${id}/events`, one?.value, ADMIN)).status).toBe(201)
    // ce-0001 again (same content: a duplicate) and ce-0002 (new)
    const second = await call('POST', `/v1/holons/${id}/events`, many?.value, ADMIN)
    expect([second.status, second.body.committed, second.body.duplicates]).toEqual([201, 1, 1])
    const forced = await call('POST', `/v1/holons/${id}/events`, override?.value, ADMIN)
    expect([forced.status, forced.body.results[0].verdict]).toEqual([201, 'admit_override'])
  })

  it("the signed artifact example is accepted by a deployment's inbox (its signature verifies)", async () => {
    const [e] = EXAMPLES['post /v1/federation/inbox'] ?? []
    const r = await call('POST', '/v1/federation/inbox', e?.value, 'test-bridge-token')
    expect(r.status).toBe(200)
    expect(['accepted', 'duplicate']).toContain(r.body.results[0].outcome)
  })
})

describe('/docs and /docs/plain', () => {
  it('/docs is the interactive reference (Scalar) reading /openapi.json', async () => {
    const r = await text('/docs')
    expect(r.status).toBe(200)
    expect(r.type).toMatch(/^text\/html/)
    expect(r.body).toContain('createApiReference')
    expect(r.body).toMatch(/"url":\s*"\/openapi\.json"/)
  })

  it('/docs/plain lists every operation with its examples, without scripts', async () => {
    const r = await text('/docs/plain')
    expect(r.status).toBe(200)
    expect(r.body).not.toContain('<script')
    for (const { path } of ops(await doc())) expect(r.body).toContain(`<code>${path}</code>`)
    expect(r.body).toContain('Example: one traced, fair exchange')
  })
})

describe('problem-type pages', () => {
  const codes = Object.keys(PROBLEMS) as (keyof typeof PROBLEMS)[]

  it('every problem type has a page with an explanation, a remedy and an example of its own type', async () => {
    for (const code of codes) {
      const r = await call('GET', `/problems/${code}`)
      expect(r.status, code).toBe(200)
      const [status, title] = PROBLEMS[code]
      expect(r.body).toMatchObject({ type: `/problems/${code}`, status, title })
      expect(r.body.explanation.length, code).toBeGreaterThan(60)
      expect(r.body.explanation, code).not.toBe(title)
      expect(r.body.remedy.length, code).toBeGreaterThan(10)
      expect(r.body.example, code).toMatchObject({ type: `/problems/${code}`, status, title })
      expect(r.body.example.detail.length, code).toBeGreaterThan(5)
      expect(r.body.example.instance, code).toMatch(/^\//)
    }
  })

  it('a browser gets the page as HTML', async () => {
    const res = await fetchWith('/problems/inadmissible', 'text/html,application/xhtml+xml')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const page = await res.text()
    expect(page).toContain('What it means')
    expect(page).toContain('&quot;type&quot;: &quot;/problems/inadmissible&quot;')
  })

  it('the examples carry the members the API really answers with', async () => {
    const id = freshId('docs-problems')
    const [create] = EXAMPLES['put /v1/holons/{id}'] ?? []
    await call('PUT', `/v1/holons/${id}`, create?.value, ADMIN)
    const spoliation = { id: 'ce-try-spoliation', contributed: 500, returned: 50, trace_id: 't' }
    const real = {
      inadmissible: await call('POST', `/v1/holons/${id}/events`, { event: spoliation }, ADMIN),
      holon_exists: await call(
        'PUT',
        `/v1/holons/${id}`,
        { kernel: { id: 'x', invariants: { A: { score: '1.0', threshold: 1 } } } },
        ADMIN,
      ),
      holon_not_found: await call('GET', `/v1/holons/${freshId('none')}/state`),
      validation_failed: await call('POST', `/v1/holons/${id}/events`, { event: {} }, ADMIN),
    }
    for (const [code, r] of Object.entries(real)) {
      expect(r.body.type, code).toBe(`/problems/${code}`)
      const example = (await call('GET', `/problems/${code}`)).body.example
      expect(Object.keys(example).sort(), code).toEqual(Object.keys(r.body).sort())
    }
  })

  it('unknown codes, including names of object internals, are a 404 problem (was a 500 for /problems/toString)', async () => {
    for (const code of ['nope', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const r = await call('GET', `/problems/${code}`)
      expect(r.status, code).toBe(404)
      expect(r.body.type, code).toBe('/problems/not_found')
    }
  })
})

async function fetchWith(path: string, accept: string): Promise<Response> {
  const { exports } = await import('cloudflare:workers')
  return exports.default.fetch(`https://omega.test${path}`, { headers: { accept } })
}
