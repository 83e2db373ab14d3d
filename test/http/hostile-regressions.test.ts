// The issue's reproducers for bad bodies: lone surrogates, __proto__, odd content types, and the guards' parts.
import { env } from 'cloudflare:workers'
import { createRoute, z } from '@hono/zod-openapi'
import { HTTPException } from 'hono/http-exception'
import { describe, expect, it, vi } from 'vitest'
import { parseMediaType } from '../../functions/http/middleware/index.ts'
import { json, jsonBody, router } from '../../functions/http/openapi.ts'
import { httpProblem } from '../../functions/http/problems.ts'
import { ADMIN, call, commit, createHolon, freshId, send, state, WRITE } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'

const JSON_TYPE = 'application/json'
const kernelText = JSON.stringify(contractKernel)
const problem = (r: { body: unknown }) => r.body as { type: string; errors?: { pointer: string }[] }

describe('lone UTF-16 surrogates (were 500 /problems/internal)', () => {
  it('in an event id, on commit and dry run: 400 unsafe_json at /event/id, nothing committed', async () => {
    const id = await createHolon(contractKernel)
    const before = (await state(id)).body.events
    for (const path of [`/v1/holons/${id}/events`, `/v1/holons/${id}/evaluate`]) {
      const r = await send('POST', path, {
        type: JSON_TYPE,
        body: '{"event":{"id":"ls\\ud800","amount":1}}',
        token: WRITE,
      })
      expect(r.status, path).toBe(400)
      expect(problem(r).type).toBe('/problems/unsafe_json')
      expect(problem(r).errors?.[0]?.pointer).toBe('/event/id')
    }
    expect((await state(id)).body.events).toBe(before)
  })

  it('in a kernel description on create and in a CEL expression on PUT .../kernel', async () => {
    const id = freshId()
    const withDescription = `{"kernel":${kernelText.slice(0, -1)},"description":"k\\udfff"}}`
    const created = await send('PUT', `/v1/holons/${id}`, {
      type: JSON_TYPE,
      body: withDescription,
      token: ADMIN,
    })
    expect(created.status).toBe(400)
    expect(problem(created).errors?.[0]?.pointer).toBe('/kernel/description')
    expect((await call('GET', `/v1/holons/${id}`)).status).toBe(404)

    await createHolon(contractKernel, id)
    const cel = `{"kernel":{"id":"k","invariants":{"A":{"score":"'\\ud83d' == 'x' ? 1.0 : 0.0","threshold":0.5}}}}`
    const r = await send('PUT', `/v1/holons/${id}/kernel`, { type: JSON_TYPE, body: cel, token: ADMIN })
    expect(r.status).toBe(400)
    expect(problem(r)).toMatchObject({ type: '/problems/unsafe_json' })
    expect(problem(r).errors?.[0]?.pointer).toBe('/kernel/invariants/A/score')
    expect((await call('GET', `/v1/holons/${id}`)).body.kernel_version).toBe(1)
  })

  it('in an event field on POST /v1/torsion', async () => {
    const body = `{"kernel":${kernelText},"event":{"id":"x","note":"a\\udc00b","contributed":1,"returned":1}}`
    const r = await send('POST', '/v1/torsion', { type: JSON_TYPE, body })
    expect(r.status).toBe(400)
    expect(problem(r).errors?.[0]?.pointer).toBe('/event/note')
  })

  it('a well-formed surrogate pair is fine', async () => {
    const body = `{"kernel":${kernelText},"event":{"id":"\\ud83d\\ude00","trace_id":"t","contributed":1,"returned":1}}`
    expect((await send('POST', '/v1/torsion', { type: JSON_TYPE, body })).status).toBe(200)
  })
})

describe('__proto__ members are refused, never silently reinterpreted', () => {
  it('an event with a __proto__ member: 400 at /event/__proto__, nothing committed', async () => {
    const id = await createHolon(contractKernel)
    const body =
      '{"event":{"id":"p1","contributed":1,"returned":1,"trace_id":"t","__proto__":{"contributed":1000}}}'
    const r = await send('POST', `/v1/holons/${id}/events`, { type: JSON_TYPE, body, token: WRITE })
    expect(r.status).toBe(400)
    expect(problem(r)).toMatchObject({ type: '/problems/unsafe_json' })
    expect(problem(r).errors?.[0]?.pointer).toBe('/event/__proto__')
    expect((await state(id)).body.events).toBe(0)
  })

  it('an invariant named __proto__ (was dropped from the stored kernel): 400', async () => {
    const body = `{"kernel":{"id":"k","invariants":{"__proto__":{"score":"0.0","threshold":1}}}}`
    const id = freshId()
    const r = await send('PUT', `/v1/holons/${id}`, { type: JSON_TYPE, body, token: ADMIN })
    expect(r.status).toBe(400)
    expect(problem(r).errors?.[0]?.pointer).toBe('/kernel/invariants/__proto__')
    expect((await call('GET', `/v1/holons/${id}`)).status).toBe(404)
  })
})

