// place(): exact against brute force, every hard constraint, reasons for what cannot be placed, stability, scale.
import { describe, expect, it } from 'vitest'
import { StepBudget } from '../../functions/budget/index.ts'
import {
  type PlacementDemand,
  PlacementError,
  type PlacementNode,
  type PlacementProblem,
  place,
  usedAfter,
} from '../../functions/placement/index.ts'
import { randomProblem, WEIGHTS } from './instances.ts'
import { bruteForce, feasible, must, refSurrogate, refValue } from './reference.ts'

const node = (id: string, x: number, extra: Partial<PlacementNode> = {}): PlacementNode => ({
  id,
  point: [x, 0],
  region: 'eu',
  capacity: { cpu: 4, memory: 8 },
  cost_per_unit_hour: { cpu: 0.05, memory: 0.01 },
  availability: 0.99,
  carbon_intensity: 200,
  health: 'up',
  ...extra,
})
const demand = (workload: string, extra: Partial<PlacementDemand> = {}): PlacementDemand => ({
  workload,
  replicas: 1,
  request: { cpu: 1, memory: 1 },
  affinity: [0, 0],
  preferred_regions: [],
  avoid_nodes: [],
  locality: [],
  distinct: true,
  current: [],
  ...extra,
})
const problem = (nodes: PlacementNode[], demands: PlacementDemand[]): PlacementProblem => ({
  nodes,
  demands,
  weights: WEIGHTS,
  kappa: 1,
})

describe('place: exact', () => {
  it('matches brute force on 40 random tiny instances (tight capacity, down and degraded nodes)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const p = randomProblem(seed, 4, 2, { maxReplicas: 2, tight: true })
      const r = place(p)
      expect(r.method, `seed ${seed}`).toBe('exact')
      expect(feasible(p, r.assignments), `seed ${seed}`).toBe(true)
      expect(refSurrogate(p, r.assignments), `seed ${seed}`).toBeCloseTo(bruteForce(p), 9)
    }
  })

  it('reports J and terms as the averages of the documented per-replica terms', () => {
    const p = randomProblem(7, 4, 2, { maxReplicas: 2 })
    const r = place(p)
    const R = p.demands.reduce((s, d) => s + d.replicas, 0)
    let J = 0
    for (const a of r.assignments)
      J +=
        must(
          refValue(
            p,
            p.demands.findIndex((d) => d.workload === a.workload),
            p.nodes.findIndex((n) => n.id === a.node),
          ),
        ).value / R
    expect(r.J).toBeCloseTo(J, 12)
    const w = p.weights
    expect(r.J).toBeCloseTo(
      w.performance * r.terms.perf +
        w.reliability * r.terms.rel +
        w.sustainability * r.terms.sust -
        w.cost * r.terms.cost,
      12,
    )
  })

  it('is deterministic: the same problem gives the same answer bit for bit', () => {
    const p = randomProblem(3, 5, 3)
    expect(JSON.stringify(place(p))).toBe(JSON.stringify(place(structuredClone(p))))
  })
})

