// The greedy embedding: greedy routing delivers for every pair, on the tree and on the whole graph.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { distance } from '../../functions/geometry/index.ts'
import {
  embedTree,
  greedyQuality,
  MAX_EMBED_RADIUS,
  Placement,
  planEmbedding,
  samplePairs,
  type Topology,
  TopologyError,
} from '../../functions/routing/index.ts'
import { graphArb, topologyOf, treeArb, treeEdges } from './graphs.ts'

function reembed(t: Topology): Topology {
  const e = embedTree(t)
  const edges: [number, number][] = []
  t.adj.forEach((ns, a) => {
    for (const b of ns) if (a < b) edges.push([a, b])
  })
  return topologyOf(t.slots, edges, (i) => e.coords[i] as number[])
}

const allPairs = (n: number) => {
  const out: [number, number][] = []
  for (let s = 0; s < n; s++) for (let t = 0; t < n; t++) if (s !== t) out.push([s, t])
  return out
}

describe('greedy embedding of a spanning tree', () => {
  it('random trees: greedy delivers for every ordered pair', () => {
    fc.assert(
      fc.property(treeArb(60), (parents) => {
        const n = parents.length + 1
        const q = greedyQuality(reembed(topologyOf(n, treeEdges(parents))), allPairs(n))
        expect(q.success_rate).toBe(1)
        expect(q.mean_stretch).toBe(1) // on a tree the greedy path is the unique path
      }),
      { numRuns: 60 },
    )
  })

  it('random connected graphs: greedy delivers for every pair, stretch >= 1', () => {
    fc.assert(
      fc.property(graphArb(50), ({ parents, extra }) => {
        const n = parents.length + 1
        const t = reembed(
          topologyOf(n, [
            ...treeEdges(parents),
            ...extra.map(([a, b]) => [a % n, b % n] as [number, number]),
          ]),
        )
        const q = greedyQuality(t, allPairs(n))
        expect(q.success_rate).toBe(1)
        expect(q.mean_stretch).toBeGreaterThanOrEqual(1)
      }),
      { numRuns: 40 },
    )
  })

  it('a star with 1,000 leaves and a 300-node path: all pairs from 20 sources', () => {
    for (const edges of [
      Array.from({ length: 1000 }, (_, i) => [0, i + 1] as [number, number]),
      Array.from({ length: 299 }, (_, i) => [i, i + 1] as [number, number]),
    ]) {
      const n = edges.length + 1
      const t = reembed(topologyOf(n, edges))
      const pairs: [number, number][] = []
      for (let s = 0; s < n; s += Math.ceil(n / 20))
        for (let d = 0; d < n; d++) if (d !== s) pairs.push([s, d])
      expect(greedyQuality(t, pairs).success_rate).toBe(1)
    }
  })

  it('near the precision limit (a 590-node path reaches radius 29.5), greedy still delivers', () => {
    const t = topologyOf(
      590,
      Array.from({ length: 589 }, (_, i) => [i, i + 1] as [number, number]),
    )
    const e = embedTree(t)
    expect(e.max_radius).toBeGreaterThan(29)
    expect(e.max_radius).toBeLessThanOrEqual(MAX_EMBED_RADIUS)
    expect(greedyQuality(reembed(t), samplePairs(t, 5000, 3)).success_rate).toBe(1)
  })

  it('stays inside the radius bound, and refuses trees that would need more than double precision', () => {
    const e = embedTree(
      topologyOf(
        200,
        Array.from({ length: 199 }, (_, i) => [0, i + 1] as [number, number]),
      ),
    )
    for (const c of e.coords) expect(distance([0, 0], c as number[])).toBeLessThanOrEqual(e.radius_bound)
    const long = topologyOf(
      2000,
      Array.from({ length: 1999 }, (_, i) => [i, i + 1] as [number, number]),
    )
    let err: unknown
    try {
      embedTree(long)
    } catch (x) {
      err = x
    }
    expect(err).toBeInstanceOf(TopologyError)
    expect((err as TopologyError).issue).toBe('embedding_precision')
    expect(MAX_EMBED_RADIUS).toBe(30)
  })

  it('refuses disconnected graphs, naming the components', () => {
    let err: unknown
    try {
      embedTree(
        topologyOf(5, [
          [0, 1],
          [2, 3],
        ]),
      )
    } catch (x) {
      err = x
    }
    expect((err as TopologyError).issue).toBe('disconnected')
    expect((err as TopologyError).extensions).toMatchObject({ components: 3, component_sizes: [2, 2, 1] })
  })
})

describe('a placement in chunks (the stored embedding job)', () => {
  it('resumed from its stored state after every few nodes, computes exactly what one pass computes', () => {
    fc.assert(
      fc.property(graphArb(80), fc.integer({ min: 1, max: 9 }), ({ parents, extra }, quota) => {
        const n = parents.length + 1
        const t = topologyOf(n, [...treeEdges(parents), ...extra])
        const plan = planEmbedding(t)
        let cursor = { parent: 0, child: 0 }
        let maxRadius = 0
        const stored = new Map<number, { slot: number; x: number; y: number; half: number }>()
        stored.set(plan.root, { slot: plan.root, x: 0, y: 0, half: 0 })
        let chunks = 0
        for (;;) {
          // a fresh object each chunk, as after an eviction: only what was stored survives
          const p = new Placement(plan)
          p.resume(cursor, maxRadius, stored.values())
          if (p.done) {
            expect(p.result()).toEqual(embedTree(t))
            break
          }
          const placed = p.place(quota)
          expect(placed.length).toBeLessThanOrEqual(quota)
          for (const s of placed)
            stored.set(s, {
              slot: s,
              x: p.xy[2 * s] as number,
              y: p.xy[2 * s + 1] as number,
              half: p.halfLen[s] as number,
            })
          cursor = { ...p.cursor }
          maxRadius = p.maxRadius
          chunks++
        }
        expect(chunks).toBeGreaterThanOrEqual(Math.ceil((n - 1) / quota))
      }),
      { numRuns: 60 },
    )
  })
})
