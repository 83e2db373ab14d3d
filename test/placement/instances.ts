// Seeded placement instances for tests and the bench: random fleets in the Poincaré disc and random demands.
import type { PlacementDemand, PlacementNode, PlacementProblem } from '../../functions/placement/index.ts'
import { mulberry32 } from '../../functions/random/index.ts'

export const WEIGHTS = { performance: 0.4, cost: 0.2, reliability: 0.3, sustainability: 0.1 }

/** A point at Euclidean radius < 0.9 (hyperbolic radius < 2.95) in dimension 2. */
const disc = (r: () => number) => {
  const rad = 0.9 * Math.sqrt(r())
  const a = 2 * Math.PI * r()
  return [rad * Math.cos(a), rad * Math.sin(a)]
}

export function randomProblem(
  seed: number,
  nodes: number,
  demands: number,
  opts: { maxReplicas?: number; tight?: boolean; regions?: number } = {},
): PlacementProblem {
  const r = mulberry32(seed)
  const regions = opts.regions ?? 3
  const health = (): PlacementNode['health'] => {
    const x = r()
    return x < 0.1 ? 'down' : x < 0.25 ? 'degraded' : 'up'
  }
  const ns: PlacementNode[] = Array.from({ length: nodes }, (_, i) => ({
    id: `n${i}`,
    point: disc(r),
    region: `r${i % regions}`,
    capacity: {
      cpu: opts.tight ? 2 + Math.floor(r() * 3) : 8 + Math.floor(r() * 8),
      memory: 16 + Math.floor(r() * 16),
    },
    cost_per_unit_hour: { cpu: 0.02 + r() * 0.05, memory: 0.005 * r() },
    availability: 0.9 + 0.099 * r(),
    carbon_intensity: 50 + 500 * r(),
    health: health(),
  }))
  const ds: PlacementDemand[] = Array.from({ length: demands }, (_, i) => ({
    workload: `w${i}`,
    replicas: 1 + Math.floor(r() * (opts.maxReplicas ?? 2)),
    request: { cpu: 1 + Math.floor(r() * 2), memory: 1 + Math.floor(r() * 4) },
    affinity: disc(r),
    preferred_regions: [],
    avoid_nodes: [],
    locality: [],
    distinct: r() < 0.5,
    current: r() < 0.3 ? [`n${Math.floor(r() * nodes)}`] : [],
  }))
  return { nodes: ns, demands: ds, weights: WEIGHTS, kappa: 1 }
}
