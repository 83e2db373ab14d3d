// Stored embedding as a job in chunks on the Topology object's alarm: the same coordinates as one synchronous
// pass, readers see the old coordinates and version until the commit, a re-run or evicted chunk changes nothing.
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { TopologyObject } from '../../durable-objects/topology/topology-object.ts'
import { mulberry32 } from '../../functions/random/index.ts'
import { placeQuota } from '../../functions/routing/index.ts'
import { call, freshId, WRITE } from '../support/http.ts'

const CHUNK_STEPS = 20_000 // vitest.config.ts OMEGA_EMBED_CHUNK_STEPS

/** A random tree on n nodes plus n/2 random extra edges, all nodes at random points in the disc. */
function graph(n: number, seed: number) {
  const rnd = mulberry32(seed)
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: `v${i}`,
    coords: [(rnd() - 0.5) * 0.8, (rnd() - 0.5) * 0.8, 0.1],
  }))
  const edges: [string, string][] = []
  for (let i = 1; i < n; i++) edges.push([`v${Math.floor(rnd() * i)}`, `v${i}`])
  for (let k = 0; k < n / 2; k++) edges.push([`v${Math.floor(rnd() * n)}`, `v${Math.floor(rnd() * n)}`])
  return { dimension: 3, nodes, edges }
}

const stub = (name: string) => env.TOPOLOGY.getByName(name) as DurableObjectStub<TopologyObject>

