// From chosen (demand, node) pairs to the answer: averaged terms, J, unplaced replicas with reasons, moves.
import { blockedBy, type Demand, jValue, type Model, replicaTerms } from './model.ts'
import type { Placement, PlacementNode, Terms } from './types.ts'

/** Terms averaged over every requested replica (an unplaced replica adds 0 to each), and J from them. */
export function termsOf(
  m: Model,
  pairs: readonly (readonly [Demand, number])[],
): { terms: Terms; J: number } {
  const t = { perf: 0, rel: 0, sust: 0, cost: 0 }
  for (const [w, n] of pairs) {
    const r = replicaTerms(m, w, n)
    t.perf += r.perf
    t.rel += r.rel
    t.sust += r.sust
    t.cost += r.cost
  }
  const R = Math.max(1, m.totalReplicas)
  const terms = { perf: t.perf / R, rel: t.rel / R, sust: t.sust / R, cost: t.cost / R }
  return { terms, J: jValue(m.weights, terms) }
}

/** Why the replicas of w that are not placed could not be: the most basic constraint that explains it. */
function reasonFor(m: Model, w: Demand, placed: number): { reason: string; detail: string } {
  let policy = 0
  let allowed = 0
  for (let n = 0; n < m.nodes.length; n++) {
    const b = blockedBy(m, w, n)
    if (b === undefined) allowed++
    else if (b === 'distance') policy++
  }
  if (allowed === 0 && policy === 0)
    return { reason: 'policy', detail: 'every node is down, avoided or outside the preferred regions' }
  if (allowed === 0)
    return {
      reason: 'distance',
      detail: 'no allowed node lies within max_distance and the locality constraints',
    }
  if (w.d.distinct && placed >= allowed)
    return {
      reason: 'distinct',
      detail: `only ${allowed} allowed nodes for ${w.d.replicas} distinct replicas`,
    }
  return { reason: 'capacity', detail: 'the allowed nodes have no room left for this request' }
}

const DETAIL: Record<string, string> = {
  policy: 'every node is down, avoided or outside the preferred regions',
  distance: 'no allowed node lies within max_distance and the locality constraints',
  distinct: 'fewer allowed nodes than distinct replicas',
  capacity: 'the allowed nodes have no room left for this request',
}

/** The heuristic's own evidence where it has it (its failed search saw every candidate), else a full scan. */
function explain(m: Model, w: Demand, placed: number, reasons?: ReadonlyMap<Demand, string>) {
  const known = reasons?.get(w)
  return known ? { reason: known, detail: DETAIL[known] as string } : reasonFor(m, w, placed)
}

export function finish(
  m: Model,
  pairs: readonly (readonly [Demand, number])[],
  method: Placement['method'],
  bound?: number,
  reasons?: ReadonlyMap<Demand, string>,
): Placement {
  // assignments in demand order, then node order: the same placement always reads the same
  const sorted = [...pairs].sort((a, b) => a[0].index - b[0].index || a[1] - b[1])
  const count = new Map<Demand, number>()
  let moved = 0
  let last: Demand | undefined
  let stay = new Map<number, number>()
  for (const [w, n] of sorted) {
    count.set(w, (count.get(w) ?? 0) + 1)
    if (w !== last) {
      stay = new Map(w.current)
      last = w
    }
    const left = stay.get(n) ?? 0
    if (left > 0) stay.set(n, left - 1)
    else moved++
  }
  const unplaced: Placement['unplaced'] = []
  for (const w of m.demands) {
    const placed = count.get(w) ?? 0
    if (placed < w.d.replicas)
      unplaced.push({
        workload: w.d.workload,
        replicas: w.d.replicas - placed,
        ...explain(m, w, placed, reasons),
      })
  }
  const { terms, J } = termsOf(m, sorted)
  return {
    assignments: sorted.map(([w, n]) => ({ workload: w.d.workload, node: (m.nodes[n] as PlacementNode).id })),
    terms,
    J,
    unplaced,
    method,
    ...(bound !== undefined && { bound: Math.max(bound, J) }),
    moved,
  }
}
