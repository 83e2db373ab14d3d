// Regression (issue 10): every strategy field holds on every routing algorithm, or the answer says which did not.
import { describe, expect, it } from 'vitest'
import { call, freshId, WRITE } from '../support/http.ts'

/** a-b-c and a-d-c: b lies on the straight line from a to c, so every algorithm goes through b unless told not to. */
const square = {
  nodes: [
    { id: 'a', coords: [-0.5, 0] },
    { id: 'b', coords: [0, 0.05], region: 'us' },
    { id: 'c', coords: [0.5, 0] },
    { id: 'd', coords: [0, -0.5], region: 'eu' },
  ],
  edges: [
    ['a', 'b'],
    ['b', 'c'],
    ['a', 'd'],
    ['d', 'c'],
  ],
}
const avoidB = { strategy_id: 'avoid-b', placement_policy: { avoid_nodes: ['b'] } }
const pathOf = (body: any): string[] => body.greedy?.path ?? body.flow?.path ?? body.paths?.[0]?.path

const algorithms = ['greedy_forwarding', 'multipath_hyperbolic', 'gradient_flow'] as const

describe('avoid_nodes on graphs with edges', () => {
  for (const algorithm of algorithms) {
    it(`${algorithm}: the path goes through b without the strategy and around it with avoid_nodes: [b]`, async () => {
      const base = { topology: square, source: 'a', target: { node: 'c' }, algorithm, k: 1 }
      const free = await call('POST', '/v1/route', base)
      expect(free.status).toBe(200)
      expect(pathOf(free.body)).toEqual(['a', 'b', 'c'])
      const r = await call('POST', '/v1/route', { ...base, strategy: avoidB })
      expect(r.status).toBe(200)
      expect(pathOf(r.body)).toEqual(['a', 'd', 'c'])
      expect(r.body.strategy_applied).toBe(true)
      expect(r.body.strategy_fields.applied).toContain('placement_policy.avoid_nodes')
      expect(r.body.strategy_fields.not_applied.map((x: any) => x.field)).not.toContain(
        'placement_policy.avoid_nodes',
      )
    })
  }

  it('multipath: no path of any rank uses an avoided node', async () => {
    const r = await call('POST', '/v1/route', {
      topology: square,
      source: 'a',
      target: { node: 'c' },
      algorithm: 'multipath_hyperbolic',
      k: 3,
      strategy: avoidB,
    })
    expect(r.status).toBe(200)
    for (const p of r.body.paths) expect(p.path).not.toContain('b')
  })

  it('greedy stops at a local minimum rather than step on the only way through an avoided node', async () => {
    const line = {
      nodes: square.nodes.slice(0, 3),
      edges: [
        ['a', 'b'],
        ['b', 'c'],
      ],
    }
    const r = await call('POST', '/v1/route', {
      topology: line,
      source: 'a',
      target: { node: 'c' },
      strategy: avoidB,
    })
    expect(r.status).toBe(200)
    expect(r.body.greedy).toMatchObject({ status: 'local_minimum', path: ['a'], stuck_at: 'a' })
  })

  it('cost-aware algorithms say the graph is cut when the avoided nodes separate source and target', async () => {
    const line = {
      nodes: square.nodes.slice(0, 3),
      edges: [
        ['a', 'b'],
        ['b', 'c'],
      ],
    }
    for (const algorithm of ['multipath_hyperbolic', 'gradient_flow']) {
      const r = await call('POST', '/v1/route', {
        topology: line,
        source: 'a',
        target: { node: 'c' },
        algorithm,
        strategy: avoidB,
      })
      expect(r.status).toBe(400)
      expect(r.body).toMatchObject({ type: '/problems/disconnected' })
      expect(r.body.detail).toContain('avoided')
    }
  })

  it('an avoided target or source is reported as not applied, never silently', async () => {
    const r = await call('POST', '/v1/route', {
      topology: square,
      source: 'a',
      target: { node: 'b' },
      algorithm: 'gradient_flow',
      strategy: avoidB,
    })
    expect(r.status).toBe(200)
    expect(r.body.strategy_fields.applied).not.toContain('placement_policy.avoid_nodes')
    expect(r.body.strategy_fields.not_applied).toContainEqual({
      field: 'placement_policy.avoid_nodes',
      reason: 'the target node is itself avoided',
    })
  })
})

