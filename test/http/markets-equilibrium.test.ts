// POST /v1/markets/equilibrium in workerd: inline games, stored topologies, and precise refusals.
import { describe, expect, it } from 'vitest'
import { call, freshId, WRITE } from '../support/http.ts'

const pigou = {
  nodes: ['s', 't'],
  edges: [
    { from: 's', to: 't', a: 0, b: 1 },
    { from: 's', to: 't', a: 3.5, b: 0 },
  ],
  agents: ['p', 'q', 'r', 'u'].map((id) => ({ id, from: 's', to: 't' })),
}

const ring = (n: number) => ({
  dimension: 2,
  nodes: Array.from({ length: n }, (_, i) => ({
    id: `r${i}`,
    coords: [0.5 * Math.cos((2 * Math.PI * i) / n), 0.5 * Math.sin((2 * Math.PI * i) / n)],
  })),
  edges: Array.from({ length: n }, (_, i) => [`r${i}`, `r${(i + 1) % n}`]),
})

/** Hyperbolic distance in the Poincaré disk, written out here rather than taken from the code under test. */
const hyperbolic = (x: number[], y: number[]) => {
  const sq = (v: number[]) => v.reduce((s, c) => s + c * c, 0)
  const diff = sq(x.map((c, i) => c - (y[i] as number)))
  return Math.acosh(1 + (2 * diff) / ((1 - sq(x)) * (1 - sq(y))))
}

describe('POST /v1/markets/equilibrium, inline', () => {
  it('Pigou with 4 agents: three on the congestible edge, cost 12.5, optimum 11 (exact), PoA 25/22', async () => {
    const r = await call('POST', '/v1/markets/equilibrium', pigou)
    expect(r.status).toBe(200)
    expect(r.body.converged).toBe(true)
    expect(r.body.social_cost).toBe(12.5)
    expect(r.body.optimum).toEqual({ social_cost: 11, method: 'exact' })
    expect(r.body.price_of_anarchy).toBeCloseTo(25 / 22, 12)
    expect(r.body.loads).toEqual([
      { from: 's', to: 't', load: 3, latency: 3 },
      { from: 's', to: 't', load: 1, latency: 3.5 },
    ])
    for (const p of r.body.paths) expect(p.nodes).toEqual(['s', 't'])
    expect(r.body.steps).toBeGreaterThan(0)
  })

  it('the same body gives the same answer', async () => {
    const a = await call('POST', '/v1/markets/equilibrium', pigou)
    const b = await call('POST', '/v1/markets/equilibrium', pigou)
    expect(a.body).toEqual(b.body)
  })

  it('refuses bad bodies with precise problems', async () => {
    const post = (body: unknown) => call('POST', '/v1/markets/equilibrium', body)
    const both = await post({ ...pigou, topology: 'edge-mesh' })
    expect([both.status, both.body.type]).toEqual([400, '/problems/validation_failed'])
    const neither = await post({ agents: pigou.agents })
    expect(neither.status).toBe(400)
    const halfPoly = await post({ ...pigou, edges: [{ from: 's', to: 't', a: 1 }] })
    expect([halfPoly.status, halfPoly.body.type]).toEqual([400, '/problems/validation_failed'])
    const dupAgent = await post({ ...pigou, agents: [pigou.agents[0], pigou.agents[0]] })
    expect([dupAgent.status, dupAgent.body.type]).toEqual([400, '/problems/validation_failed'])
    const negative = await post({ ...pigou, edges: [{ from: 's', to: 't', a: 1, b: -1 }] })
    expect([negative.status, negative.body.type]).toEqual([400, '/problems/validation_failed'])
    const unknown = await post({ ...pigou, edges: [{ from: 's', to: 'x', a: 1, b: 1 }] })
    expect([unknown.status, unknown.body.type]).toEqual([400, '/problems/unknown_node'])
    expect(unknown.body.errors).toEqual([{ pointer: '/edges/0/to', message: "unknown node id 'x'" }])
    const duplicate = await post({ ...pigou, nodes: ['s', 't', 's'] })
    expect([duplicate.status, duplicate.body.type]).toEqual([400, '/problems/duplicate_node'])
    const unreachable = await post({ ...pigou, agents: [{ id: 'back', from: 't', to: 's' }] })
    expect([unreachable.status, unreachable.body.type]).toEqual([400, '/problems/disconnected'])
    expect(unreachable.body.errors?.[0]?.pointer).toBe('/agents/0')
    const text = await call('POST', '/v1/markets/equilibrium', 'not json')
    expect(text.status).toBe(400)
  })

  it('a game past the equilibrium_steps budget is a 422 naming the budget', async () => {
    // a 44 x 44 grid (1936 nodes, 3784 edges) and 1000 agents corner to corner: past the 5 million steps of 500 ms
    const w = 44
    const nodes = Array.from({ length: w * w }, (_, i) => `n${i}`)
    const edges: { from: string; to: string }[] = []
    for (let r = 0; r < w; r++)
      for (let c = 0; c < w; c++) {
        if (c + 1 < w) edges.push({ from: `n${r * w + c}`, to: `n${r * w + c + 1}` })
        if (r + 1 < w) edges.push({ from: `n${r * w + c}`, to: `n${(r + 1) * w + c}` })
      }
    const agents = Array.from({ length: 1000 }, (_, i) => ({ id: `a${i}`, from: 'n0', to: `n${w * w - 1}` }))
    const r = await call('POST', '/v1/markets/equilibrium', { nodes, edges, agents, directed: false })
    expect(r.status).toBe(422)
    expect(r.body.type).toBe('/problems/budget_exceeded')
    expect(r.body.budget).toBe('equilibrium_steps')
    expect(r.body.cpu_ms).toBe(500)
  })
})

