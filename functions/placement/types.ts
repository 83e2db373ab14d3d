// The placement contract: nodes, demands, weights, and the answer (exact shape the orchestrator calls).
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

/** Why replicas stay unplaced: `policy` (avoid, down, preferred regions), `distance`, `distinct`, `capacity`. */
export type UnplacedReason = 'capacity' | 'policy' | 'distance' | 'distinct'

export interface Placement {
  assignments: { workload: string; node: string }[]
  terms: Terms
  J: number
  unplaced: { workload: string; replicas: number; reason: string; detail?: string }[]
  method: 'exact' | 'heuristic'
  /** Heuristic only: an upper bound on J over every feasible placement (docs/placement.md). */
  bound?: number
  moved: number
}

export interface PlacementProblem {
  nodes: readonly PlacementNode[]
  demands: readonly PlacementDemand[]
  weights: Weights
  kappa: number
  /** Capacity already used on each node, by unit (other tenants, pinned replicas). */
  used?: Readonly<Record<string, Readonly<Record<string, number>>>>
}

export interface ParetoPoint {
  weights: Weights
  terms: Terms
  /** J of this point's terms under the problem's own weights, so points compare on one scale. */
  J: number
  chosen: boolean
  /** Only on the chosen point, when another point dominates it (a heuristic solve, or the stability bonus). */
  dominated?: boolean
}
