// TEMPORARY stand-in (replaced by the placement branch at merge): greedy first fit.
import type { StepBudget } from '../budget/index.ts'
export type Health = 'up' | 'degraded' | 'down'
export interface PlacementNode {
  id: string
  point: readonly number[]
  region: string
  capacity: Readonly<Record<string, number>>
  cost_per_unit_hour: Readonly<Record<string, number>>
  availability: number
  carbon_intensity: number
  health: Health
}
export interface PlacementDemand {
  workload: string
  replicas: number
  request: Readonly<Record<string, number>>
  affinity?: readonly number[]
  max_distance?: number
  preferred_regions: readonly string[]
  avoid_nodes: readonly string[]
  locality: readonly { near: string; max_distance: number }[]
  distinct: boolean
  current: readonly string[]
}
export interface Weights {
  performance: number
  cost: number
  reliability: number
  sustainability: number
}
export interface Terms {
  perf: number
  rel: number
  sust: number
  cost: number
}
export interface Placement {
  assignments: { workload: string; node: string }[]
  terms: Terms
  J: number
  unplaced: { workload: string; replicas: number; reason: string }[]
  method: 'exact' | 'heuristic'
  bound?: number
  moved: number
}
export interface PlacementProblem {
  nodes: readonly PlacementNode[]
  demands: readonly PlacementDemand[]
  weights: Weights
  kappa: number
  used?: Readonly<Record<string, Readonly<Record<string, number>>>>
}
export interface ParetoPoint {
  weights: Weights
  terms: Terms
  J: number
  chosen: boolean
}
export function place(p: PlacementProblem, _b?: StepBudget): Placement {
  const used: Record<string, Record<string, number>> = {}
  for (const [n, u] of Object.entries(p.used ?? {})) used[n] = { ...u }
  const out: Placement = {
    assignments: [],
    terms: { perf: 0, rel: 0, sust: 0, cost: 0 },
    J: 0,
    unplaced: [],
    method: 'heuristic',
    moved: 0,
  }
  for (const d of p.demands) {
    let left = d.replicas
    const taken = new Set<string>()
    const order = [...d.current, ...p.nodes.map((n) => n.id)]
    for (const id of order) {
      if (left === 0) break
      const n = p.nodes.find((x) => x.id === id)
      if (!n || n.health === 'down' || d.avoid_nodes.includes(id) || (d.distinct && taken.has(id))) continue
      const u = (used[id] ??= {})
      if (Object.entries(d.request).some(([k, v]) => (u[k] ?? 0) + v > (n.capacity[k] ?? 0))) continue
      for (const [k, v] of Object.entries(d.request)) u[k] = (u[k] ?? 0) + v
      out.assignments.push({ workload: d.workload, node: id })
      taken.add(id)
      left--
    }
    if (left > 0) out.unplaced.push({ workload: d.workload, replicas: left, reason: 'capacity' })
  }
  return out
}
export function paretoFrontier(
  p: PlacementProblem,
  b?: StepBudget,
): { points: ParetoPoint[]; chosen: Placement } {
  const chosen = place(p, b)
  return { points: [{ weights: p.weights, terms: chosen.terms, J: chosen.J, chosen: true }], chosen }
}