describe('place: hard constraints', () => {
  it('never uses an avoided or down node, even when it is the best one', () => {
    const p = problem(
      [node('best', 0), node('dead', 0.01, { health: 'down' }), node('far', 0.6)],
      [demand('w', { avoid_nodes: ['best'] })],
    )
    const r = place(p)
    expect(r.assignments).toEqual([{ workload: 'w', node: 'far' }])
  })

  it('preferred regions filter when their nodes can host every replica', () => {
    const p = problem(
      [node('near-us', 0, { region: 'us' }), node('far-eu', 0.8, { region: 'eu' })],
      [demand('w', { preferred_regions: ['eu'] })],
    )
    expect(place(p).assignments).toEqual([{ workload: 'w', node: 'far-eu' }])
  })

  it('preferred regions are a preference when they cannot host every replica: they fill first', () => {
    const p = problem(
      [
        node('a-us', 0, { region: 'us' }),
        node('b-us', 0.1, { region: 'us' }),
        node('c-eu', 0.8, { region: 'eu' }),
      ],
      [demand('w', { replicas: 2, preferred_regions: ['eu'] })],
    )
    expect(place(p).assignments.map((a) => a.node)).toEqual(['a-us', 'c-eu'])
  })

  it('keeps max_distance from the affinity point and locality bounds', () => {
    const p = problem(
      [node('o', 0), node('mid', 0.5), node('edge', 0.9)],
      // d(o, mid) = 2 atanh(0.5) = 1.0986; d(mid, edge) = 1.846
      [demand('w', { affinity: [0.5, 0], max_distance: 2, locality: [{ near: 'edge', max_distance: 2 }] })],
    )
    expect(place(p).assignments).toEqual([{ workload: 'w', node: 'mid' }])
  })

  it('distinct replicas go to distinct nodes; non-distinct may share one', () => {
    const nodes = [node('a', 0), node('b', 0.7)]
    const d = place(problem(nodes, [demand('w', { replicas: 2 })]))
    expect(d.assignments.map((a) => a.node)).toEqual(['a', 'b'])
    const s = place(problem(nodes, [demand('w', { replicas: 2, distinct: false })]))
    expect(s.assignments.map((a) => a.node)).toEqual(['a', 'a'])
  })

  it('respects capacity in every unit, including units only some nodes have, and `used`', () => {
    const p: PlacementProblem = {
      ...problem(
        [
          node('a', 0, { capacity: { cpu: 4, memory: 8, gpu: 1 } }),
          node('b', 0.3, { capacity: { cpu: 4, memory: 8 } }),
        ],
        [
          demand('g', { replicas: 2, distinct: false, request: { cpu: 1, gpu: 1 } }),
          demand('c', { request: { cpu: 3 } }),
        ],
      ),
      used: { a: { cpu: 2 } },
    }
    const r = place(p)
    expect(r.assignments).toEqual([
      { workload: 'g', node: 'a' },
      { workload: 'c', node: 'b' },
    ])
    expect(r.unplaced).toMatchObject([{ workload: 'g', replicas: 1, reason: 'capacity' }])
  })
})

describe('place: infeasible replicas come back with reasons', () => {
  it('policy, distance, distinct and capacity', () => {
    const p = problem(
      [node('a', 0, { capacity: { cpu: 1, memory: 8 } }), node('b', 0.5, { health: 'down' })],
      [
        demand('avoided', { avoid_nodes: ['a'] }),
        demand('remote', { affinity: [0.99, 0], max_distance: 0.5 }),
        demand('twins', { replicas: 2, request: { cpu: 0.5 } }),
        demand('big', { request: { cpu: 2 } }),
      ],
    )
    const r = place(p)
    const why = Object.fromEntries(r.unplaced.map((u) => [u.workload, [u.reason, u.replicas]]))
    expect(why).toEqual({
      avoided: ['policy', 1],
      remote: ['distance', 1],
      twins: ['distinct', 1],
      big: ['capacity', 1],
    })
  })

  it('refuses malformed problems with a named error: unknown locality node, point outside the ball', () => {
    const bad = problem([node('a', 0)], [demand('w', { locality: [{ near: 'ghost', max_distance: 1 }] })])
    expect(() => place(bad)).toThrow(PlacementError)
    const out = problem([node('a', 1.5)], [demand('w')])
    expect(() => place(out)).toThrowError(
      expect.objectContaining({ issue: 'invalid_point', pointer: '/nodes/0/point' }),
    )
  })
})

