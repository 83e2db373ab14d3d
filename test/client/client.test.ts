// The typed client (client/index.ts over the generated client/schema.d.ts) against the worker in workerd: create a
// holon, commit, read the state, and a refused event surfacing as a typed problem.
import { exports } from 'cloudflare:workers'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { createOmegaClient, isProblem, type Schemas } from '../../client/index.ts'
import { ADMIN, freshId, WRITE } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'

const client = (token?: string) =>
  createOmegaClient({
    baseUrl: 'https://omega.test',
    ...(token && { token }),
    fetch: (request) => exports.default.fetch(request),
  })

const fair = (id: string) => ({ id, contributed: 100, returned: 100, trace_id: `tr-${id}` })

describe('typed client', () => {
  it('creates a holon, commits, reads its state and history', async () => {
    const id = freshId('client')
    const created = await client(ADMIN).PUT('/v1/holons/{id}', {
      params: { path: { id } },
      body: { kernel: contractKernel as Schemas['KernelSpec'] },
    })
    expect(created.response.status).toBe(201)
    expect(created.data?.id).toBe(id)
    expect(created.data?.kernel_version).toBe(1)

    const writer = client(WRITE)
    const committed = await writer.POST('/v1/holons/{id}/events', {
      params: { path: { id } },
      body: { events: [fair('e1'), fair('e2')] },
    })
    expect(committed.response.status).toBe(201)
    expect(committed.error).toBeUndefined()
    expect(committed.data?.results.map((r) => r.verdict)).toEqual(['admit', 'admit'])

    const state = await client().GET('/v1/holons/{id}/state', { params: { path: { id } } })
    expectTypeOf(state.data?.state_vector).toEqualTypeOf<number[] | undefined>()
    expect(state.data).toMatchObject({
      holon: id,
      events: 2,
      last_event_id: 'e2',
      torsion: 0,
      admissible: true,
    })
    expect(state.data?.dimensions).toEqual(['Non_Spoliation', 'Traceability'])

    const history = await client().GET('/v1/holons/{id}/events', {
      params: { path: { id }, query: { limit: 1 } },
    })
    expect(history.data?.events.map((e) => e.event.id)).toEqual(['e1'])
    expect(history.data?.next_cursor).toBe('1')
  })

  it('answers a refused event (409) with a typed problem and no data', async () => {
    const id = freshId('client-409')
    await client(ADMIN).PUT('/v1/holons/{id}', {
      params: { path: { id } },
      body: { kernel: contractKernel as Schemas['KernelSpec'] },
    })
    const refused = await client(WRITE).POST('/v1/holons/{id}/events', {
      params: { path: { id } },
      body: { event: { id: 'untraced', contributed: 10, returned: 10 } },
    })
    expect(refused.response.status).toBe(409)
    expect(refused.data).toBeUndefined()
    const problem = refused.error
    if (!isProblem(problem, 'inadmissible'))
      throw new Error(`not an inadmissible problem: ${JSON.stringify(problem)}`)
    // Narrowed to the API's Problem type: its members are typed, extension members are `unknown`.
    expectTypeOf(problem.detail).toEqualTypeOf<string>()
    expectTypeOf(problem.status).toEqualTypeOf<number>()
    expect(problem).toMatchObject({
      status: 409,
      title: 'The gate rejected the event',
      type: '/problems/inadmissible',
    })
    expect(problem.detail).toContain("event 'untraced'")
    expect(problem.violations).toEqual([expect.objectContaining({ invariant: 'Traceability' })])
  })

  it('sends the token it was given, and none when it has none', async () => {
    const id = freshId('client-auth')
    const anonymous = await client().PUT('/v1/holons/{id}', {
      params: { path: { id } },
      body: { kernel: contractKernel as Schemas['KernelSpec'] },
    })
    expect(anonymous.response.status).toBe(401)
    expect(isProblem(anonymous.error, 'unauthorized')).toBe(true)
    const writer = await client(WRITE).PUT('/v1/holons/{id}', {
      params: { path: { id } },
      body: { kernel: contractKernel as Schemas['KernelSpec'] },
    })
    expect(isProblem(writer.error, 'forbidden')).toBe(true)
    expect(isProblem(writer.error, 'unauthorized')).toBe(false)
  })

  it('reports a missing holon as holon_not_found', async () => {
    const r = await client().GET('/v1/holons/{id}', { params: { path: { id: freshId('absent') } } })
    expect(r.response.status).toBe(404)
    expect(isProblem(r.error, 'holon_not_found')).toBe(true)
  })
})
