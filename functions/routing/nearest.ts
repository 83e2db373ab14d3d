// k nearest nodes to a point (placement and service discovery): one linear scan with a bounded top-k list.
import { TargetField } from './target.ts'
import type { Topology } from './topology.ts'

export interface Neighbour {
  node: number
  /** Distance for curvature -1. */
  distance: number
}

/** The k live nodes closest to `point` that pass `accept`, nearest first (ties by slot order). */
export function kNearest(
  topo: Topology,
  point: readonly number[],
  k: number,
  accept: (i: number) => boolean = () => true,
): Neighbour[] {
  const field = new TargetField(topo, { point })
  const keys: number[] = []
  const nodes: number[] = []
  for (let i = 0; i < topo.slots; i++) {
    if (topo.ids[i] == null) continue
    const key = field.key(i)
    if (keys.length === k && key >= (keys[k - 1] as number)) continue
    if (!accept(i)) continue
    let j = keys.length === k ? k - 1 : keys.length
    while (j > 0 && (keys[j - 1] as number) > key) {
      keys[j] = keys[j - 1] as number
      nodes[j] = nodes[j - 1] as number
      j--
    }
    keys[j] = key
    nodes[j] = i
  }
  return nodes.map((node) => ({ node, distance: field.distance(node) }))
}