describe('place: stability', () => {
  it('keeps a replica on its current node when another is barely better, moves it when the gain is large', () => {
    // b is nearer the affinity point by a hair: J differs by far less than the stability bonus
    const nodes = [node('a', 0.001), node('b', 0)]
    const stay = place(problem(nodes, [demand('w', { current: ['a'] })]))
    expect(stay.assignments).toEqual([{ workload: 'w', node: 'a' }])
    expect(stay.moved).toBe(0)
    const far = [node('a', 0.8), node('b', 0)]
    const move = place(problem(far, [demand('w', { current: ['a'] })]))
    expect(move.assignments).toEqual([{ workload: 'w', node: 'b' }])
    expect(move.moved).toBe(1)
  })

  it('a current node that became forbidden is left', () => {
    const r = place(
      problem([node('a', 0, { health: 'down' }), node('b', 0.5)], [demand('w', { current: ['a'] })]),
    )
    expect(r.assignments).toEqual([{ workload: 'w', node: 'b' }])
    expect(r.moved).toBe(1)
  })
})

describe('place: heuristic', () => {
  it('on tiny instances stays within the exact optimum and below its bound', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const p = randomProblem(seed, 5, 3, { maxReplicas: 2, tight: true })
      const exact = place(p)
      const h = place(p, undefined, { heuristicOnly: true })
      expect(h.method).toBe('heuristic')
      expect(feasible(p, h.assignments), `seed ${seed}`).toBe(true)
      expect(refSurrogate(p, h.assignments)).toBeLessThanOrEqual(refSurrogate(p, exact.assignments) + 1e-9)
      expect(exact.J).toBeLessThanOrEqual((h.bound as number) + 1e-12)
      expect(h.J).toBeLessThanOrEqual((h.bound as number) + 1e-12)
    }
  })

  it('local search ejects an occupant to make room for a replica greedy could not place', () => {
    const p = problem(
      [
        node('A', 0, { capacity: { cpu: 2, memory: 2 } }),
        node('B', 0.5, { capacity: { cpu: 1, memory: 2 } }),
      ],
      // equal sizes, so y goes first and takes A, its best node; x fits only on A
      [demand('y', { request: { cpu: 1, memory: 2 } }), demand('x', { request: { cpu: 2, memory: 1 } })],
    )
    const h = place(p, undefined, { heuristicOnly: true })
    expect(h.unplaced).toEqual([])
    expect(h.assignments).toEqual([
      { workload: 'y', node: 'B' },
      { workload: 'x', node: 'A' },
    ])
  })

  it('places 500 workloads on 200 nodes feasibly, near its bound, and prunes exactly (same nodes as a full scan)', () => {
    const p = randomProblem(11, 200, 500, { maxReplicas: 3 })
    const r = place(p)
    expect(r.unplaced).toEqual([])
    expect(
      JSON.stringify(place(p, new StepBudget('unbounded', Number.POSITIVE_INFINITY, 0), { fullScan: true })),
    ).toBe(JSON.stringify(r))
    expect(r.method).toBe('heuristic')
    expect(feasible(p, r.assignments)).toBe(true)
    const down = new Set(p.nodes.filter((n) => n.health === 'down').map((n) => n.id))
    expect(r.assignments.some((a) => down.has(a.node))).toBe(false)
    expect(r.J).toBeLessThanOrEqual(r.bound as number)
    expect(r.J).toBeGreaterThan(0.8 * (r.bound as number))
  })
})

describe('place: chunks', () => {
  it('placing demands in two chunks with usedAfter never overfills a node', () => {
    const p = randomProblem(21, 30, 120, { maxReplicas: 3, tight: true })
    const first = { ...p, demands: p.demands.slice(0, 60) }
    const a = place(first)
    const second = { ...p, demands: p.demands.slice(60), used: usedAfter(first, a) }
    const b = place(second)
    const all = [...a.assignments, ...b.assignments]
    expect(feasible(p, all)).toBe(true)
    // the fleet is tight: the second chunk finds nodes the first one filled and leaves replicas unplaced
    expect(b.unplaced.some((u) => u.reason === 'capacity')).toBe(true)
    // without `used` the second chunk would place onto the room the first one took
    const blind = place({ ...second, used: undefined })
    expect(feasible(p, [...a.assignments, ...blind.assignments])).toBe(false)
  })
})
