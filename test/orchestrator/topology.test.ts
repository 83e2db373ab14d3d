// Act on a stored topology: replicas become its nodes linked to their hosts; scale-downs remove them, and the
// topology's own update says whether routes still deliver.
import { describe, expect, it } from 'vitest'
import { call, freshId, WRITE } from '../support/http.ts'
import { FLEET, fleet, history, orchestrator, workload } from './fleet.ts'

describe('mirroring onto a stored topology', () => {
  it('spawned replicas appear as topology nodes next to their hosts, and routes reach them', async () => {
    const name = freshId('fleet')
    // every fleet node linked to every other: greedy routing delivers between any two
    const edges = FLEET.flatMap((a, i) => FLEET.slice(i + 1).map((b) => [a.id, b.id]))
    const put = await call(
      'PUT',
      `/v1/topologies/${name}`,
      { dimension: 2, nodes: FLEET.map((n) => ({ id: n.id, coords: n.coordinates })), edges },
      WRITE,
    )
    expect(put.status).toBe(200)
    const id = await orchestrator({
      config: { orchestration_mode: 'centralized' },
      settings: { auto_tick: false, topology: name },
    })
    await fleet(id, FLEET, [workload('api', { strategy: 'lean' })])
    await history(id, 'api', new Array(20).fill(300))
    const t = await call('POST', `/v1/orchestrators/${id}/tick`, undefined, WRITE)
    const replicas = t.body.workloads[0].target
    expect(replicas).toBeGreaterThanOrEqual(3)
    const info = await call('GET', `/v1/orchestrators/${id}`)
    expect(info.body.topology).toMatchObject({ name, tick: 1, ok: true })
    const topo = await call('GET', `/v1/topologies/${name}`)
    expect(topo.body.nodes).toBe(FLEET.length + replicas)
    expect(topo.body.edges).toBe(edges.length + replicas)
    // a replica node hangs off its host: greedy routing from any fleet node reaches it through the host
    const placed = (await call('GET', `/v1/orchestrators/${id}/placements`)).body.replicas[0]
    const route = await call('POST', '/v1/route', {
      topology_name: name,
      source: placed.node === 'us-1' ? 'eu-1' : 'us-1',
      target: { node: `replica:api:${placed.slot}` },
    })
    expect(route.status).toBe(200)
    expect(route.body.greedy.status).toBe('delivered')
    expect(route.body.greedy.path.slice(-2)).toEqual([placed.node, `replica:api:${placed.slot}`])

    // demand falls: after the cooldown the replicas are terminated, and the topology loses those nodes
    await call(
      'PUT',
      `/v1/orchestrators/${id}`,
      {
        config: { orchestration_mode: 'centralized' },
        strategies: [{ strategy_id: 'lean', scaling_policy: { cooldown_seconds: 0 } }],
        settings: { auto_tick: false, topology: name },
      },
      'test-admin-token',
    )
    await history(id, 'api', new Array(20).fill(40))
    const down = await call('POST', `/v1/orchestrators/${id}/tick`, undefined, WRITE)
    expect(down.body.actions.some((a: { action: string }) => a.action === 'terminate')).toBe(true)
    const after = await call('GET', `/v1/topologies/${name}`)
    expect(after.body.nodes).toBe(FLEET.length + down.body.workloads[0].target)
    const sync = (await call('GET', `/v1/orchestrators/${id}`)).body.topology
    // the topology's own report after the removal (its sampled greedy routes; routes that start at a replica
    // leaf can stop at a local minimum, and the report names them)
    expect(sync).toMatchObject({ tick: 2, ok: true })
    expect(typeof sync.routes_ok).toBe('boolean')
    if (!sync.routes_ok) expect(sync.route_failures.length).toBeGreaterThan(0)
  })

  it('says so when the topology cannot take the replicas, and retries on the next tick', async () => {
    const id = await orchestrator({ settings: { auto_tick: false, topology: 'no-such-topology' } })
    await fleet(id)
    await history(id, 'api', new Array(20).fill(100))
    await call('POST', `/v1/orchestrators/${id}/tick`, undefined, WRITE)
    const info = await call('GET', `/v1/orchestrators/${id}`)
    expect(info.body.topology).toMatchObject({ name: 'no-such-topology', ok: false })
    expect(info.body.replicas).toBeGreaterThan(0)
  })
})
