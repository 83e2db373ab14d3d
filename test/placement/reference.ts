// An independent reference for tiny placements: the documented terms written again, and brute force over all assignments.
import type { PlacementProblem } from '../../functions/placement/index.ts'

export function must<T>(x: T | undefined | null): T {
  if (x === undefined || x === null) throw new Error('missing')
  return x
}

const hyperbolic = (x: readonly number[], y: readonly number[], kappa: number) => {
  const d2 = x.reduce((s, v, i) => s + (v - (y[i] as number)) ** 2, 0)
  const nx = 1 - x.reduce((s, v) => s + v * v, 0)
  const ny = 1 - y.reduce((s, v) => s + v * v, 0)
  return Math.acosh(1 + (2 * d2) / (nx * ny)) / Math.sqrt(kappa)
}

/** docs/placement.md, "Terms": the value of one replica of demand i on node j, or null when not allowed. */
export function refValue(p: PlacementProblem, i: number, j: number): { value: number; pref: boolean } | null {
  const d = must(p.demands[i])
  const n = must(p.nodes[j])
  if (n.health === 'down' || d.avoid_nodes.includes(n.id)) return null
  if (d.affinity && d.max_distance !== undefined && hyperbolic(n.point, d.affinity, p.kappa) > d.max_distance)
    return null
  for (const c of d.locality) {
    const at = must(p.nodes.find((m) => m.id === c.near))
    if (hyperbolic(n.point, at.point, p.kappa) > c.max_distance) return null
  }
  const live = p.nodes.filter((m) => m.health !== 'down')
  const maxCarbon = Math.max(...live.map((m) => m.carbon_intensity))
  const units = Object.keys(d.request)
  const cmax = units.reduce(
    (s, u) => s + Math.max(...live.map((m) => m.cost_per_unit_hour[u] ?? 0)) * (d.request[u] ?? 0),
    0,
  )
  const c = units.reduce((s, u) => s + (n.cost_per_unit_hour[u] ?? 0) * (d.request[u] ?? 0), 0)
  const perf = d.affinity ? Math.exp(-hyperbolic(n.point, d.affinity, p.kappa)) : 1
  const rel = n.availability * (n.health === 'degraded' ? 0.5 : 1)
  const sust = maxCarbon > 0 ? 1 - n.carbon_intensity / maxCarbon : 1
  const cost = cmax > 0 ? c / cmax : 0
  const w = p.weights
  return {
    value: w.performance * perf + w.reliability * rel + w.sustainability * sust - w.cost * cost,
    pref: d.preferred_regions.includes(n.region),
  }
}

/** The surrogate a placement maximises: 4 per placed replica, + J value, + 0.01 per replica kept on a current node. */
export function refSurrogate(
  p: PlacementProblem,
  assignments: readonly { workload: string; node: string }[],
): number {
  let total = 0
  const stay = new Map(p.demands.map((d) => [d.workload, [...d.current]]))
  for (const a of assignments) {
    const i = p.demands.findIndex((d) => d.workload === a.workload)
    const j = p.nodes.findIndex((n) => n.id === a.node)
    const v = refValue(p, i, j)
    if (!v) throw new Error(`assignment ${a.workload} -> ${a.node} is not allowed`)
    const cur = must(stay.get(a.workload))
    const k = cur.indexOf(a.node)
    if (k >= 0) cur.splice(k, 1)
    total += 4 + v.value + (k >= 0 ? 0.01 : 0)
  }
  return total
}

/** Every capacity and distinctness constraint holds. */
export function feasible(
  p: PlacementProblem,
  assignments: readonly { workload: string; node: string }[],
): boolean {
  const load = new Map<string, Record<string, number>>()
  const seen = new Set<string>()
  for (const a of assignments) {
    const d = must(p.demands.find((x) => x.workload === a.workload))
    if (d.distinct) {
      if (seen.has(`${a.workload}@${a.node}`)) return false
      seen.add(`${a.workload}@${a.node}`)
    }
    const l = load.get(a.node) ?? { ...(p.used?.[a.node] ?? {}) }
    for (const [u, v] of Object.entries(d.request)) l[u] = (l[u] ?? 0) + v
    load.set(a.node, l)
  }
  for (const [id, l] of load) {
    const n = must(p.nodes.find((x) => x.id === id))
    for (const [u, v] of Object.entries(l)) if (v > (n.capacity[u] ?? 0) + 1e-9) return false
  }
  const count = new Map<string, number>()
  for (const a of assignments) count.set(a.workload, (count.get(a.workload) ?? 0) + 1)
  return p.demands.every((d) => (count.get(d.workload) ?? 0) <= d.replicas)
}

/** The best surrogate over every assignment of every replica to a node or to nothing (no preferred regions). */
export function bruteForce(p: PlacementProblem): number {
  const slots = p.demands.flatMap((d) => Array.from({ length: d.replicas }, () => d.workload))
  let best = 0
  const pick: { workload: string; node: string }[] = []
  const go = (k: number) => {
    if (k === slots.length) {
      if (feasible(p, pick)) best = Math.max(best, refSurrogate(p, pick))
      return
    }
    go(k + 1)
    const i = p.demands.findIndex((d) => d.workload === slots[k])
    for (let j = 0; j < p.nodes.length; j++) {
      if (!refValue(p, i, j)) continue
      pick.push({ workload: must(slots[k]), node: must(p.nodes[j]).id })
      go(k + 1)
      pick.pop()
    }
  }
  go(0)
  return best
}
