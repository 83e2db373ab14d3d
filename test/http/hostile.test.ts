// Hostile bodies on every route with a body, enumerated from /openapi.json: a precise 4xx problem, never a 5xx.
import { describe, expect, it } from 'vitest'
import { ADMIN, call, send } from '../support/http.ts'

type Doc = { paths: Record<string, Record<string, { requestBody?: unknown }>> }

const doc = async () => (await call<Doc>('GET', '/openapi.json')).body
/** Path parameters filled with a syntactically valid value: the guards answer before any object is reached. */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'hostile-x')

async function bodyRoutes(): Promise<{ method: string; path: string }[]> {
  const d = await doc()
  return Object.entries(d.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, op]) => op.requestBody !== undefined)
      .map(([method]) => ({ method: method.toUpperCase(), path: concrete(path) })),
  )
}

const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`
const JSON_TYPE = 'application/json'

/** [case, content type, body, status, problem type, pointer of the first error (if any)] */
const CASES: [string, string | undefined, string | Uint8Array, number, string, string?][] = [
  ['no content type', undefined, '{}', 415, 'unsupported_media_type'],
  ['text/plain', 'text/plain', '{}', 415, 'unsupported_media_type'],
  ['form', 'application/x-www-form-urlencoded', 'a=1', 415, 'unsupported_media_type'],
  ['a structured +json suffix', 'application/merge-patch+json', '{}', 415, 'unsupported_media_type'],
  ['a longer subtype', 'application/jsonx', '{}', 415, 'unsupported_media_type'],
  ['a non-UTF-8 charset', 'application/json; charset=latin1', '{}', 415, 'unsupported_media_type'],
  ['a parameter without a value', 'application/json; charset', '{}', 415, 'unsupported_media_type'],
  ['an unterminated quote', 'application/json; x="y', '{}', 415, 'unsupported_media_type'],
  [
    'a repeated parameter',
    'application/json; charset=utf-8; charset=utf-8',
    '{}',
    415,
    'unsupported_media_type',
  ],
  ['no subtype', 'application/', '{}', 415, 'unsupported_media_type'],
  // Accepted media types: the body is then parsed, and this one is malformed.
  ['empty parameters (;;;; x=y), accepted', 'application/json;;;; x=y', '{', 400, 'malformed_json'],
  ['quoted, mixed-case charset, accepted', 'Application/JSON; Charset="UTF-8"', '{', 400, 'malformed_json'],
  ['space before the semicolon, accepted', 'application/json ; charset=utf-8', '{', 400, 'malformed_json'],
  ['malformed JSON', JSON_TYPE, '{"a":', 400, 'malformed_json'],
  ['an empty body', JSON_TYPE, '', 400, 'malformed_json'],
  ['whitespace only', JSON_TYPE, ' \n\t', 400, 'malformed_json'],
  [
    'invalid UTF-8',
    JSON_TYPE,
    new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    400,
    'malformed_json',
  ],
  ['NaN', JSON_TYPE, '{"x":NaN}', 400, 'malformed_json'],
  ['Infinity', JSON_TYPE, '{"x":-Infinity}', 400, 'malformed_json'],
  ['single quotes', JSON_TYPE, "{'x':1}", 400, 'malformed_json'],
  ['a trailing comma', JSON_TYPE, '{"x":1,}', 400, 'malformed_json'],
  ['a number that overflows to Infinity', JSON_TYPE, '{"x":[1e400]}', 400, 'unsafe_json', '/x/0'],
  ['a lone high surrogate', JSON_TYPE, '{"x":"ls\\ud800"}', 400, 'unsafe_json', '/x'],
  ['a lone low surrogate in a name', JSON_TYPE, '{"a":{"\\udc00":1}}', 400, 'unsafe_json', '/a/\udc00'],
  ['a __proto__ member', JSON_TYPE, '{"__proto__":{"x":1}}', 400, 'unsafe_json', '/__proto__'],
  ['a nested __proto__ member', JSON_TYPE, '{"a":[{"__proto__":1}]}', 400, 'unsafe_json', '/a/0/__proto__'],
  ['nesting of 65 levels', JSON_TYPE, nest(65), 400, 'unsafe_json'],
  ['nesting of 100,000 levels', JSON_TYPE, nest(100_000), 400, 'unsafe_json'],
  [
    'a body over the limit',
    JSON_TYPE,
    JSON.stringify({ pad: 'x'.repeat(1_100_000) }),
    413,
    'payload_too_large',
  ],
]

describe('hostile bodies on every route with a body', () => {
  it('the OpenAPI document lists the routes with a body, and each documents the body problems', async () => {
    const routes = await bodyRoutes()
    // 21 when the issue was filed; new routes join the table below automatically.
    expect(routes.length).toBeGreaterThanOrEqual(21)
    const d = await doc()
    for (const [path, item] of Object.entries(d.paths))
      for (const [method, op] of Object.entries(
        item as Record<string, { requestBody?: unknown; responses: Record<string, { description: string }> }>,
      )) {
        if (!op.requestBody) continue
        for (const code of ['malformed_json', 'unsafe_json', 'payload_too_large', 'unsupported_media_type'])
          expect(
            Object.values(op.responses)
              .map((r) => r.description)
              .join('; '),
            `${method} ${path}`,
          ).toContain(code)
      }
  })

  it.each(CASES)(
    '%s: the documented 4xx problem on every route',
    async (_, type, body, status, problem, at) => {
      const routes = await bodyRoutes()
      for (const { method, path } of routes) {
        const r = await send(method, path, { type, body, token: ADMIN })
        const where = `${method} ${path}`
        expect(r.status, where).toBe(status)
        expect(r.type, where).toBe('application/problem+json')
        expect((r.body as { type: string }).type, where).toBe(`/problems/${problem}`)
        if (at !== undefined)
          expect((r.body as { errors: { pointer: string }[] }).errors[0]?.pointer, where).toBe(at)
      }
    },
  )

  it('a method a path does not have: 405 with the Allow header, on every path', async () => {
    const d = await doc()
    let checked = 0
    for (const [template, item] of Object.entries(d.paths)) {
      const declared = Object.keys(item).map((m) => m.toUpperCase())
      const path = concrete(template)
      for (const method of ['PUT', 'POST', 'PATCH', 'DELETE'].filter((m) => !declared.includes(m))) {
        const r = await send(method, path, { type: JSON_TYPE, body: '{}', token: ADMIN })
        expect(r.status, `${method} ${path}`).toBe(405)
        expect((r.body as { type: string }).type).toBe('/problems/method_not_allowed')
        const allow = (r.headers.get('allow') ?? '').split(', ')
        for (const m of declared) expect(allow, `${method} ${path}`).toContain(m)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(20)
  })

  it('a path no route has is still 404', async () => {
    const r = await send('POST', '/v1/nothing-here', { type: JSON_TYPE, body: '{}' })
    expect(r.status).toBe(404)
    expect((r.body as { type: string }).type).toBe('/problems/not_found')
  })
})
