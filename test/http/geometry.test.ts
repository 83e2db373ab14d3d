// The stateless geometric endpoints over HTTP: known answers, config defaults, and precise 400s.
import { describe, expect, it } from 'vitest'
import { call } from '../support/http.ts'

/** Nodes on the first axis at hyperbolic distance i from the origin, chained 0-1-2-...; a shortcut 0-4. */
const line = (n: number, extra: [string, string][] = []) => ({
  nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i}`, coords: [Math.tanh(i / 2), 0] })),
  edges: [...Array.from({ length: n - 1 }, (_, i) => [`n${i}`, `n${i + 1}`] as [string, string]), ...extra],
})

describe('POST /v1/route', () => {
  it('greedy forwarding by default (mom_config.geometry.routing_algorithm)', async () => {
    const r = await call('POST', '/v1/route', {
      topology: line(6, [['n0', 'n4']]),
      source: 'n0',
      target: { node: 'n5' },
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      mode: 'greedy_forwarding',
      kappa: 1,
      greedy: { status: 'delivered', path: ['n0', 'n4', 'n5'], hops: 2, remaining_distance: 0 },
    })
  })

  it('reads the algorithm and kappa from a config, and reports the local minimum', async () => {
    const topology = {
      nodes: [
        { id: 'a', coords: [-0.5, 0] },
        { id: 'b', coords: [0.5, 0] },
        { id: 'c', coords: [0.5, 0.1] },
      ],
      edges: [
        ['a', 'b'],
        ['a', 'c'],
      ],
    }
    const r = await call('POST', '/v1/route', {
      topology,
      source: 'b',
      target: { node: 'c' },
      config: { geometry: { curvature: 4 } },
    })
    expect(r.body.greedy).toMatchObject({ status: 'local_minimum', path: ['b'], stuck_at: 'b' })
    expect(r.body.kappa).toBe(4)
    // d for curvature -4 is half the curvature -1 distance
    expect(r.body.greedy.remaining_distance).toBeCloseTo(Math.acosh(1 + 0.02 / (0.75 * 0.74)) / 2, 12)
    const flow = await call('POST', '/v1/route', {
      topology,
      source: 'b',
      target: { node: 'c' },
      config: { geometry: { routing_algorithm: 'gradient_flow' } },
    })
    expect(flow.body).toMatchObject({ mode: 'gradient_flow', flow: { path: ['b', 'a', 'c'], hops: 2 } })
  })

  it('multipath_hyperbolic: k from the strategy (n_plus_1 = 2 paths)', async () => {
    const topology = {
      nodes: [
        { id: 's', coords: [0, 0] },
        { id: 'u1', coords: [0.3, 0.2] },
        { id: 'u2', coords: [0.5, 0.2] },
        { id: 'd1', coords: [0.3, -0.2] },
        { id: 'd2', coords: [0.5, -0.2] },
        { id: 't', coords: [0.7, 0] },
      ],
      edges: [
        ['s', 'u1'],
        ['u1', 'u2'],
        ['u2', 't'],
        ['s', 'd1'],
        ['d1', 'd2'],
        ['d2', 't'],
      ],
    }
    const r = await call('POST', '/v1/route', {
      topology,
      source: 's',
      target: { node: 't' },
      algorithm: 'multipath_hyperbolic',
      strategy: { strategy_id: 'ha', resilience_policy: { redundancy_level: 'n_plus_1' } },
    })
    expect(r.status).toBe(200)
    expect(r.body.strategy_applied).toBe(true)
    expect(r.body.paths.map((p: { path: string[] }) => p.path.join('>')).sort()).toEqual([
      's>d1>d2>t',
      's>u1>u2>t',
    ])
    expect(r.body.max_edge_share).toBeCloseTo(0.5, 9)
  })

  it('without edges: the k nearest nodes, with the placement policy applied', async () => {
    const nodes = [
      { id: 'a', coords: [0.1, 0], region: 'eu' },
      { id: 'b', coords: [0.2, 0], region: 'us' },
      { id: 'c', coords: [0.3, 0], region: 'eu' },
      { id: 'd', coords: [-0.9, 0], region: 'eu' },
    ]
    const r = await call('POST', '/v1/route', { topology: { nodes }, target: { point: [0, 0] }, k: 2 })
    expect(r.body.mode).toBe('k_nearest')
    expect(r.body.nearest.map((x: { id: string }) => x.id)).toEqual(['a', 'b'])
    expect(r.body.nearest[0].distance).toBeCloseTo(Math.log(1.1 / 0.9), 12)
    const strategy = {
      strategy_id: 'place',
      trigger_conditions: { workload_types: ['batch'] },
      scaling_policy: { min_replicas: 2, max_replicas: 4 },
      placement_policy: { preferred_regions: ['eu'], avoid_nodes: ['a'] },
    }
    const placed = await call('POST', '/v1/route', {
      topology: { nodes },
      target: { point: [0, 0] },
      strategy,
      situation: { workload_type: 'batch' },
    })
    expect(placed.body.nearest.map((x: { id: string }) => x.id)).toEqual(['c', 'd'])
    const other = await call('POST', '/v1/route', {
      topology: { nodes },
      target: { point: [0, 0] },
      strategy,
      situation: { workload_type: 'streaming' },
    })
    expect(other.body.strategy_applied).toBe(false)
    expect(other.body.nearest.map((x: { id: string }) => x.id)).toEqual(['a', 'b', 'c', 'd']) // config k_nearest = 5
  })
})

describe('bad input is a precise 400', () => {
  const bad = async (body: unknown, type: string, path = '/v1/route') => {
    const r = await call('POST', path, body)
    expect(r.status).toBe(400)
    expect(r.type).toBe('application/problem+json')
    expect(r.body.type).toBe(`/problems/${type}`)
    return r.body
  }

  it('a point on or outside the boundary, NaN-free but outside, or of another dimension', async () => {
    const t = { nodes: [{ id: 'a', coords: [0.6, 0.8] }] }
    const b = await bad({ topology: t, target: { point: [0, 0] } }, 'invalid_point')
    expect(b.errors[0].pointer).toBe('/topology/nodes/0/coords')
    expect(b.issue).toBe('outside_ball')
    const d = await bad(
      {
        topology: {
          nodes: [
            { id: 'a', coords: [0.1, 0] },
            { id: 'b', coords: [0.1, 0, 0] },
          ],
        },
        target: { point: [0, 0] },
      },
      'invalid_point',
    )
    expect(d).toMatchObject({
      issue: 'dimension_mismatch',
      errors: [{ pointer: '/topology/nodes/1/coords' }],
    })
    // projection only when asked: then it routes
    const ok = await call('POST', '/v1/route', {
      topology: t,
      target: { point: [0, 0] },
      boundary: 'project',
    })
    expect(ok.status).toBe(200)
  })

  it('unknown and duplicate node ids, a missing source, a disconnected graph', async () => {
    const u = await bad(
      { topology: line(3, [['n0', 'zz']]), source: 'n0', target: { node: 'n2' } },
      'unknown_node',
    )
    expect(u.errors[0].pointer).toBe('/topology/edges/2/1')
    const t = line(2)
    t.nodes.push({ id: 'n0', coords: [0, 0.1] })
    expect((await bad({ topology: t, source: 'n0', target: { node: 'n1' } }, 'duplicate_node')).node).toBe(
      'n0',
    )
    await bad({ topology: line(3), target: { node: 'n2' } }, 'source_required')
    const split = line(4)
    split.edges = [['n0', 'n1']]
    expect(
      (await bad({ topology: split, source: 'n0', target: { node: 'n1' } }, 'disconnected')).components,
    ).toBe(3)
  })

  it('too many nodes for a request, and goal weights that do not sum to 1', async () => {
    const many = { nodes: Array.from({ length: 10_001 }, (_, i) => ({ id: `${i}`, coords: [0, 0] })) }
    const b = await bad({ topology: many, target: { point: [0, 0] } }, 'validation_failed')
    expect(b.errors.some((e: { message: string }) => /at most 10000 nodes per request/.test(e.message))).toBe(
      true,
    )
    const goals = { performance: 0.5, cost: 0.5, reliability: 0.5, sustainability: 0 }
    const w = await bad(
      { topology: line(2), source: 'n0', target: { node: 'n1' }, config: { optimization_goals: goals } },
      'validation_failed',
    )
    expect(w.errors[0]).toMatchObject({ pointer: '/config/optimization_goals' })
    expect(w.errors[0].message).toMatch(/sum to 1 \(they sum to 1.5\)/)
  })
})

describe('POST /v1/embed', () => {
  it('gives coordinates on which greedy routing delivers between every pair', async () => {
    // a 4 x 4 grid: a plain layout at the origin would make greedy fail everywhere
    const nodes = Array.from({ length: 16 }, (_, i) => ({ id: `g${i}`, coords: [0, 0] }))
    const edges: [string, string][] = []
    for (let i = 0; i < 16; i++) {
      if (i % 4 < 3) edges.push([`g${i}`, `g${i + 1}`])
      if (i < 12) edges.push([`g${i}`, `g${i + 4}`])
    }
    const r = await call('POST', '/v1/embed', {
      topology: { nodes, edges },
      config: { geometry: { embedding_dimension: 3 } },
    })
    expect(r.status).toBe(200)
    expect(r.body.greedy).toMatchObject({ pairs: 240, delivered: 240, success_rate: 1 })
    expect(r.body.greedy.mean_stretch).toBeGreaterThanOrEqual(1)
    expect(r.body.dimension).toBe(3)
    expect(r.body.nodes[0].coords).toHaveLength(3)
    // and /v1/route agrees, from the corner to the opposite corner
    const route = await call('POST', '/v1/route', {
      topology: { nodes: r.body.nodes, edges },
      source: 'g0',
      target: { node: 'g15' },
    })
    expect(route.body.greedy.status).toBe('delivered')
  })

  it('refuses a disconnected graph', async () => {
    const t = line(4)
    t.edges = [['n0', 'n1']]
    const r = await call('POST', '/v1/embed', { topology: t })
    expect(r.body).toMatchObject({ status: 400, type: '/problems/disconnected', component_sizes: [2, 1, 1] })
  })
})

describe('POST /v1/consensus', () => {
  it('weights exp(-kappa d), tallies against quorum and threshold', async () => {
    const voters = [
      { id: 'near', coords: [0, 0], vote: 'yes' },
      { id: 'far', coords: [0.5, 0], vote: 'no' },
      { id: 'silent', coords: [-0.5, 0], vote: null },
    ]
    const r = await call('POST', '/v1/consensus', { voters, proposal: [0, 0], kappa: 2 })
    expect(r.status).toBe(200)
    // d(0, 0.5) = ln 3 for curvature -1, ln(3) / sqrt(2) for curvature -2; weight exp(-2 d)
    const d = Math.log(3) / Math.SQRT2
    expect(r.body.weights[1].distance).toBeCloseTo(d, 12)
    expect(r.body.weights[1].weight).toBeCloseTo(Math.exp(-2 * d), 12)
    const w = Math.exp(-2 * d)
    expect(r.body.participation).toBeCloseTo((1 + w) / (1 + 2 * w), 12)
    expect(r.body.approval).toBeCloseTo(1 / (1 + w), 12)
    expect(r.body).toMatchObject({ quorum: 0.5, threshold: 0.5, quorum_met: true, result: 'accepted' })
    const strict = await call('POST', '/v1/consensus', { voters, proposal: [0, 0], kappa: 2, quorum: 0.95 })
    expect(strict.body).toMatchObject({ quorum_met: false, result: 'no_quorum' })
  })

  it('duplicate voters and a proposal of the wrong dimension are 400s', async () => {
    const v = { id: 'x', coords: [0, 0], vote: 'yes' }
    expect((await call('POST', '/v1/consensus', { voters: [v, v], proposal: [0, 0] })).body.type).toBe(
      '/problems/validation_failed',
    )
    const r = await call('POST', '/v1/consensus', { voters: [v], proposal: [0, 0, 0] })
    expect(r.body).toMatchObject({
      type: '/problems/invalid_point',
      issue: 'dimension_mismatch',
      errors: [{ pointer: '/voters/0/coords' }],
    })
  })
})

describe('lifecycle', () => {
  it('spawn from a parent: the child is at the asked distance, further from the origin', async () => {
    const r = await call('POST', '/v1/spawn', { parent: [0.3, 0.4], distance: 1.5 })
    expect(r.body.distance_from_parent).toBeCloseTo(1.5, 9)
    const [x, y] = r.body.coords
    expect(x / y).toBeCloseTo(0.75, 9) // along the ray through the parent
    // from the origin along that ray: 2 artanh(0.5) + 1.5
    expect(2 * Math.atanh(Math.hypot(x, y))).toBeCloseTo(2 * Math.atanh(0.5) + 1.5, 9)
  })

  it('spawn refuses a direction of another dimension and an affinity outside the ball', async () => {
    const d = await call('POST', '/v1/spawn', { parent: [0.3, 0.4], distance: 1, direction: [1, 0, 0] })
    expect(d.body).toMatchObject({
      status: 400,
      issue: 'dimension_mismatch',
      errors: [{ pointer: '/direction' }],
    })
    const a = await call('POST', '/v1/spawn', {
      affinities: [
        { point: [0.1, 0], weight: 1 },
        { point: [2, 0], weight: 1 },
      ],
    })
    expect(a.body).toMatchObject({ issue: 'outside_ball', errors: [{ pointer: '/affinities/1/point' }] })
  })

  it('spawn from affinities: the weighted Fréchet mean (two symmetric points: the origin)', async () => {
    const r = await call('POST', '/v1/spawn', {
      affinities: [
        { point: [0.5, 0], weight: 1 },
        { point: [-0.5, 0], weight: 1 },
      ],
    })
    expect(Math.hypot(...r.body.coords)).toBeLessThan(1e-12)
  })

  it('migrate: evenly spaced geodesic waypoints', async () => {
    const r = await call('POST', '/v1/migrate', { from: [0, 0], to: [0.5, 0], steps: 2 })
    expect(r.body.distance).toBeCloseTo(Math.log(3), 12)
    expect(r.body.waypoints).toHaveLength(3)
    // the midpoint of 0 and 0.5 on the axis is at hyperbolic distance ln(3)/2: tanh(ln(3)/4)
    expect(r.body.waypoints[1][0]).toBeCloseTo(Math.tanh(Math.log(3) / 4), 12)
  })

  it('terminate: routes still deliver around a node on a cycle, and the answer says why not on a path', async () => {
    const ring = line(6, [['n5', 'n0']])
    const ok = await call('POST', '/v1/terminate', { topology: ring, node: 'n3' })
    expect(ok.body).toMatchObject({ removed: ['n3'], connected: true })
    const cut = await call('POST', '/v1/terminate', { topology: line(5), node: 'n2' })
    expect(cut.body).toMatchObject({ connected: false, components: 2, routes_ok: false })
    expect(cut.body.failures[0].reason).toBe('disconnected')
    expect(cut.body.why).toMatch(/2 components/)
  })
})
