// The greedy embedding applied: a copy of the topology on the new coordinates, and how greedy routing fares on it.
import { embedTree, type TreeEmbedding } from './embed.ts'
import { type GreedyQuality, greedyQuality, samplePairs } from './evaluate.ts'
import { Topology } from './topology.ts'

export interface Reembedded {
  embedding: TreeEmbedding
  /** Same slots, ids, loads, regions and edges; coordinates from the embedding, zero-padded to `dimension`. */
  topology: Topology
  greedy: GreedyQuality
}

export function reembed(topo: Topology, dimension: number, pairs: number): Reembedded {
  const embedding = embedTree(topo)
  const out = new Topology(dimension, topo.slots)
  const pad = new Array<number>(Math.max(0, dimension - 2)).fill(0)
  for (let i = 0; i < topo.slots; i++) {
    const id = topo.ids[i]
    if (id == null) out.skipSlot()
    else
      out.addNode({
        id,
        coords: [...(embedding.coords[i] as number[]), ...pad],
        load: topo.load[i],
        region: topo.region[i],
      })
  }
  topo.adj.forEach((ns, a) => {
    for (const b of ns) if (a < b) out.addEdge(a, b)
  })
  return { embedding, topology: out, greedy: greedyQuality(out, samplePairs(out, pairs)) }
}