describe('POST /v1/markets/equilibrium, stored topology', () => {
  it('4 agents across a 6-ring split 2 and 2; path latency from the hyperbolic edge length (BPR)', async () => {
    const name = freshId('eq')
    const topo = ring(6)
    expect((await call('PUT', `/v1/topologies/${name}`, topo, WRITE)).status).toBe(200)
    const agents = ['a', 'b', 'c', 'd'].map((id) => ({ id, from: 'r0', to: 'r3' }))
    const r = await call('POST', '/v1/markets/equilibrium', {
      topology: name,
      agents,
      edge_defaults: { capacity: 1 },
    })
    expect(r.status).toBe(200)
    expect(r.body.converged).toBe(true)
    const sides = r.body.paths.map((p: { nodes: string[] }) => p.nodes.join(','))
    expect(sides.filter((s: string) => s === 'r0,r1,r2,r3')).toHaveLength(2)
    expect(sides.filter((s: string) => s === 'r0,r5,r4,r3')).toHaveLength(2)
    const free = hyperbolic(topo.nodes[0]?.coords as number[], topo.nodes[1]?.coords as number[])
    const cost = 3 * free * (1 + 0.15 * 2 ** 4) // three edges at load 2, capacity 1
    for (const p of r.body.paths) expect(p.cost).toBeCloseTo(cost, 9)
    expect(r.body.social_cost).toBeCloseTo(4 * cost, 9)
    expect(r.body.optimum.method).toBe('exact')
    expect(r.body.price_of_anarchy).toBeCloseTo(1, 12)
  })

  it('an unknown topology is a 404, an unknown agent node a 400 with its pointer', async () => {
    const missing = await call('POST', '/v1/markets/equilibrium', {
      topology: freshId('none'),
      agents: [{ id: 'a', from: 'r0', to: 'r1' }],
    })
    expect([missing.status, missing.body.type]).toEqual([404, '/problems/topology_not_found'])
    const name = freshId('eq')
    await call('PUT', `/v1/topologies/${name}`, ring(4), WRITE)
    const r = await call('POST', '/v1/markets/equilibrium', {
      topology: name,
      agents: [{ id: 'a', from: 'r0', to: 'nowhere' }],
    })
    expect([r.status, r.body.type]).toEqual([400, '/problems/unknown_node'])
    expect(r.body.errors?.[0]?.pointer).toBe('/agents/0/to')
  })

  it('a split stored graph: an unreachable destination is a 400 disconnected', async () => {
    const name = freshId('eq')
    const topo = { ...ring(4), edges: [['r0', 'r1']] }
    expect((await call('PUT', `/v1/topologies/${name}`, topo, WRITE)).status).toBe(200)
    const r = await call('POST', '/v1/markets/equilibrium', {
      topology: name,
      agents: [{ id: 'a', from: 'r0', to: 'r2' }],
    })
    expect([r.status, r.body.type]).toEqual([400, '/problems/disconnected'])
  })
})
