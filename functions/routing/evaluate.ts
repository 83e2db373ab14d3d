// Greedy success rate and stretch against BFS shortest paths, over given source/target pairs.

import type { StepBudget } from '../budget/index.ts'
import { mulberry32 } from '../random/index.ts'
import { VISIT_STEPS } from './budgets.ts'
import { greedyRoute } from './greedy.ts'
import type { Topology } from './topology.ts'

/** Hop distances from src to every slot (-1 where unreachable). */
export function bfsHops(topo: Topology, src: number): Int32Array {
  const dist = new Int32Array(topo.slots).fill(-1)
  dist[src] = 0
  const queue = [src]
  for (let h = 0; h < queue.length; h++) {
    const v = queue[h] as number
    for (const w of topo.adj[v] as number[])
      if (dist[w] === -1) {
        dist[w] = (dist[v] as number) + 1
        queue.push(w)
      }
  }
  return dist
}

export interface GreedyQuality {
  pairs: number
  delivered: number
  success_rate: number
  /** Mean over delivered pairs of greedy hops / shortest-path hops. */
  mean_stretch: number
  max_stretch: number
}

type Pairs = readonly (readonly [number, number])[]

/** Pairs grouped by source, in order of first appearance (one BFS per source; the job keeps the same order). */
export function sourceGroups(pairs: Pairs): [number, number[]][] {
  const by = new Map<number, number[]>()
  for (const [s, t] of pairs) {
    const l = by.get(s)
    if (l) l.push(t)
    else by.set(s, [t])
  }
  return [...by]
}

/** What the breadth-first searches of greedyQuality cost in steps: one per distinct source, each the whole graph. */
export const evaluationSteps = (topo: Topology, pairs: Pairs): number =>
  new Set(pairs.map((p) => p[0])).size * (topo.slots + 2 * topo.edgeCount) * VISIT_STEPS

/**
 * Pairs grouped by source so each source needs one BFS. With a budget, the searches are paid for up
 * front (a refusal costs nothing) and every greedy route as it walks.
 */
export function greedyQuality(topo: Topology, pairs: Pairs, budget?: StepBudget): GreedyQuality {
  budget?.spend(evaluationSteps(topo, pairs))
  let delivered = 0
  let stretchSum = 0
  let maxStretch = 0
  for (const [s, targets] of sourceGroups(pairs)) {
    const hops = bfsHops(topo, s)
    for (const t of targets) {
      const r = greedyRoute(topo, s, { node: t }, budget)
      if (r.status !== 'delivered') continue
      delivered++
      const st = s === t ? 1 : (r.path.length - 1) / (hops[t] as number)
      stretchSum += st
      maxStretch = Math.max(maxStretch, st)
    }
  }
  return {
    pairs: pairs.length,
    delivered,
    success_rate: pairs.length ? delivered / pairs.length : 1,
    mean_stretch: delivered ? stretchSum / delivered : 0,
    max_stretch: maxStretch,
  }
}

/** Deterministic pseudo-random pairs of distinct live slots (mulberry32). */
export function samplePairs(topo: Topology, count: number, seed = 42): [number, number][] {
  const live: number[] = []
  for (let i = 0; i < topo.slots; i++) if (topo.alive(i)) live.push(i)
  const rnd = mulberry32(seed)
  const out: [number, number][] = []
  if (live.length < 2) return out
  if (live.length * (live.length - 1) <= count) {
    for (const s of live) for (const t of live) if (s !== t) out.push([s, t])
    return out
  }
  // few sources, many targets each: one BFS per source
  const perSource = Math.max(1, Math.ceil(Math.sqrt(count)))
  while (out.length < count) {
    const s = live[Math.floor(rnd() * live.length)] as number
    for (let j = 0; j < perSource && out.length < count; j++) {
      const t = live[Math.floor(rnd() * live.length)] as number
      if (t !== s) out.push([s, t])
    }
  }
  return out
}