async function embedAsync(name: string, pairs: number) {
  const res = await exports.default.fetch(`https://omega.test/v1/topologies/${name}/embed`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${WRITE}`,
      prefer: 'respond-async',
    },
    body: JSON.stringify({ pairs }),
  })
  return { status: res.status, location: res.headers.get('location'), body: (await res.json()) as any }
}

async function allNodes(name: string) {
  const out: { id: string; coords: number[] }[] = []
  let cursor: string | null = '0'
  while (cursor !== null) {
    const page: any = await call('GET', `/v1/topologies/${name}/nodes?limit=1000&cursor=${cursor}`)
    out.push(
      ...page.body.nodes.map((n: { id: string; coords: number[] }) => ({ id: n.id, coords: n.coords })),
    )
    cursor = page.body.next_cursor
  }
  return out
}

describe('stored embedding in chunks on the alarm', () => {
  it('a 3,000-node topology: same coordinates as the synchronous embedding, committed once, greedy delivers', async () => {
    const g = graph(3000, 9)
    const sync = freshId('sync')
    const job = freshId('job')
    for (const name of [sync, job])
      expect((await call('PUT', `/v1/topologies/${name}`, g, WRITE)).status).toBe(200)
    const done = await call('POST', `/v1/topologies/${sync}/embed`, { pairs: 500 }, WRITE)
    expect(done.status).toBe(200)
    const before = await allNodes(job)

    const started = await embedAsync(job, 500)
    expect(started.status).toBe(202)
    expect(started.location).toBe(`/v1/topologies/${job}/embedding`)
    expect(started.body).toMatchObject({
      status: 'running',
      phase: 'place',
      nodes: 3000,
      placed: 1,
      from_version: 1,
    })
    // asking again while it runs answers the same job
    expect((await embedAsync(job, 500)).body.job).toBe(started.body.job)

    let alarms = 0
    let progress = 0
    for (;;) {
      if (alarms % 3 === 1) {
        // an evicted object: the next chunk resumes from what SQLite kept
        await runInDurableObject(stub(job), (o) => {
          ;(o as unknown as { jobs: { working: unknown } }).jobs.working = undefined
        })
      }
      if (alarms % 5 === 2) {
        // a re-delivered alarm: the chunk stored its cursor with its points, so running it again only continues
        await runInDurableObject(stub(job), (o) => o.alarm())
        alarms++
      }
      const ran = await runDurableObjectAlarm(stub(job))
      if (!ran) break
      alarms++
      const doc = (await call('GET', `/v1/topologies/${job}/embedding`)).body
      expect(doc.progress).toBeGreaterThanOrEqual(progress)
      progress = doc.progress
      if (doc.status === 'running') {
        // readers see the old coordinates and version until the commit
        const info = (await call('GET', `/v1/topologies/${job}`)).body
        expect(info).toMatchObject({ version: 1, embedding: { job: started.body.job, status: 'running' } })
        if (alarms === 4) expect(await allNodes(job)).toEqual(before)
      }
      expect(alarms).toBeLessThan(200)
    }
    const final = (await call('GET', `/v1/topologies/${job}/embedding`)).body
    expect(final).toMatchObject({ status: 'done', phase: 'done', progress: 1, placed: 3000, alarms })
    // placement alone takes one chunk per placeQuota nodes
    expect(alarms).toBeGreaterThan(Math.ceil(2999 / placeQuota(CHUNK_STEPS)))
    expect(final.result).toEqual({
      ...done.body,
      topology: { ...done.body.topology, name: job, updated_at: expect.any(String) },
    })
    expect((await call('GET', `/v1/topologies/${job}`)).body).toMatchObject({ version: 2 })
    const after = await allNodes(job)
    expect(after).toEqual(await allNodes(sync))
    expect(after).not.toEqual(before)
    for (const [s, t] of [
      ['v0', 'v2999'],
      ['v1234', 'v17'],
      ['v2500', 'v600'],
    ]) {
      const r = await call('POST', '/v1/route', { topology_name: job, source: s, target: { node: t } })
      expect(r.body.greedy.status, `${s} -> ${t}`).toBe('delivered')
    }
  })

  it('a topology changed while its job runs: the job is abandoned and the coordinates stay', async () => {
    const name = freshId('chg')
    await call('PUT', `/v1/topologies/${name}`, graph(1000, 3), WRITE)
    expect((await embedAsync(name, 50)).status).toBe(202)
    expect(await runDurableObjectAlarm(stub(name))).toBe(true)
    const patched = await call(
      'PATCH',
      `/v1/topologies/${name}`,
      { set_load: [{ id: 'v1', load: 2 }] },
      WRITE,
    )
    expect(patched.body.version).toBe(2)
    const before = await allNodes(name)
    expect(await runDurableObjectAlarm(stub(name))).toBe(true)
    expect(await runDurableObjectAlarm(stub(name))).toBe(false)
    const doc = (await call('GET', `/v1/topologies/${name}/embedding`)).body
    expect(doc).toMatchObject({ status: 'abandoned', failure: { code: 'topology_changed' } })
    expect(await allNodes(name)).toEqual(before)
    expect((await call('GET', `/v1/topologies/${name}`)).body.version).toBe(2)
  })

  it('a topology deleted while its job runs: the job goes with it, and a new one can start', async () => {
    const name = freshId('del')
    const g = graph(600, 5)
    await call('PUT', `/v1/topologies/${name}`, g, WRITE)
    const first = await embedAsync(name, 20)
    expect(first.status).toBe(202)
    expect(await runDurableObjectAlarm(stub(name))).toBe(true)
    expect((await call('DELETE', `/v1/topologies/${name}`, undefined, WRITE)).status).toBe(200)
    expect(await runDurableObjectAlarm(stub(name))).toBe(false)
    await call('PUT', `/v1/topologies/${name}`, g, WRITE)
    expect((await call('GET', `/v1/topologies/${name}/embedding`)).body.type).toBe('/problems/not_found')
    const second = await embedAsync(name, 20)
    expect(second).toMatchObject({ status: 202, body: { status: 'running', placed: 1 } })
    expect(second.body.job).not.toBe(first.body.job)
  })

  it('a disconnected graph is refused at once; a topology without a job has no embedding resource', async () => {
    const name = freshId('dis')
    await call(
      'PUT',
      `/v1/topologies/${name}`,
      {
        dimension: 2,
        nodes: [
          { id: 'a', coords: [0, 0] },
          { id: 'b', coords: [0.1, 0] },
        ],
      },
      WRITE,
    )
    expect((await call('GET', `/v1/topologies/${name}/embedding`)).body.type).toBe('/problems/not_found')
    const r = await embedAsync(name, 10)
    expect(r).toMatchObject({ status: 400, body: { type: '/problems/disconnected' } })
    expect(await runDurableObjectAlarm(stub(name))).toBe(false)
  })
})
