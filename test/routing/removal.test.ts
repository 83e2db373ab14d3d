// Batched removals (a hub's leaves, many edges) against a model: the set of edges that should remain.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Topology } from '../../functions/routing/index.ts'

const key = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`)

/** The edges of t as a sorted list of keys, read from both ends (an edge missing on one side shows up). */
function edgesOf(t: Topology): string[] {
  const out = new Set<string>()
  t.adj.forEach((ns, a) => {
    for (const b of ns) {
      expect(t.adj[b], `edge ${a}-${b} is stored on both ends`).toContain(a)
      out.add(key(a, b))
    }
  })
  return [...out].sort()
}

describe('removeNodes and removeEdges', () => {
  it('leave exactly the model edges, with edgeCount and former neighbours right', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 80 }),
            dropNodes: fc.array(fc.nat(n - 1), { maxLength: 10 }),
            dropEdges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 20 }),
          }),
        ),
        ({ n, edges, dropNodes, dropEdges }) => {
          const t = new Topology(2, n)
          for (let i = 0; i < n; i++) t.addNode({ id: `n${i}`, coords: [0, 0] })
          for (const [a, b] of edges) t.addEdge(a, b)
          const model = new Set(edges.filter(([a, b]) => a !== b).map(([a, b]) => key(a, b)))

          const gone = new Set(dropNodes)
          const expectedFormer = new Set<number>()
          for (const e of model) {
            const [a, b] = e.split('-').map(Number) as [number, number]
            if (gone.has(a) && !gone.has(b)) expectedFormer.add(b)
            if (gone.has(b) && !gone.has(a)) expectedFormer.add(a)
            if (gone.has(a) || gone.has(b)) model.delete(e)
          }
          expect(new Set(t.removeNodes(dropNodes))).toEqual(expectedFormer)
          expect(edgesOf(t)).toEqual([...model].sort())
          expect(t.edgeCount).toBe(model.size)

          const live = dropEdges.filter(([a, b]) => !gone.has(a) && !gone.has(b))
          let expectedRemoved = 0
          for (const [a, b] of live) if (a !== b && model.delete(key(a, b))) expectedRemoved++
          expect(t.removeEdges(live)).toBe(expectedRemoved)
          expect(edgesOf(t)).toEqual([...model].sort())
          expect(t.edgeCount).toBe(model.size)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('removing 10,000 leaves of a hub filters the hub once', () => {
    const n = 20_001
    const t = new Topology(2, n)
    for (let i = 0; i < n; i++) t.addNode({ id: `n${i}`, coords: [0, 0] })
    for (let i = 1; i < n; i++) t.link(0, i)
    const leaves = Array.from({ length: 10_000 }, (_, i) => i + 1)
    const t0 = performance.now()
    expect(t.removeNodes(leaves)).toEqual([0])
    const ms = performance.now() - t0
    expect(t.adj[0]?.length).toBe(10_000)
    expect(t.edgeCount).toBe(10_000)
    console.log(`removed 10,000 leaves of a 20,000-leaf hub in ${ms.toFixed(1)} ms`)
  })
})
