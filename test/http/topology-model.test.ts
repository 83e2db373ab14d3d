// Model-based test of stored topologies: random PATCH sequences against a plain in-test model of nodes and edges.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { call, freshId, WRITE } from '../support/http.ts'

const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f')
const coords = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.tuple(
      fc.double({ min: -0.7, max: 0.7, noNaN: true }),
      fc.double({ min: -0.7, max: 0.7, noNaN: true }),
    ),
  },
  { weight: 1, arbitrary: fc.constant([1, 0] as [number, number]) }, // on the boundary: the whole patch is refused
)
const START = ['a', 'b', 'c', 'd', 'e', 'f']
const patchArb = fc.record(
  {
    remove_nodes: fc.array(ids, { maxLength: 2 }),
    add_nodes: fc.array(fc.record({ id: ids, coords }), { maxLength: 3 }),
    remove_edges: fc.array(fc.tuple(ids, ids), { maxLength: 2 }),
    add_edges: fc.array(fc.tuple(ids, ids), { maxLength: 4 }),
  },
  { requiredKeys: [] },
)

type Model = { nodes: Set<string>; edges: Set<string> }
type Patch = {
  remove_nodes?: string[]
  add_nodes?: { id: string; coords: number[] }[]
  remove_edges?: [string, string][]
  add_edges?: [string, string][]
}
const key = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`)

/** The patch's meaning, written plainly; null when it must be refused. */
function apply(m: Model, p: Patch): Model | null {
  const nodes = new Set(m.nodes)
  const edges = new Set(m.edges)
  const removed = new Set<string>()
  for (const id of p.remove_nodes ?? []) {
    if (!nodes.has(id)) return null
    nodes.delete(id)
    removed.add(id)
    for (const e of [...edges]) if (e.split('|').includes(id)) edges.delete(e)
  }
  for (const n of p.add_nodes ?? []) {
    if (nodes.has(n.id) || Math.hypot(...n.coords) >= 1) return null
    nodes.add(n.id)
  }
  for (const [a, b] of [...(p.remove_edges ?? []), ...(p.add_edges ?? [])])
    if (!nodes.has(a) || !nodes.has(b)) return null
  for (const [a, b] of p.remove_edges ?? []) edges.delete(key(a, b))
  for (const [a, b] of p.add_edges ?? []) if (a !== b) edges.add(key(a, b))
  return { nodes, edges }
}

describe('stored topology vs model', () => {
  it('every PATCH is applied exactly as the model says, or refused with nothing changed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(patchArb, { minLength: 1, maxLength: 6 }), async (patches) => {
        const name = freshId('m')
        // start from a ring of all six ids, so removals and edge changes often apply
        const ring = START.map((id, i) => [id, START[(i + 1) % 6] as string])
        const nodes = START.map((id, i) => ({ id, coords: [0.5 * Math.cos(i), 0.5 * Math.sin(i)] }))
        await call('PUT', `/v1/topologies/${name}`, { dimension: 2, nodes, edges: ring }, WRITE)
        let model: Model = {
          nodes: new Set(START),
          edges: new Set(ring.map(([a, b]) => key(a as string, b as string))),
        }
        let version = 1
        for (const p of patches) {
          const r = await call('PATCH', `/v1/topologies/${name}`, p, WRITE)
          const next = apply(model, p)
          if (next === null) {
            expect(r.status).toBe(400)
          } else {
            expect(r.status).toBe(200)
            model = next
            version++
          }
          const info = (await call('GET', `/v1/topologies/${name}`)).body
          expect(info).toMatchObject({ nodes: model.nodes.size, edges: model.edges.size, version })
        }
        const page = (await call('GET', `/v1/topologies/${name}/nodes?limit=100`)).body
        expect(new Set(page.nodes.map((n: { id: string }) => n.id))).toEqual(model.nodes)
        const stored = new Set<string>()
        for (const n of page.nodes as { id: string; neighbours: string[] }[])
          for (const m of n.neighbours) stored.add(key(n.id, m))
        expect(stored).toEqual(model.edges)
      }),
      { numRuns: 40 },
    )
  })
})
