// The denial-of-service reproducers of issue 9 over HTTP: each is now a fast 422 budget_exceeded naming its budget.
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../functions/random/index.ts'
import { CPU_MS, MAX_ANSWER_NUMBERS, MAX_PATHS } from '../../functions/routing/index.ts'
import { call, WRITE } from '../support/http.ts'

/** n nodes (short ids, 2-digit coordinates to stay under the 1 MiB body limit), a spanning path plus random edges. */
function randomGraph(n: number, extraPerNode: number) {
  const rnd = mulberry32(11)
  const id = (i: number) => i.toString(36)
  const nodes = Array.from({ length: n }, (_, i) => {
    const r = 0.9 * Math.sqrt(rnd())
    const a = 2 * Math.PI * rnd()
    return {
      id: id(i),
      coords: [Math.round(r * Math.cos(a) * 100) / 100, Math.round(r * Math.sin(a) * 100) / 100],
    }
  })
  const edges: [string, string][] = []
  for (let i = 1; i < n; i++) edges.push([id(i - 1), id(i)])
  for (let i = 0; i < n; i++)
    for (let j = 0; j < extraPerNode; j++) edges.push([id(i), id(Math.floor(rnd() * n))])
  return { nodes, edges, first: id(0), last: id(n - 1) }
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const r = await f()
  return [r, performance.now() - t0]
}

function expectBudget(r: { status: number; type: string; body: any }, budget: string) {
  expect(r.status).toBe(422)
  expect(r.type).toContain('application/problem+json')
  expect(r.body).toMatchObject({ type: expect.stringContaining('budget_exceeded'), budget })
  expect(typeof r.body.cpu_ms).toBe('number')
  expect(typeof r.body.limit).toBe('number')
}

describe('POST /v1/route on a 10,000-node inline topology (anonymous)', () => {
  const g = randomGraph(10_000, 2)
  const topology = { nodes: g.nodes, edges: g.edges }
  const base = { topology, source: g.first, target: { node: g.last }, algorithm: 'multipath_hyperbolic' }

  it('a cheap route on the same topology answers (and warms the worker up for the timings below)', async () => {
    const r = await call('POST', '/v1/route', { topology, source: g.first, target: { node: g.last } })
    expect(r.status).toBe(200)
    expect(r.body.mode).toBe('greedy_forwarding')
  })
  it('k = 1000 (blocked the worker 16 to 23 s) is refused: route_paths, at most 16 paths', async () => {
    const [r, ms] = await timed(() => call('POST', '/v1/route', { ...base, k: 1000 }))
    expectBudget(r, 'route_paths')
    expect(r.body).toMatchObject({ limit: MAX_PATHS, unit: 'paths' })
    console.log(`inline 10,000 nodes, multipath k = 1000: 422 after ${ms.toFixed(0)} ms`)
  })

  it('k = 16 stops at the route_steps budget', async () => {
    const [r, ms] = await timed(() => call('POST', '/v1/route', { ...base, k: 16 }))
    expectBudget(r, 'route_steps')
    expect(r.body).toMatchObject({ cpu_ms: CPU_MS.route, unit: 'steps' })
    console.log(`inline 10,000 nodes, multipath k = 16: 422 after ${ms.toFixed(0)} ms`)
  })
})

describe('stored topologies: the Topology object reports exhausted budgets as data, the worker as 422', () => {
  it('multipath on a stored topology: route_paths and route_steps', async () => {
    const g = randomGraph(10_000, 2)
    const put = await call(
      'PUT',
      '/v1/topologies/budget-big',
      { dimension: 2, nodes: g.nodes, edges: g.edges },
      WRITE,
    )
    expect(put.status).toBe(200)
    const q = {
      topology_name: 'budget-big',
      source: g.first,
      target: { node: g.last },
      algorithm: 'multipath_hyperbolic',
    }
    const [paths, ms1] = await timed(() => call('POST', '/v1/route', { ...q, k: 1000 }))
    expectBudget(paths, 'route_paths')
    const [steps, ms2] = await timed(() => call('POST', '/v1/route', { ...q, k: 16 }))
    expectBudget(steps, 'route_steps')
    console.log(
      `stored 10,000 nodes: k = 1000 422 after ${ms1.toFixed(0)} ms, k = 16 422 after ${ms2.toFixed(0)} ms`,
    )
    // the object is still healthy afterwards
    const ok = await call('POST', '/v1/route', {
      topology_name: 'budget-big',
      source: g.first,
      target: { node: g.last },
    })
    expect(ok.status).toBe(200)
  })
})

describe('answers too large to build', () => {
  it('/v1/migrate with 10,000 steps in dimension 512 (5 million numbers) is refused', async () => {
    const from = Array.from({ length: 512 }, () => 0.01)
    const to = Array.from({ length: 512 }, () => -0.01)
    const r = await call('POST', '/v1/migrate', { from, to, steps: 10_000 })
    expectBudget(r, 'answer_numbers')
    expect(r.body.limit).toBe(MAX_ANSWER_NUMBERS)
    expect((await call('POST', '/v1/migrate', { from, to, steps: 100 })).status).toBe(200)
  })

  it('/v1/embed of 2,000 nodes padded to dimension 512 is refused', async () => {
    const g = randomGraph(2000, 1)
    const r = await call('POST', '/v1/embed', {
      topology: { nodes: g.nodes, edges: g.edges },
      dimension: 512,
    })
    expectBudget(r, 'answer_numbers')
    const small = await call('POST', '/v1/embed', {
      topology: { nodes: g.nodes, edges: g.edges },
      dimension: 2,
      pairs: 200,
    })
    expect(small.status).toBe(200)
    expect(small.body.greedy.success_rate).toBe(1)
  })
})

describe('k above the path limit is fine where it means nodes', () => {
  it('without edges, multipath falls back to k-nearest and k = 100 answers 100 nodes', async () => {
    const nodes = Array.from({ length: 150 }, (_, i) => ({ id: `p${i}`, coords: [i / 200, 0] }))
    const r = await call('POST', '/v1/route', {
      topology: { nodes },
      target: { point: [0, 0] },
      algorithm: 'multipath_hyperbolic',
      k: 100,
    })
    expect(r.status).toBe(200)
    expect(r.body.mode).toBe('k_nearest')
    expect(r.body.nearest).toHaveLength(100)
    expect(r.body.nearest[0].id).toBe('p0')
  })
})
