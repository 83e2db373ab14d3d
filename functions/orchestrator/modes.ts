// Where the placement runs under each orchestration mode: one solve, regional solves under budgets, each
// workload alone, or each node's geometric neighbourhood. Every mode changes what runs (docs/orchestrator.md).
import type { MomConfig } from '../../schemas/mom-config.ts'
import type { StepBudget } from '../budget/index.ts'
import { distance } from '../geometry/index.ts'
import {
  type Placement,
  type PlacementDemand,
  type PlacementNode,
  type PlacementProblem,
  place,
} from '../placement/index.ts'

export type Mode = MomConfig['orchestration_mode']

export interface ModePlacement {
  placement: Placement
  /** federated: per region, the replicas the coordinator allotted and the replicas the region placed */
  regions?: Record<string, { budget: number; placed: number }>
  /** solves run: 1 when centralized */
  solves: number
}

type Used = Record<string, Record<string, number>>

function addUse(used: Used, p: Placement, demands: readonly PlacementDemand[]): void {
  const request = new Map(demands.map((d) => [d.workload, d.request]))
  for (const a of p.assignments) {
    const u = used[a.node] ?? {}
    used[a.node] = u
    for (const [k, v] of Object.entries(request.get(a.workload) ?? {})) u[k] = (u[k] ?? 0) + v
  }
}

/**
 * Concatenates sub-placements. Terms, J and the bound of a placement are means over the replicas it was asked
 * for (an unplaced replica counts 0), so the whole is the mean weighted by each part's requested replicas.
 */
function merge(parts: readonly { placement: Placement; requested: number }[], total: number): Placement {
  const out: Placement = {
    assignments: [],
    terms: { perf: 0, rel: 0, sust: 0, cost: 0 },
    J: 0,
    unplaced: [],
    method: parts.every((p) => p.placement.method === 'exact') ? 'exact' : 'heuristic',
    moved: 0,
  }
  let bound = 0
  let bounded = parts.length > 0
  const share = (n: number) => (total > 0 ? n / total : 0)
  for (const { placement: p, requested } of parts) {
    const w = share(requested)
    out.assignments.push(...p.assignments)
    out.unplaced.push(...p.unplaced)
    out.terms.perf += w * p.terms.perf
    out.terms.rel += w * p.terms.rel
    out.terms.sust += w * p.terms.sust
    out.terms.cost += w * p.terms.cost
    out.J += w * p.J
    out.moved += p.moved
    if (p.bound === undefined) bounded = false
    else bound += w * p.bound
  }
  if (bounded) out.bound = bound
  return out
}

const requested = (demands: readonly PlacementDemand[]) => demands.reduce((a, d) => a + d.replicas, 0)

/** Largest-remainder split of `total` in proportion to `weights` (deterministic: ties by key). */
export function apportion(total: number, weights: Record<string, number>): Record<string, number> {
  const keys = Object.keys(weights).sort()
  const sum = keys.reduce((a, k) => a + (weights[k] as number), 0)
  const out: Record<string, number> = {}
  if (sum <= 0) {
    for (const k of keys) out[k] = 0
    return out
  }
  let given = 0
  const rest: [string, number][] = []
  for (const k of keys) {
    const exact = (total * (weights[k] as number)) / sum
    out[k] = Math.floor(exact)
    given += out[k] as number
    rest.push([k, exact - Math.floor(exact)])
  }
  rest.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  for (let i = 0; i < total - given; i++) {
    const k = (rest[i % rest.length] as [string, number])[0]
    out[k] = (out[k] as number) + 1
  }
  return out
}

/** How many replicas of `request` fit on a node's capacity. */
export const fits = (n: PlacementNode, request: Readonly<Record<string, number>>): number => {
  let k = Number.POSITIVE_INFINITY
  for (const [unit, v] of Object.entries(request))
    if (v > 0) k = Math.min(k, Math.floor((n.capacity[unit] ?? 0) / v))
  return Number.isFinite(k) ? k : 1_000_000
}

/**
 * Federated: a coordinator allots each region a replica budget in proportion to the capacity it has up
 * (in replicas of the demands it can host), then assigns each workload's replicas to regions in its order of
 * preference (preferred regions, then nearest region to its affinity) within those budgets; each region then
 * solves its own placement on its own nodes only, unaware of the others.
 */
