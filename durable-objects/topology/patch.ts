// Checks an incremental update against the current topology before anything changes (all-or-nothing).
import { checkPoint } from '../../functions/geometry/index.ts'
import { type Topology, TopologyError } from '../../functions/routing/index.ts'
import { MAX_STORED_NODES, type TopologyPatch } from '../../schemas/topology.ts'

/** Throws the first problem (a GeometryError or TopologyError naming its JSON pointer); returns nothing. */
export function validatePatch(t: Topology, p: TopologyPatch, limit = MAX_STORED_NODES): void {
  const unknown = (id: string, pointer: string) =>
    new TopologyError('unknown_node', `unknown node id '${id}'`, { node: id, pointer })
  const removed = new Set<string>()
  p.remove_nodes.forEach((id, i) => {
    if (!t.index.has(id) || removed.has(id)) throw unknown(id, `/remove_nodes/${i}`)
    removed.add(id)
  })
  const added = new Set<string>()
  p.add_nodes.forEach((n, i) => {
    if ((t.index.has(n.id) && !removed.has(n.id)) || added.has(n.id))
      throw new TopologyError('duplicate_node', `duplicate node id '${n.id}'`, {
        node: n.id,
        pointer: `/add_nodes/${i}/id`,
      })
    added.add(n.id)
    checkPoint(n.coords, t.dim, p.boundary, `/add_nodes/${i}/coords`)
  })
  const after = t.size - removed.size + added.size
  if (after > limit)
    throw new TopologyError(
      'too_many_nodes',
      `the topology would hold ${after} nodes; the limit is ${limit}`,
      {
        limit,
      },
    )
  const exists = (id: string) => added.has(id) || (t.index.has(id) && !removed.has(id))
  p.move_nodes.forEach((m, i) => {
    if (!exists(m.id)) throw unknown(m.id, `/move_nodes/${i}/id`)
    checkPoint(m.coords, t.dim, p.boundary, `/move_nodes/${i}/coords`)
  })
  p.set_load.forEach((l, i) => {
    if (!exists(l.id)) throw unknown(l.id, `/set_load/${i}/id`)
  })
  for (const key of ['remove_edges', 'add_edges'] as const)
    p[key].forEach(([a, b], i) => {
      if (!exists(a)) throw unknown(a, `/${key}/${i}/0`)
      if (!exists(b)) throw unknown(b, `/${key}/${i}/1`)
    })
}
