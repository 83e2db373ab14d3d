// The fleet's positions: given coordinates, or the greedy embedding of the fleet graph for nodes without them.
import type { FleetNode } from '../../schemas/orchestrator.ts'
import { embedTree, requireConnected, Topology } from '../routing/index.ts'
import type { ResolvedNode } from './model.ts'

export class FleetError extends Error {
  override name = 'FleetError'
  readonly pointer: string
  constructor(pointer: string, message: string) {
    super(message)
    this.pointer = pointer
  }
}

/**
 * Nodes with coordinates keep them (all of one dimension). When some have none, the whole fleet graph (its
 * `links`) is embedded (functions/routing: Sarkar-style tree embedding, greedy routing delivers on it) and the
 * nodes without coordinates take their embedded position, zero-padded to the fleet's dimension.
 */
export function resolveFleet(nodes: readonly FleetNode[], dimension: number): ResolvedNode[] {
  const dims = new Set(nodes.flatMap((n) => (n.coordinates ? [n.coordinates.length] : [])))
  if (dims.size > 1)
    throw new FleetError('/nodes', `node coordinates have different dimensions: ${[...dims].join(', ')}`)
  const dim = [...dims][0] ?? dimension
  const ids = new Set(nodes.map((n) => n.id))
  for (const [i, n] of nodes.entries())
    for (const [j, l] of n.links.entries())
      if (!ids.has(l)) throw new FleetError(`/nodes/${i}/links/${j}`, `link to unknown node '${l}'`)
  const missing = nodes.filter((n) => !n.coordinates)
  let embedded = new Map<string, number[]>()
  if (missing.length > 0) {
    const topo = new Topology(2, nodes.length)
    for (const n of nodes) topo.addNode({ id: n.id, coords: [0, 0] })
    for (const n of nodes) for (const l of n.links) if (l !== n.id) topo.link(topo.slot(n.id), topo.slot(l))
    const lonely = missing.find((n) => n.links.length === 0 && !nodes.some((m) => m.links.includes(n.id)))
    if (lonely)
      throw new FleetError(
        `/nodes/${nodes.indexOf(lonely)}`,
        `node '${lonely.id}' has neither coordinates nor links: nothing places it in the ball`,
      )
    try {
      requireConnected(topo)
    } catch {
      throw new FleetError(
        '/nodes',
        'nodes without coordinates are placed by embedding the fleet graph, which must be connected',
      )
    }
    const e = embedTree(topo)
    const pad = new Array<number>(Math.max(0, dim - 2)).fill(0)
    embedded = new Map(nodes.map((n, i) => [n.id, [...(e.coords[i] as number[]), ...pad]]))
  }
  return nodes.map((n) => {
    const { coordinates, ...rest } = n
    return { ...rest, coordinates: coordinates ?? (embedded.get(n.id) as number[]) }
  })
}