function federated(p: PlacementProblem, budget?: StepBudget): ModePlacement {
  const regions = [...new Set(p.nodes.map((n) => n.region))].sort()
  const total = p.demands.reduce((a, d) => a + d.replicas, 0)
  const room: Record<string, number> = {}
  for (const r of regions) room[r] = 0
  for (const n of p.nodes)
    if (n.health !== 'down')
      room[n.region] =
        (room[n.region] as number) +
        (p.demands.length === 0 ? 0 : Math.min(...p.demands.map((d) => fits(n, d.request))))
  const budgets = apportion(
    Math.min(
      total,
      Object.values(room).reduce((a, b) => a + b, 0),
    ),
    room,
  )
  const left = { ...budgets }
  const centre = (r: string) => p.nodes.filter((n) => n.region === r).map((n) => n.point)
  const perRegion = new Map<string, PlacementDemand[]>(regions.map((r) => [r, []]))
  const overflow: Placement['unplaced'] = []
  for (const d of p.demands) {
    const order = [...regions].sort((a, b) => {
      const pa = d.preferred_regions.includes(a) ? 0 : 1
      const pb = d.preferred_regions.includes(b) ? 0 : 1
      if (pa !== pb) return pa - pb
      if (d.affinity) {
        const da = Math.min(...centre(a).map((x) => distance(x, d.affinity as number[], p.kappa)))
        const db = Math.min(...centre(b).map((x) => distance(x, d.affinity as number[], p.kappa)))
        if (da !== db) return da - db
      }
      return a < b ? -1 : 1
    })
    let need = d.replicas
    for (const r of order) {
      if (need === 0) break
      const k = Math.min(need, left[r] ?? 0)
      if (k === 0) continue
      left[r] = (left[r] as number) - k
      need -= k
      const inRegion = new Set(p.nodes.filter((n) => n.region === r).map((n) => n.id))
      perRegion.get(r)?.push({ ...d, replicas: k, current: d.current.filter((c) => inRegion.has(c)) })
    }
    if (need > 0)
      overflow.push({ workload: d.workload, replicas: need, reason: 'federated: no region budget left' })
  }
  const parts: { placement: Placement; requested: number }[] = []
  const report: Record<string, { budget: number; placed: number }> = {}
  for (const r of regions) {
    const demands = perRegion.get(r) ?? []
    const part = place({ ...p, nodes: p.nodes.filter((n) => n.region === r), demands }, budget)
    parts.push({ placement: part, requested: requested(demands) })
    report[r] = { budget: budgets[r] ?? 0, placed: part.assignments.length }
  }
  const merged = merge(parts, total)
  merged.unplaced.push(...overflow)
  return { placement: merged, regions: report, solves: regions.length }
}

/** Fully distributed: each workload places itself alone, first come first served, seeing only what is taken. */
function distributed(p: PlacementProblem, budget?: StepBudget): ModePlacement {
  const used: Used = {}
  for (const [n, u] of Object.entries(p.used ?? {})) used[n] = { ...u }
  const parts: { placement: Placement; requested: number }[] = []
  for (const d of p.demands) {
    const part = place({ ...p, demands: [d], used }, budget)
    addUse(used, part, [d])
    parts.push({ placement: part, requested: d.replicas })
  }
  return { placement: merge(parts, requested(p.demands)), solves: p.demands.length }
}

/**
 * Geometric mesh: each workload is homed at the node nearest its affinity (no affinity: the node of its first
 * replica, else the first node); each home solves for its workloads over its k nearest nodes in the ball,
 * homes in order of id, seeing what earlier homes took.
 */
function mesh(p: PlacementProblem, k: number, budget?: StepBudget): ModePlacement {
  const live = p.nodes.filter((n) => n.health !== 'down')
  const nodeById = new Map(p.nodes.map((n) => [n.id, n]))
  const homes = new Map<string, PlacementDemand[]>()
  for (const d of p.demands) {
    const at = d.affinity ?? nodeById.get(d.current[0] ?? '')?.point ?? live[0]?.point
    let home = live[0]?.id ?? ''
    let best = Number.POSITIVE_INFINITY
    if (at)
      for (const n of live) {
        const dist = distance(n.point, at, p.kappa)
        if (dist < best) {
          best = dist
          home = n.id
        }
      }
    homes.set(home, [...(homes.get(home) ?? []), d])
  }
  const used: Used = {}
  for (const [n, u] of Object.entries(p.used ?? {})) used[n] = { ...u }
  const parts: { placement: Placement; requested: number }[] = []
  for (const home of [...homes.keys()].sort()) {
    const h = nodeById.get(home) as PlacementNode
    const demands = homes.get(home) as PlacementDemand[]
    const need = Math.max(...demands.map((d) => d.replicas))
    const near = [...live]
      .map((n) => ({ n, d: distance(n.point, h.point, p.kappa) }))
      .sort((a, b) => a.d - b.d || (a.n.id < b.n.id ? -1 : 1))
      .slice(0, Math.max(k, 2 * need))
      .map((x) => x.n)
    const part = place({ ...p, nodes: near, demands, used }, budget)
    addUse(used, part, demands)
    parts.push({ placement: part, requested: requested(demands) })
  }
  return { placement: merge(parts, requested(p.demands)), solves: homes.size }
}

export function placeByMode(mode: Mode, p: PlacementProblem, k: number, budget?: StepBudget): ModePlacement {
  switch (mode) {
    case 'centralized':
      return { placement: place(p, budget), solves: 1 }
    case 'federated':
      return federated(p, budget)
    case 'fully_distributed':
      return distributed(p, budget)
    case 'geometric_mesh':
      return mesh(p, k, budget)
  }
}