describe('stored topologies (the Topology object routes with the same core)', () => {
  it('avoid_nodes holds on a stored graph for every algorithm', async () => {
    const name = freshId('avoid')
    const put = await call('PUT', `/v1/topologies/${name}`, { dimension: 2, ...square }, WRITE)
    expect(put.status).toBeLessThan(300)
    for (const algorithm of algorithms) {
      const base = { topology_name: name, source: 'a', target: { node: 'c' }, algorithm, k: 1 }
      expect(pathOf((await call('POST', '/v1/route', base)).body)).toEqual(['a', 'b', 'c'])
      const r = await call('POST', '/v1/route', { ...base, strategy: avoidB })
      expect(r.status).toBe(200)
      expect(pathOf(r.body)).toEqual(['a', 'd', 'c'])
      expect(r.body.strategy_fields.applied).toContain('placement_policy.avoid_nodes')
    }
  })
})

describe('the other strategy fields, per algorithm', () => {
  it('a point target on a cost-aware algorithm ends at the nearest node the placement policy allows', async () => {
    const r = await call('POST', '/v1/route', {
      topology: square,
      source: 'a',
      target: { point: [0, 0.1] }, // nearest node: b, which is avoided
      algorithm: 'gradient_flow',
      strategy: { strategy_id: 's', placement_policy: { avoid_nodes: ['b'], preferred_regions: ['eu'] } },
    })
    expect(r.status).toBe(200)
    expect(r.body.flow.path).toEqual(['a', 'd'])
    expect(r.body.strategy_fields.applied).toEqual([
      'placement_policy.avoid_nodes',
      'placement_policy.preferred_regions',
    ])
  })

  it('a point target no node may serve is a 422 no_allowed_node, not a route to a forbidden node', async () => {
    const r = await call('POST', '/v1/route', {
      topology: square,
      source: 'a',
      target: { point: [0, 0.1] },
      algorithm: 'multipath_hyperbolic',
      strategy: { strategy_id: 's', placement_policy: { avoid_nodes: ['a', 'b', 'c', 'd'] } },
    })
    expect(r.status).toBe(422)
    expect(r.body.type).toBe('/problems/no_allowed_node')
  })

  it('a named target: placement constraints that choose nodes are reported as not applied', async () => {
    const r = await call('POST', '/v1/route', {
      topology: square,
      source: 'a',
      target: { node: 'c' },
      algorithm: 'multipath_hyperbolic',
      strategy: { strategy_id: 's', placement_policy: { preferred_regions: ['eu'] } },
    })
    expect(r.status).toBe(200)
    const skipped = r.body.strategy_fields.not_applied.map((x: any) => x.field)
    expect(skipped).toContain('placement_policy.preferred_regions')
    expect(skipped).toContain('scaling_policy')
    expect(r.body.strategy_fields.applied).toContain('resilience_policy.redundancy_level')
  })

  it('single-path algorithms say redundancy did not apply; multipath applies it as k', async () => {
    const strategy = { strategy_id: 'ha', resilience_policy: { redundancy_level: 'n_plus_1' } }
    for (const algorithm of ['greedy_forwarding', 'gradient_flow']) {
      const r = await call('POST', '/v1/route', {
        topology: square,
        source: 'a',
        target: { node: 'c' },
        algorithm,
        strategy,
      })
      expect(r.body.strategy_fields.not_applied.map((x: any) => x.field)).toContain(
        'resilience_policy.redundancy_level',
      )
    }
    const m = await call('POST', '/v1/route', {
      topology: square,
      source: 'a',
      target: { node: 'c' },
      algorithm: 'multipath_hyperbolic',
      strategy,
    })
    expect(m.body.paths).toHaveLength(2)
    expect(m.body.strategy_fields.applied).toContain('resilience_policy.redundancy_level')
  })

  it('k-nearest (no edges): avoided nodes are never returned, and the placement fields are applied', async () => {
    const r = await call('POST', '/v1/route', {
      topology: { nodes: square.nodes },
      target: { point: [0, 0.1] },
      k: 2,
      strategy: avoidB,
    })
    expect(r.status).toBe(200)
    expect(r.body.nearest.map((n: any) => n.id)).not.toContain('b')
    expect(r.body.nearest).toHaveLength(2)
    expect(r.body.strategy_fields.applied).toContain('placement_policy.avoid_nodes')
    expect(r.body.strategy_fields.not_applied.map((x: any) => x.field)).toContain('scaling_policy')
  })

  it('no strategy, or one whose triggers do not match: no strategy_fields, nothing claimed', async () => {
    const r = await call('POST', '/v1/route', {
      topology: square,
      source: 'a',
      target: { node: 'c' },
      strategy: { ...avoidB, trigger_conditions: { workload_types: ['batch'] } },
      situation: { workload_type: 'interactive' },
    })
    expect(r.body.strategy_applied).toBe(false)
    expect(r.body.strategy_fields).toBeUndefined()
    expect(r.body.greedy.path).toEqual(['a', 'b', 'c'])
  })
})
