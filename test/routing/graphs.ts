// Small test graphs: trees from parent arrays, random connected graphs, points on a line.
import fc from 'fast-check'
import { Topology } from '../../functions/routing/index.ts'

/** A tree on n nodes from a parent array (parent[i] < i), all nodes at the origin until embedded. */
export const treeArb = (maxN: number) =>
  fc
    .integer({ min: 2, max: maxN })
    .chain((n) =>
      fc
        .tuple(...Array.from({ length: n - 1 }, (_, i) => fc.integer({ min: 0, max: i })))
        .map((ps) => ps as number[]),
    )

/** A connected graph: a random tree plus extra random edges. */
export const graphArb = (maxN: number) =>
  treeArb(maxN).chain((parents) =>
    fc
      .array(fc.tuple(fc.nat(parents.length), fc.nat(parents.length)), { maxLength: parents.length * 2 })
      .map((extra) => ({ parents, extra })),
  )

export function topologyOf(
  n: number,
  edges: readonly (readonly [number, number])[],
  coords?: (i: number) => number[],
) {
  const t = new Topology(2, n)
  for (let i = 0; i < n; i++) t.addNode({ id: `n${i}`, coords: coords ? coords(i) : [0, 0] })
  for (const [a, b] of edges) t.addEdge(a, b)
  return t
}

export const treeEdges = (parents: readonly number[]): [number, number][] => parents.map((p, i) => [p, i + 1])

/** Nodes i at hyperbolic distance i from the origin along the first axis: tanh(i / 2). */
export const onLine = (i: number) => [Math.tanh(i / 2), 0]