describe('content types', () => {
  it('application/json;;;; x=y (was 500 on every route with a body) is accepted as application/json', async () => {
    const r = await send('POST', '/v1/torsion', {
      type: 'application/json;;;; x=y',
      body: JSON.stringify({
        kernel: contractKernel,
        event: { id: 'e', contributed: 1, returned: 1, trace_id: 't' },
      }),
    })
    expect(r.status).toBe(200)
    const id = await createHolon(contractKernel)
    const c = await send('POST', `/v1/holons/${id}/events`, {
      type: 'application/json ; charset="utf-8";;',
      body: JSON.stringify({ event: { id: 'e', contributed: 1, returned: 1, trace_id: 't' } }),
      token: WRITE,
    })
    expect(c.status).toBe(201)
  })

  it('the media-type parser follows RFC 9110', () => {
    const ok: [string, string, Record<string, string>][] = [
      ['application/json', 'application/json', {}],
      ['Application/JSON;Charset=UTF-8', 'application/json', { charset: 'UTF-8' }],
      ['application/json;;;; x=y', 'application/json', { x: 'y' }],
      ['application/json ;\tq="a;b\\"c"', 'application/json', { q: 'a;b"c' }],
      ['  text/plain ; ', 'text/plain', {}],
    ]
    for (const [header, essence, params] of ok)
      expect(parseMediaType(header), header).toEqual({ essence, params: new Map(Object.entries(params)) })
    for (const header of [
      '',
      'json',
      'application/',
      '/json',
      'application/json x',
      'application/json;x',
      'a/b;x=',
      'a/b;x="y',
      'a/b;x=1;X=2',
      'a b/c',
    ])
      expect(parseMediaType(header), header).toBeNull()
  })
})

describe('the guards', () => {
  it('parse a body once: the route validator reads the parsed value', async () => {
    const app = router().openapi(
      createRoute({
        method: 'post',
        path: '/t',
        request: { body: jsonBody(z.object({ a: z.number() })) },
        responses: { 200: json(z.object({ a: z.number() }), 'echo') },
      }),
      (c) => c.json(c.req.valid('json'), 200),
    )
    const parse = vi.spyOn(JSON, 'parse')
    const text = '{"a":41}'
    try {
      const res = await app.request(
        '/t',
        { method: 'POST', body: text, headers: { 'content-type': JSON_TYPE } },
        env,
      )
      expect(res.status).toBe(200)
      expect(parse.mock.calls.filter(([t]) => t === text)).toHaveLength(1)
    } finally {
      parse.mockRestore()
    }
  })

  it('map every framework HTTPException to its problem, never internal', () => {
    const expected: [number, string, number][] = [
      [400, 'bad_request', 400],
      [401, 'unauthorized', 401],
      [403, 'forbidden', 403],
      [404, 'not_found', 404],
      [405, 'method_not_allowed', 405],
      [413, 'payload_too_large', 413],
      [415, 'unsupported_media_type', 415],
      [418, 'bad_request', 400],
      [429, 'bad_request', 400],
      [503, 'unavailable', 503],
    ]
    for (const [status, code] of expected)
      expect(httpProblem(new HTTPException(status as 400)).code, String(status)).toBe(code)
  })

  it('an override is checked against the role in the context: a write token is 403, admin commits', async () => {
    const id = await createHolon(contractKernel)
    const bad = { id: 'o1', contributed: 100, returned: 1, trace_id: 't' }
    const asWriter = await commit(id, { event: bad, override: { reason: 'r' } }, WRITE)
    expect(asWriter).toMatchObject({ status: 403, body: { type: '/problems/forbidden' } })
    expect((await commit(id, { event: bad, override: { reason: 'r' } }, ADMIN)).status).toBe(201)
  })
})
