// Stored topologies: create, incremental updates, routing by name, re-embedding, and what SQLite keeps.
import { env, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { TopologyObject } from '../../durable-objects/topology/topology-object.ts'
import { call, freshId, WRITE } from '../support/http.ts'

const ring = (n: number) => ({
  dimension: 2,
  nodes: Array.from({ length: n }, (_, i) => ({
    id: `r${i}`,
    coords: [0.5 * Math.cos((2 * Math.PI * i) / n), 0.5 * Math.sin((2 * Math.PI * i) / n)],
  })),
  edges: Array.from({ length: n }, (_, i) => [`r${i}`, `r${(i + 1) % n}`]),
})

describe('/v1/topologies/{name}', () => {
  it('needs the write token to store; reads are open', async () => {
    const name = freshId('t')
    expect((await call('PUT', `/v1/topologies/${name}`, ring(4))).status).toBe(401)
    const r = await call('PUT', `/v1/topologies/${name}`, ring(8), WRITE)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ name, dimension: 2, nodes: 8, edges: 8, version: 1 })
    expect((await call('GET', `/v1/topologies/${name}`)).body).toMatchObject({ nodes: 8, edges: 8 })
    expect((await call('GET', '/v1/topologies/nothing-here')).body.type).toBe('/problems/topology_not_found')
  })

  it('routes by name, updates incrementally, and reports what a removal does to routes', async () => {
    const name = freshId('t')
    await call('PUT', `/v1/topologies/${name}`, ring(8), WRITE)
    const go = (source: string, target: string) =>
      call('POST', '/v1/route', { topology_name: name, source, target: { node: target } })
    expect((await go('r0', 'r2')).body.greedy).toMatchObject({
      status: 'delivered',
      path: ['r0', 'r1', 'r2'],
    })
    // removing r1: the ring becomes a path; greedy r0 -> r2 must now go the long way, where it gets stuck
    const cut = await call('PATCH', `/v1/topologies/${name}`, { remove_nodes: ['r1'] }, WRITE)
    expect(cut.status).toBe(200)
    expect(cut.body).toMatchObject({
      nodes: 7,
      edges: 6,
      version: 2,
      termination: { removed: ['r1'], connected: true },
    })
    expect(cut.body.termination.routes_ok).toBe(false)
    expect(cut.body.termination.failures[0]).toMatchObject({
      source: 'r0',
      target: 'r2',
      reason: 'local_minimum',
    })
    expect((await go('r0', 'r2')).body.greedy.status).toBe('local_minimum')
    const flow = await call('POST', '/v1/route', {
      topology_name: name,
      source: 'r0',
      target: { node: 'r2' },
      algorithm: 'gradient_flow',
    })
    expect(flow.body.flow.path).toEqual(['r0', 'r7', 'r6', 'r5', 'r4', 'r3', 'r2'])
    // a new hub in the middle, linked to everyone: greedy delivers again through it
    const hub = await call(
      'PATCH',
      `/v1/topologies/${name}`,
      {
        add_nodes: [{ id: 'hub', coords: [0, 0] }],
        add_edges: ['r0', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'].map((r) => ['hub', r]),
      },
      WRITE,
    )
    expect(hub.body).toMatchObject({ nodes: 8, edges: 13 })
    expect((await go('r0', 'r2')).body.greedy).toMatchObject({
      status: 'delivered',
      path: ['r0', 'hub', 'r2'],
    })
  })

  it('updates are all-or-nothing and name the bad member', async () => {
    const name = freshId('t')
    await call('PUT', `/v1/topologies/${name}`, ring(4), WRITE)
    const r = await call(
      'PATCH',
      `/v1/topologies/${name}`,
      { add_nodes: [{ id: 'x', coords: [0.1, 0.1] }], add_edges: [['x', 'nope']] },
      WRITE,
    )
    expect(r.body).toMatchObject({
      status: 400,
      type: '/problems/unknown_node',
      errors: [{ pointer: '/add_edges/0/1' }],
    })
    const dup = await call(
      'PATCH',
      `/v1/topologies/${name}`,
      { add_nodes: [{ id: 'r0', coords: [0, 0] }] },
      WRITE,
    )
    expect(dup.body.type).toBe('/problems/duplicate_node')
    const far = await call(
      'PATCH',
      `/v1/topologies/${name}`,
      { move_nodes: [{ id: 'r0', coords: [1, 0] }] },
      WRITE,
    )
    expect(far.body).toMatchObject({
      type: '/problems/invalid_point',
      errors: [{ pointer: '/move_nodes/0/coords' }],
    })
    expect((await call('GET', `/v1/topologies/${name}`)).body).toMatchObject({
      nodes: 4,
      edges: 4,
      version: 1,
    })
  })

  it('SQLite holds what memory holds: a fresh load of the object rebuilds the same topology', async () => {
    const name = freshId('t')
    await call('PUT', `/v1/topologies/${name}`, ring(6), WRITE)
    await call(
      'PATCH',
      `/v1/topologies/${name}`,
      { remove_nodes: ['r2'], set_load: [{ id: 'r4', load: 3 }] },
      WRITE,
    )
    const stub = env.TOPOLOGY.getByName(name) as DurableObjectStub<TopologyObject>
    await runInDurableObject(stub, (_obj, state) => {
      const sql = state.storage.sql
      expect(sql.exec('SELECT count(*) AS n FROM nodes').one().n).toBe(5)
      expect(sql.exec('SELECT count(*) AS n FROM edges').one().n).toBe(4)
      expect(sql.exec("SELECT load FROM nodes WHERE id = 'r4'").one().load).toBe(3)
      const blob = sql.exec("SELECT coords FROM nodes WHERE id = 'r3'").one().coords as ArrayBuffer
      expect(Array.from(new Float64Array(blob))).toEqual([0.5 * Math.cos(Math.PI), 0.5 * Math.sin(Math.PI)])
    })
    const page = await call('GET', `/v1/topologies/${name}/nodes?limit=3`)
    expect(page.body.nodes.map((n: { id: string }) => n.id)).toEqual(['r0', 'r1', 'r3'])
    expect(page.body.nodes[1].neighbours).toEqual(['r0'])
    const rest = await call('GET', `/v1/topologies/${name}/nodes?limit=3&cursor=${page.body.next_cursor}`)
    expect(rest.body.nodes.map((n: { id: string }) => n.id)).toEqual(['r4', 'r5'])
  })

  it('POST .../embed replaces the coordinates so greedy routing delivers everywhere', async () => {
    const name = freshId('t')
    const grid = {
      dimension: 4,
      nodes: Array.from({ length: 25 }, (_, i) => ({ id: `g${i}`, coords: [0, 0, 0, 0] })),
      edges: [] as [string, string][],
    }
    for (let i = 0; i < 25; i++) {
      if (i % 5 < 4) grid.edges.push([`g${i}`, `g${i + 1}`])
      if (i < 20) grid.edges.push([`g${i}`, `g${i + 5}`])
    }
    await call('PUT', `/v1/topologies/${name}`, grid, WRITE)
    const r = await call('POST', `/v1/topologies/${name}/embed`, { pairs: 600 }, WRITE)
    expect(r.status).toBe(200)
    expect(r.body.greedy).toMatchObject({ pairs: 600, success_rate: 1 })
    const route = await call('POST', '/v1/route', {
      topology_name: name,
      source: 'g0',
      target: { node: 'g24' },
    })
    expect(route.body.greedy).toMatchObject({ status: 'delivered', hops: 8 })
  })

  it('k-nearest by name and deletion', async () => {
    const name = freshId('t')
    await call('PUT', `/v1/topologies/${name}`, { ...ring(8), edges: [] }, WRITE)
    const r = await call('POST', '/v1/route', { topology_name: name, target: { point: [0.5, 0] }, k: 3 })
    expect(r.body.nearest[0]).toEqual({ id: 'r0', distance: 0 })
    expect(new Set(r.body.nearest.slice(1).map((n: { id: string }) => n.id))).toEqual(new Set(['r1', 'r7']))
    expect((await call('DELETE', `/v1/topologies/${name}`, undefined, WRITE)).body).toEqual({ deleted: true })
    expect((await call('GET', `/v1/topologies/${name}`)).status).toBe(404)
  })
})
