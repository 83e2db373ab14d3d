// POST /v1/pareto over HTTP: the frontier and the chosen placement, config defaults, and precise refusals.
import { describe, expect, it } from 'vitest'
import { call } from '../support/http.ts'

const nodes = [
  {
    id: 'near',
    point: [0, 0],
    region: 'eu',
    capacity: { cpu: 4 },
    cost_per_unit_hour: { cpu: 0.09 },
    carbon_intensity: 500,
  },
  {
    id: 'green',
    point: [0.6, 0],
    region: 'eu',
    capacity: { cpu: 4 },
    cost_per_unit_hour: { cpu: 0.05 },
    carbon_intensity: 20,
  },
  {
    id: 'cheap',
    point: [-0.6, 0],
    region: 'us',
    capacity: { cpu: 4 },
    cost_per_unit_hour: { cpu: 0.01 },
    carbon_intensity: 400,
    availability: 0.9,
  },
  {
    id: 'solid',
    point: [0, 0.6],
    region: 'us',
    capacity: { cpu: 4 },
    cost_per_unit_hour: { cpu: 0.07 },
    carbon_intensity: 300,
    availability: 0.9999,
  },
]
const demands = [{ workload: 'api', replicas: 2, request: { cpu: 1 }, affinity: [0.05, 0] }]
const weights = { performance: 0.4, cost: 0.2, reliability: 0.3, sustainability: 0.1 }
type T = { perf: number; rel: number; sust: number; cost: number }
const dominates = (x: T, y: T) =>
  x.perf >= y.perf &&
  x.rel >= y.rel &&
  x.sust >= y.sust &&
  x.cost <= y.cost &&
  (x.perf > y.perf || x.rel > y.rel || x.sust > y.sust || x.cost < y.cost)

describe('POST /v1/pareto', () => {
  it('returns non-dominated points, one of them chosen by the given weights, and that placement', async () => {
    const r = await call('POST', '/v1/pareto', { nodes, demands, weights })
    expect(r.status).toBe(200)
    const points = r.body.points as { weights: typeof weights; terms: T; J: number; chosen: boolean }[]
    expect(points.filter((p) => p.chosen)).toHaveLength(1)
    const chosen = points.find((p) => p.chosen)
    expect(chosen?.weights).toEqual(weights)
    expect(chosen?.terms).toEqual(r.body.chosen.terms)
    // the four objectives pull apart here, so the frontier has several points
    expect(points.length).toBeGreaterThan(2)
    for (const p of points) {
      for (const q of points) expect(dominates(q.terms, p.terms)).toBe(false)
      const w = weights
      expect(p.J).toBeCloseTo(
        w.performance * p.terms.perf +
          w.reliability * p.terms.rel +
          w.sustainability * p.terms.sust -
          w.cost * p.terms.cost,
        12,
      )
    }
    expect(r.body.chosen.method).toBe('exact')
    expect(r.body.chosen.assignments).toHaveLength(2)
    expect(r.body.chosen.unplaced).toEqual([])
  })

  it('performance-only weights put both replicas on the nodes nearest the affinity point', async () => {
    const r = await call('POST', '/v1/pareto', {
      nodes,
      demands,
      weights: { performance: 1, cost: 0, reliability: 0, sustainability: 0 },
    })
    expect(r.status).toBe(200)
    // d(near) = 0.1 < d(green) = 1.28 < d(solid) = 1.39 < d(cheap) = 1.49
    expect(r.body.chosen.assignments.map((a: { node: string }) => a.node)).toEqual(['near', 'green'])
  })

  it('weights and kappa default to the mom_config (given or default)', async () => {
    const d = await call('POST', '/v1/pareto', { nodes, demands })
    expect(d.status).toBe(200)
    expect(d.body.weights).toEqual(weights)
    expect(d.body.kappa).toBe(1)
    const goals = { performance: 0.1, cost: 0.7, reliability: 0.1, sustainability: 0.1 }
    const c = await call('POST', '/v1/pareto', {
      nodes,
      demands,
      config: { optimization_goals: goals, geometry: { curvature: 2 } },
    })
    expect(c.status).toBe(200)
    expect(c.body.weights).toEqual(goals)
    expect(c.body.kappa).toBe(2)
    // cost dominates: the cheapest nodes
    expect(c.body.chosen.assignments.map((a: { node: string }) => a.node)).toEqual(['green', 'cheap'])
  })

  it('an infeasible problem is a 200 whose unplaced replicas say why', async () => {
    const r = await call('POST', '/v1/pareto', {
      nodes,
      demands: [
        { workload: 'huge', replicas: 1, request: { cpu: 64 } },
        {
          workload: 'nowhere',
          replicas: 1,
          request: { cpu: 1 },
          avoid_nodes: ['near', 'green', 'cheap', 'solid'],
        },
        { workload: 'five', replicas: 5, request: { cpu: 0.1 } },
        { workload: 'remote', replicas: 1, request: { cpu: 1 }, affinity: [0.99, 0], max_distance: 0.1 },
      ],
      weights,
    })
    expect(r.status).toBe(200)
    const why = Object.fromEntries(
      r.body.chosen.unplaced.map((u: { workload: string; reason: string; replicas: number }) => [
        u.workload,
        [u.reason, u.replicas],
      ]),
    )
    expect(why).toEqual({
      huge: ['capacity', 1],
      nowhere: ['policy', 1],
      five: ['distinct', 1],
      remote: ['distance', 1],
    })
  })

  it('refuses bad input with precise 400s', async () => {
    const bad = async (body: unknown, type: string, pointer?: string) => {
      const r = await call('POST', '/v1/pareto', body)
      expect(r.status, JSON.stringify(r.body)).toBe(400)
      expect(r.body.type).toBe(`/problems/${type}`)
      if (pointer) expect(r.body.errors?.[0]?.pointer).toBe(pointer)
    }
    await bad({ nodes, demands, weights: { ...weights, cost: 0.5 } }, 'validation_failed')
    await bad(
      { nodes, demands: [{ ...demands[0], locality: [{ near: 'ghost', max_distance: 1 }] }] },
      'unknown_node',
      '/demands/0/locality/0/near',
    )
    await bad({ nodes: [{ ...nodes[0], point: [1.2, 0] }], demands }, 'invalid_point', '/nodes/0/point')
    await bad(
      { nodes, demands: [{ ...demands[0], affinity: [0.5, 0.9] }] },
      'invalid_point',
      '/demands/0/affinity',
    )
    await bad({ nodes: [nodes[0], nodes[0]], demands }, 'duplicate_node', '/nodes/1/id')
    await bad({ nodes: [], demands }, 'validation_failed')
    await bad(
      { nodes, demands: [{ ...demands[0], max_distance: 1, affinity: undefined }] },
      'validation_failed',
    )
    await bad({ nodes, demands: [demands[0], demands[0]] }, 'validation_failed')
  })

  it('a problem too large for its budget is a 422 budget_exceeded naming the budget', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({
      id: `n${i}`,
      point: [0.8 * Math.cos(i), 0.8 * Math.sin(i) * ((i % 97) / 97)],
      capacity: { cpu: 64 },
    }))
    const work = Array.from({ length: 2000 }, (_, i) => ({
      workload: `w${i}`,
      replicas: 10,
      request: { cpu: 1 },
      affinity: [0.5 * Math.sin(i), 0.5 * Math.cos(3 * i)],
    }))
    const r = await call('POST', '/v1/pareto', { nodes: many, demands: work, weights })
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({ type: '/problems/budget_exceeded', budget: 'pareto_steps' })
  })
})
