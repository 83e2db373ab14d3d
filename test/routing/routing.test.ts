// Greedy forwarding, multipath, gradient flow and k-nearest on small graphs with known answers.
import { describe, expect, it } from 'vitest'
import { gradientFlow, greedyRoute, kNearest, multipath, Topology } from '../../functions/routing/index.ts'
import { onLine, topologyOf } from './graphs.ts'

describe('greedy forwarding', () => {
  it('walks a path graph laid out on a geodesic, hop by hop', () => {
    const t = topologyOf(
      6,
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
        [4, 5],
      ],
      onLine,
    )
    expect(greedyRoute(t, 0, { node: 5 })).toMatchObject({
      status: 'delivered',
      path: [0, 1, 2, 3, 4, 5],
      remaining: 0,
    })
    expect(greedyRoute(t, 4, { node: 1 }).path).toEqual([4, 3, 2, 1])
  })

  it('takes the shortcut closest to the target', () => {
    const t = topologyOf(
      6,
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
        [4, 5],
        [0, 4],
      ],
      onLine,
    )
    expect(greedyRoute(t, 0, { node: 5 }).path).toEqual([0, 4, 5])
  })

  it('reports the local minimum where it gets stuck', () => {
    // n1 sits next to the target n2 but is only linked through n0, which is farther away
    const t = topologyOf(
      3,
      [
        [0, 1],
        [0, 2],
      ],
      (i) =>
        [
          [-0.5, 0],
          [0.5, 0],
          [0.5, 0.1],
        ][i] as number[],
    )
    const r = greedyRoute(t, 1, { node: 2 })
    expect(r.status).toBe('local_minimum')
    expect(r.path).toEqual([1])
    // remaining = d((0.5, 0), (0.5, 0.1)) = acosh(1 + 2 * 0.01 / (0.75 * 0.74))
    expect(r.remaining).toBeCloseTo(Math.acosh(1 + 0.02 / (0.75 * 0.74)), 12)
  })

  it('toward a point, arrives at the node no neighbour of which is closer', () => {
    const t = topologyOf(
      6,
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
        [4, 5],
      ],
      onLine,
    )
    const r = greedyRoute(t, 0, { point: [Math.tanh(3.2 / 2), 0] })
    expect(r).toMatchObject({ status: 'arrived', path: [0, 1, 2, 3] })
    expect(r.remaining).toBeCloseTo(0.2, 12)
  })
})

describe('k nearest (no adjacency)', () => {
  it('ranks by hyperbolic, not Euclidean, distance', () => {
    // Euclidean: b (0.07 from p) is nearer than a (0.1); hyperbolically a is nearer because b is close to the boundary
    const t = new Topology(2)
    t.addNode({ id: 'a', coords: [0.8, 0] })
    t.addNode({ id: 'b', coords: [0.97, 0] })
    t.addNode({ id: 'c', coords: [-0.5, 0] })
    const p = [0.9, 0]
    const r = kNearest(t, p, 2)
    expect(r.map((x) => x.node)).toEqual([0, 1])
    // d = ln((1+x)/(1-x)) differences along the axis
    const h = (x: number) => Math.log((1 + x) / (1 - x))
    expect(r[0]?.distance).toBeCloseTo(h(0.9) - h(0.8), 12)
    expect(r[1]?.distance).toBeCloseTo(h(0.97) - h(0.9), 12)
    expect(kNearest(t, p, 5, (i) => i !== 0).map((x) => x.node)).toEqual([1, 2])
  })
})

describe('multipath_hyperbolic', () => {
  // a ladder: two parallel rails between 0 and 5
  const ladder = () =>
    topologyOf(
      6,
      [
        [0, 1],
        [1, 2],
        [2, 5],
        [0, 3],
        [3, 4],
        [4, 5],
      ],
      (i) =>
        [
          [0, 0],
          [0.3, 0.2],
          [0.5, 0.2],
          [0.3, -0.2],
          [0.5, -0.2],
          [0.7, 0],
        ][i] as number[],
    )

  it('finds k distinct paths and spreads the load between them', () => {
    const m = multipath(ladder(), 0, 5, 2)
    expect(m?.paths.map((p) => p.path).sort()).toEqual([
      [0, 1, 2, 5],
      [0, 3, 4, 5],
    ])
    expect(m?.paths[0]?.share).toBeCloseTo(0.5, 12) // symmetric rails
    expect(m?.max_edge_share).toBeCloseTo(0.5, 12)
  })

  it('the first path is the shortest in hyperbolic length', () => {
    const t = ladder()
    t.addEdge(0, 5)
    const m = multipath(t, 0, 5, 3)
    expect(m?.paths[0]?.path).toEqual([0, 5])
    expect(m?.paths.length).toBe(3)
  })
})

describe('gradient_flow', () => {
  it('goes around a loaded node when load weighs enough, and straight through when it does not', () => {
    const t = topologyOf(
      6,
      [
        [0, 1],
        [1, 2],
        [2, 5],
        [0, 3],
        [3, 4],
        [4, 5],
      ],
      (i) =>
        [
          [0, 0],
          [0.3, 0.05],
          [0.5, 0.05],
          [0.3, -0.2],
          [0.5, -0.2],
          [0.7, 0],
        ][i] as number[],
    )
    t.load[1] = 5
    expect(gradientFlow(t, 0, 5, 0)?.path).toEqual([0, 1, 2, 5])
    expect(gradientFlow(t, 0, 5, 10)?.path).toEqual([0, 3, 4, 5])
  })

  it('returns null across components', () => {
    const t = topologyOf(
      4,
      [
        [0, 1],
        [2, 3],
      ],
      onLine,
    )
    expect(gradientFlow(t, 0, 3, 1)).toBeNull()
    expect(multipath(t, 0, 3, 2)).toBeNull()
  })
})

describe('gradient_flow without distance weight', () => {
  it('still reaches the target when every hop costs 0 (ties everywhere)', () => {
    // a ring of 8, the source n8 hanging off n1, and a dead-end spur n9 listed first among n1's neighbours
    const t = topologyOf(
      10,
      [
        [1, 9],
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
        [4, 5],
        [5, 6],
        [6, 7],
        [7, 0],
        [1, 8],
      ],
      (i) => (i >= 8 ? [0.1 * (i - 8), 0] : [0.5 * Math.cos(i), 0.5 * Math.sin(i)]),
    )
    for (let dst = 0; dst < 10; dst++) {
      const f = gradientFlow(t, 8, dst, 1, 0)
      expect(f?.path[0]).toBe(8)
      expect(f?.path.at(-1)).toBe(dst)
      expect(f?.cost).toBe(0)
      // consecutive nodes are neighbours
      f?.path.slice(1).forEach((v, i) => {
        expect(t.adj[f.path[i] as number]).toContain(v)
      })
    }
  })
})
