// Act: turn a placement into spawn / migrate / terminate actions and the replicas that result.
import type { Action, Replica } from '../../schemas/orchestrator.ts'
import { migrate, spawnFromParent } from '../routing/index.ts'
import type { ResolvedNode } from './model.ts'

/** A replica sits just outside its node, away from the origin: a child of its host in the hierarchy. */
const REPLICA_OFFSET = 0.05
/** Waypoints of a migration along the geodesic. */
export const MIGRATION_STEPS = 8

export const replicaPoint = (host: ResolvedNode, kappa: number, slot: number): number[] => {
  // distinct slots fan out in distinct directions so replicas of one workload on one node do not coincide
  const dir = host.coordinates.map(
    (x, i) => x + (i === slot % host.coordinates.length ? 1e-3 * (slot + 1) : 0),
  )
  return spawnFromParent(host.coordinates, REPLICA_OFFSET, kappa, dir.some((x) => x !== 0) ? dir : undefined)
}

export interface Applied {
  actions: Action[]
  replicas: Replica[]
}

/**
 * Diffs a workload's replicas against the nodes it should be on: replicas on a kept node stay; a removed one
 * paired with an added one migrates along the geodesic; the rest spawn or terminate. `routable(workload,
 * nodes)` tells whether the remaining replicas are still reachable (terminations only happen when they are).
 */
export function applyPlacement(
  workload: string,
  current: readonly Replica[],
  target: readonly string[],
  nodes: ReadonlyMap<string, ResolvedNode>,
  kappa: number,
  tick: number,
  routable: (nodes: readonly string[]) => boolean,
): Applied {
  const want = new Map<string, number>()
  for (const n of target) want.set(n, (want.get(n) ?? 0) + 1)
  const kept: Replica[] = []
  const leaving: Replica[] = []
  for (const r of [...current].sort((a, b) => a.slot - b.slot)) {
    const k = want.get(r.node) ?? 0
    if (k > 0 && nodes.get(r.node)?.health !== 'down') {
      want.set(r.node, k - 1)
      kept.push(r)
    } else leaving.push(r)
  }
  const arriving: string[] = []
  for (const [n, k] of [...want].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    for (let i = 0; i < k; i++) arriving.push(n)
  const used = new Set(kept.map((r) => r.slot))
  let nextSlot = 0
  const freeSlot = () => {
    while (used.has(nextSlot)) nextSlot++
    used.add(nextSlot)
    return nextSlot
  }
  const actions: Action[] = []
  const replicas = [...kept]
  // a replica on a node that is down is gone: it is replaced (spawned), not migrated from a dead host
  const movable = leaving.filter((r) => nodes.get(r.node)?.health !== 'down')
  for (const r of leaving) if (!movable.includes(r)) used.delete(r.slot)
  for (const node of arriving) {
    const host = nodes.get(node) as ResolvedNode
    const from = movable.shift()
    if (from) {
      const to = replicaPoint(host, kappa, from.slot)
      const m = migrate(from.coordinates, to, MIGRATION_STEPS, kappa)
      actions.push({
        action: 'migrate',
        workload,
        from: from.node,
        node,
        waypoints: m.waypoints,
        distance: m.distance,
      })
      replicas.push({ ...from, node, coordinates: to, since_tick: tick })
    } else {
      const slot = freeSlot()
      const coordinates = replicaPoint(host, kappa, slot)
      actions.push({ action: 'spawn', workload, node, coordinates })
      replicas.push({ workload, slot, node, coordinates, since_tick: tick })
    }
  }
  for (const r of leaving)
    if (nodes.get(r.node)?.health === 'down')
      actions.push({ action: 'terminate', workload, node: r.node, routes_ok: true })
  for (const r of movable) {
    const remaining = replicas.map((x) => x.node)
    const ok = remaining.length > 0 && routable(remaining)
    if (!ok) {
      // keeping it: terminating would leave no replica reachable
      replicas.push(r)
      actions.push({ action: 'terminate', workload, node: r.node, routes_ok: false })
      continue
    }
    actions.push({ action: 'terminate', workload, node: r.node, routes_ok: true })
  }
  replicas.sort((a, b) => a.slot - b.slot)
  return { actions, replicas }
}
