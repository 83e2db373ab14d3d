// Act on a stored topology: the replicas as nodes linked to their hosts, kept in step by diffs (spawn adds,
// migrate moves, terminate removes; the topology's own update then checks that routes still deliver).
import { MAX_REQUEST_NODES } from '../../schemas/geometry.ts'
import type { Replica } from '../../schemas/orchestrator.ts'
import type { TopologyPatch } from '../../schemas/topology.ts'

export const replicaNodeId = (r: Pick<Replica, 'workload' | 'slot'>): string =>
  `replica:${r.workload}:${r.slot}`

const key = (r: Replica) => `${r.workload}\u0000${r.slot}`

/**
 * The patches that take a topology from the replicas it shows (`synced`) to `now`, each within the request
 * limits. Fleet nodes are the topology's own nodes under the same ids; a replica node links to its host.
 */
export function topologyPatches(synced: readonly Replica[], now: readonly Replica[]): TopologyPatch[] {
  const before = new Map(synced.map((r) => [key(r), r]))
  const after = new Map(now.map((r) => [key(r), r]))
  const patch: TopologyPatch = {
    remove_nodes: [],
    add_nodes: [],
    move_nodes: [],
    set_load: [],
    remove_edges: [],
    add_edges: [],
    boundary: 'reject',
  }
  for (const [k, r] of before) if (!after.has(k)) patch.remove_nodes.push(replicaNodeId(r))
  for (const [k, r] of after) {
    const id = replicaNodeId(r)
    const old = before.get(k)
    if (!old) {
      patch.add_nodes.push({ id, coords: r.coordinates })
      patch.add_edges.push([id, r.node])
      continue
    }
    if (old.node !== r.node) {
      patch.remove_edges.push([id, old.node])
      patch.add_edges.push([id, r.node])
    }
    if (old.node !== r.node || old.coordinates.some((x, i) => x !== r.coordinates[i]))
      patch.move_nodes.push({ id, coords: r.coordinates })
  }
  const size = patch.remove_nodes.length + patch.add_nodes.length + patch.move_nodes.length
  if (size === 0 && patch.add_edges.length === 0) return []
  if (size <= MAX_REQUEST_NODES) return [patch]
  // split: removals first, then additions with their edges, then moves with theirs, each in request-sized parts
  const parts: TopologyPatch[] = []
  const empty = (): TopologyPatch => ({
    ...patch,
    remove_nodes: [],
    add_nodes: [],
    move_nodes: [],
    remove_edges: [],
    add_edges: [],
  })
  for (let i = 0; i < patch.remove_nodes.length; i += MAX_REQUEST_NODES)
    parts.push({ ...empty(), remove_nodes: patch.remove_nodes.slice(i, i + MAX_REQUEST_NODES) })
  for (let i = 0; i < patch.add_nodes.length; i += MAX_REQUEST_NODES) {
    const add = patch.add_nodes.slice(i, i + MAX_REQUEST_NODES)
    const ids = new Set(add.map((n) => n.id))
    parts.push({ ...empty(), add_nodes: add, add_edges: patch.add_edges.filter(([a]) => ids.has(a)) })
  }
  for (let i = 0; i < patch.move_nodes.length; i += MAX_REQUEST_NODES) {
    const move = patch.move_nodes.slice(i, i + MAX_REQUEST_NODES)
    const ids = new Set(move.map((n) => n.id))
    const added = new Set(patch.add_nodes.map((n) => n.id))
    parts.push({
      ...empty(),
      move_nodes: move,
      remove_edges: patch.remove_edges.filter(([a]) => ids.has(a)),
      add_edges: patch.add_edges.filter(([a]) => ids.has(a) && !added.has(a)),
    })
  }
  return parts
}
