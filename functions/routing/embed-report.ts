// The greedy embedding applied: a copy of the topology on the new coordinates, and how greedy routing fares on it.
import type { StepBudget } from '../budget/index.ts'
import { distanceSteps } from './budgets.ts'
import { embedSteps, embedTree, type TreeEmbedding } from './embed.ts'
import { evaluationSteps, type GreedyQuality, greedyQuality, samplePairs } from './evaluate.ts'
import { Topology } from './topology.ts'

export interface Reembedded {
  embedding: TreeEmbedding
  /** Same slots, ids, loads, regions and edges; coordinates from the embedding, zero-padded to `dimension`. */
  topology: Topology
  greedy: GreedyQuality
}

/**
 * Embeds, copies and evaluates within `budget`. Everything but the greedy walks is known from the graph's
 * size before any work starts, so a request too large for the budget is refused at once.
 */
export function reembed(
  topo: Topology,
  dimension: number,
  pairCount: number,
  budget?: StepBudget,
): Reembedded {
  const pairs = samplePairs(topo, pairCount) // live slots, hence pairs, are the same on the copy
  if (budget) {
    const evaluation = evaluationSteps(topo, pairs)
    budget.spend(reembedSteps(topo, dimension, pairs) - evaluation)
    // greedyQuality pays for its searches below; refuse now rather than after the embedding
    if (budget.spent + evaluation > budget.limit) budget.spend(evaluation)
  }
  const embedding = embedTree(topo)
  const out = embeddedCopy(topo, embedding, dimension)
  return { embedding, topology: out, greedy: greedyQuality(out, pairs, budget) }
}

/** The topology on the embedding's coordinates, zero-padded to `dimension`: same slots, ids, loads, regions, edges. */
export function embeddedCopy(topo: Topology, embedding: TreeEmbedding, dimension: number): Topology {
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
  // the source's edges are distinct and not loops: link without looking for duplicates
  topo.adj.forEach((ns, a) => {
    for (const b of ns) if (a < b) out.link(a, b)
  })
  return out
}

/** Steps a synchronous re-embedding of `topo` with these pairs is charged before it starts (reembed's estimate). */
export const reembedSteps = (
  topo: Topology,
  dimension: number,
  pairs: readonly (readonly [number, number])[],
) => embedSteps(topo) + topo.size * distanceSteps(dimension) + evaluationSteps(topo, pairs)
