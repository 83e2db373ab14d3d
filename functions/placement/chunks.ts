// Placing a large fleet over several budgets: the capacity a placement takes, to pass as `used` to the next chunk.
import type { Placement, PlacementProblem } from './types.ts'

/**
 * `p.used` plus what `placement`'s assignments request, per node and unit. Placing demands chunk by chunk
 * (each chunk within its own budget, e.g. one alarm) with the previous chunks' `used` respects capacity
 * across chunks; each chunk is optimal or bounded on its own, not jointly.
 */
export function usedAfter(p: PlacementProblem, placement: Placement): Record<string, Record<string, number>> {
  const used: Record<string, Record<string, number>> = {}
  for (const [id, units] of Object.entries(p.used ?? {})) used[id] = { ...units }
  const request = new Map(p.demands.map((d) => [d.workload, d.request]))
  for (const a of placement.assignments) {
    const row = used[a.node] ?? {}
    used[a.node] = row
    for (const [u, v] of Object.entries(request.get(a.workload) ?? {})) row[u] = (row[u] ?? 0) + v
  }
  return used
}
