// Storage on read for stored topologies: unknown names are answered from the directory without allocating a
// Topology object; GET /v1/topologies lists the directory; a deleted topology is forgotten.
import { listDurableObjectIds } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { TopologyObject } from '../../durable-objects/topology/topology-object.ts'
import { call, freshId, WRITE } from '../support/http.ts'

const topologyObjects = async () => (await listDurableObjectIds(env.TOPOLOGY)).length

const path3 = {
  dimension: 2,
  nodes: [
    { id: 'a', coords: [0, 0] },
    { id: 'b', coords: [0.3, 0] },
    { id: 'c', coords: [0.6, 0] },
  ],
  edges: [
    ['a', 'b'],
    ['b', 'c'],
  ],
}

describe('storage on read (topologies)', () => {
  it('reads, routes and writes by unknown names allocate no topology object', async () => {
    const before = await topologyObjects()
    const replies = []
    for (let i = 0; i < 5; i++) {
      const name = freshId('ghost')
      replies.push(
        await call('GET', `/v1/topologies/${name}`),
        await call('GET', `/v1/topologies/${name}/nodes`),
        await call('POST', '/v1/route', { topology_name: name, source: 'a', target: { node: 'b' } }),
        await call('PATCH', `/v1/topologies/${name}`, { set_load: [] }, WRITE),
        await call('POST', `/v1/topologies/${name}/embed`, {}, WRITE),
        await call('DELETE', `/v1/topologies/${name}`, undefined, WRITE),
      )
    }
    for (const r of replies)
      expect(r).toMatchObject({ status: 404, body: { type: '/problems/topology_not_found' } })
    expect(await topologyObjects()).toBe(before)
  })

  it('a stored topology is registered and read; its object is the only one allocated', async () => {
    const before = await topologyObjects()
    const name = freshId('t')
    expect((await call('PUT', `/v1/topologies/${name}`, path3, WRITE)).status).toBe(200)
    expect((await call('GET', `/v1/topologies/${name}`)).body).toMatchObject({ name, nodes: 3 })
    const r = await call('POST', '/v1/route', { topology_name: name, source: 'a', target: { node: 'c' } })
    expect(r.body.greedy).toMatchObject({ status: 'delivered', path: ['a', 'b', 'c'] })
    expect(await topologyObjects()).toBe(before + 1)
  })

  it('a deleted topology is forgotten: 404 afterwards, and absent from the listing', async () => {
    const name = freshId('gone')
    await call('PUT', `/v1/topologies/${name}`, path3, WRITE)
    expect((await call('DELETE', `/v1/topologies/${name}`, undefined, WRITE)).status).toBe(200)
    expect((await call('GET', `/v1/topologies/${name}`)).body.type).toBe('/problems/topology_not_found')
    const page = await call('GET', `/v1/topologies?after=${name.slice(0, -1)}&limit=1000`)
    expect(page.body.topologies.map((t: { id: string }) => t.id)).not.toContain(name)
  })

  it('a topology stored before the directory knew topologies answers 404 until its PUT is repeated', async () => {
    const name = freshId('old')
    const stub = env.TOPOLOGY.getByName(name) as DurableObjectStub<TopologyObject>
    expect((await stub.create(name, { ...path3, boundary: 'reject' })).ok).toBe(true)
    expect((await call('GET', `/v1/topologies/${name}`)).status).toBe(404)
    expect((await call('PUT', `/v1/topologies/${name}`, path3, WRITE)).status).toBe(200)
    expect((await call('GET', `/v1/topologies/${name}`)).body).toMatchObject({ name, version: 2 })
  })
})

describe('GET /v1/topologies', () => {
  it('lists stored topologies in name order, paged with after and limit, apart from holons', async () => {
    const prefix = `tl-${Date.now().toString(36)}`
    const names = [`${prefix}-c`, `${prefix}-a`, `${prefix}-b`]
    for (const n of names) expect((await call('PUT', `/v1/topologies/${n}`, path3, WRITE)).status).toBe(200)
    const seen: string[] = []
    let after: string | null = `${prefix}-`
    while (after !== null) {
      const r: { status: number; body: { topologies: { id: string }[]; next_after: string | null } } =
        await call('GET', `/v1/topologies?after=${after}&limit=2`)
      expect(r.status).toBe(200)
      expect(r.body.topologies.length).toBeLessThanOrEqual(2)
      seen.push(...r.body.topologies.map((t) => t.id))
      after = r.body.next_after
    }
    expect(seen.filter((id) => id.startsWith(prefix))).toEqual([...names].sort())
    const holons = await call('GET', `/v1/holons?after=${prefix}-&limit=1000`)
    expect(holons.body.holons.filter((h: { id: string }) => h.id.startsWith(prefix))).toEqual([])
    expect((await call('GET', '/v1/topologies?limit=0')).body.type).toBe('/problems/validation_failed')
  })
})
