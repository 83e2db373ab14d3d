// A spread scheduler modelled on the default kube-scheduler: filter nodes by fit (NodeResourcesFit), score by
// LeastAllocated (weight 1) plus PodTopologySpread across nodes and regions (weight 2); and the ReplicaSet's
// choice of which replicas to delete on scale-down. Deterministic: ties go to the smaller node id.
import type { Observation, ObservedNode } from './controller.ts'

/** Free-capacity view the scheduler updates as it binds replicas within one decision. */
export interface SchedNode {
  id: string
  region: string
  schedulable: boolean
  capacity: Record<string, number>
  used: Record<string, number>
}

export function schedulerView(nodes: ObservedNode[]): SchedNode[] {
  return nodes.map((n) => ({
    id: n.id,
    region: n.region,
    // A NotReady node carries the node.kubernetes.io/not-ready taint; degraded is invisible to the scheduler.
    schedulable: n.health !== 'down',
    capacity: n.capacity,
    used: { ...n.used },
  }))
}

export function fits(n: SchedNode, request: Record<string, number>): boolean {
  for (const [r, q] of Object.entries(request)) if ((n.used[r] ?? 0) + q > (n.capacity[r] ?? 0)) return false
  return true
}

/** NodeResourcesFit LeastAllocated: mean over requested resources of free share after binding, 0..100. */
function leastAllocated(n: SchedNode, request: Record<string, number>): number {
  const rs = Object.keys(request)
  if (rs.length === 0) return 100
  let s = 0
  for (const r of rs) {
    const cap = n.capacity[r] ?? 0
    s += cap > 0 ? ((cap - (n.used[r] ?? 0) - (request[r] ?? 0)) / cap) * 100 : 0
  }
  return s / rs.length
}

/**
 * Picks the node for one more replica of a workload whose replicas sit on `siblings` (node ids), or undefined
 * when no node fits (the pod stays Pending). Spread score as PodTopologySpread's system defaults: matching pods
 * in the node's host and zone domains, weighted by log(domains + 2), normalised so fewer siblings score higher.
 */
export function pickNode(
  nodes: SchedNode[],
  request: Record<string, number>,
  siblings: string[],
): string | undefined {
  const feasible = nodes.filter((n) => n.schedulable && fits(n, request))
  if (feasible.length === 0) return undefined
  const regionOf = new Map(nodes.map((n) => [n.id, n.region]))
  const perNode = new Map<string, number>()
  const perRegion = new Map<string, number>()
  for (const s of siblings) {
    perNode.set(s, (perNode.get(s) ?? 0) + 1)
    const r = regionOf.get(s)
    if (r !== undefined) perRegion.set(r, (perRegion.get(r) ?? 0) + 1)
  }
  const hostWeight = Math.log(nodes.length + 2)
  const zoneWeight = Math.log(new Set(nodes.map((n) => n.region)).size + 2)
  const raw = feasible.map(
    (n) => (perNode.get(n.id) ?? 0) * hostWeight + (perRegion.get(n.region) ?? 0) * zoneWeight,
  )
  const max = Math.max(...raw)
  const min = Math.min(...raw)
  let best: SchedNode | undefined
  let bestScore = Number.NEGATIVE_INFINITY
  feasible.forEach((n, i) => {
    const spread = max === 0 ? 100 : (100 * (max + min - (raw[i] as number))) / max
    const score = leastAllocated(n, request) + 2 * spread
    if (score > bestScore || (score === bestScore && best !== undefined && n.id < best.id)) {
      best = n
      bestScore = score
    }
  })
  return best?.id
}

export function bind(nodes: SchedNode[], id: string, request: Record<string, number>, sign = 1): void {
  const n = nodes.find((x) => x.id === id)
  if (!n) return
  for (const [r, q] of Object.entries(request)) n.used[r] = (n.used[r] ?? 0) + sign * q
}

/**
 * Node list for `want` replicas of one workload, starting from its running replicas: scale-up binds new ones
 * with pickNode (fewer when nothing fits), scale-down deletes as the ReplicaSet controller ranks pods: not
 * ready before ready, then the most crowded node first, then the newest.
 */
export function reconcile(
  nodes: SchedNode[],
  request: Record<string, number>,
  running: { node: string; ready: boolean }[],
  want: number,
): string[] {
  const live = running.filter((r) => nodes.some((n) => n.id === r.node && n.schedulable))
  if (live.length > want) {
    const crowd = new Map<string, number>()
    for (const r of live) crowd.set(r.node, (crowd.get(r.node) ?? 0) + 1)
    const ranked = live
      .map((r, i) => ({ ...r, i }))
      .sort(
        (a, b) =>
          Number(a.ready) - Number(b.ready) ||
          (crowd.get(b.node) ?? 0) - (crowd.get(a.node) ?? 0) ||
          b.i - a.i,
      )
    const gone = ranked.slice(0, live.length - want)
    for (const g of gone) bind(nodes, g.node, request, -1)
    const goneIdx = new Set(gone.map((g) => g.i))
    return live.filter((_, i) => !goneIdx.has(i)).map((r) => r.node)
  }
  const out = live.map((r) => r.node)
  while (out.length < want) {
    const id = pickNode(nodes, request, out)
    if (id === undefined) break
    bind(nodes, id, request)
    out.push(id)
  }
  return out
}

/**
 * Kubernetes does not replace the pods of a node that stops answering until they are evicted: the
 * DefaultTolerationSeconds admission plugin gives every pod a 300 s toleration of node.kubernetes.io/unreachable
 * and not-ready. Until then the ReplicaSet still counts them. This remembers, per workload, the replicas that
 * were on a node when it went down, for `seconds` after the controller first saw it down.
 */
export class EvictionDelay {
  readonly seconds: number
  private readonly downSince = new Map<string, number>()
  private readonly last = new Map<string, string[]>()
  private readonly ghosts = new Map<string, Map<string, number>>()
  constructor(seconds = 300) {
    this.seconds = seconds
  }

  /** Replicas per workload that the ReplicaSet still counts although their node is gone. */
  update(o: Observation): Map<string, number> {
    for (const n of o.nodes) {
      if (n.health !== 'down') {
        this.downSince.delete(n.id)
        for (const g of this.ghosts.values()) g.delete(n.id)
        continue
      }
      if (!this.downSince.has(n.id)) {
        this.downSince.set(n.id, o.t)
        for (const [w, nodes] of this.last) {
          const k = nodes.filter((x) => x === n.id).length
          if (k > 0) this.ghosts.set(w, (this.ghosts.get(w) ?? new Map()).set(n.id, k))
        }
      }
      if (o.t - (this.downSince.get(n.id) as number) >= this.seconds)
        for (const g of this.ghosts.values()) g.delete(n.id)
    }
    const out = new Map<string, number>()
    for (const w of o.workloads) {
      this.last.set(
        w.id,
        w.replicas.map((r) => r.node),
      )
      out.set(
        w.id,
        [...(this.ghosts.get(w.id)?.values() ?? [])].reduce((a, b) => a + b, 0),
      )
    }
    return out
  }
}
