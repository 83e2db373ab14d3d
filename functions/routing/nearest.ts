// k nearest nodes to a point (placement and service discovery): one linear scan with a bounded max-heap.
import type { StepBudget } from '../budget/index.ts'
import { distanceSteps } from './budgets.ts'
import { TargetField } from './target.ts'
import type { Topology } from './topology.ts'

export interface Neighbour {
  node: number
  /** Distance for curvature -1. */
  distance: number
}

/** (key, slot) pairs ordered lexicographically, the largest on top: the k best so far, the worst evicted first. */
class WorstFirst {
  readonly keys: number[] = []
  readonly nodes: number[] = []

  private above(i: number, j: number): boolean {
    const a = this.keys[i] as number
    const b = this.keys[j] as number
    return a > b || (a === b && (this.nodes[i] as number) > (this.nodes[j] as number))
  }

  private swap(i: number, j: number): void {
    const k = this.keys
    const n = this.nodes
    ;[k[i], k[j]] = [k[j] as number, k[i] as number]
    ;[n[i], n[j]] = [n[j] as number, n[i] as number]
  }

  push(key: number, node: number): void {
    let i = this.keys.length
    this.keys.push(key)
    this.nodes.push(node)
    while (i > 0 && this.above(i, (i - 1) >> 1)) {
      this.swap(i, (i - 1) >> 1)
      i = (i - 1) >> 1
    }
  }

  /** Replaces the worst pair and restores the heap. */
  replaceTop(key: number, node: number): void {
    this.keys[0] = key
    this.nodes[0] = node
    const n = this.keys.length
    for (let i = 0; ; ) {
      let c = 2 * i + 1
      if (c >= n) break
      if (c + 1 < n && this.above(c + 1, c)) c++
      if (!this.above(c, i)) break
      this.swap(i, c)
      i = c
    }
  }
}

/**
 * The k live nodes closest to `point` that pass `accept`, nearest first (ties by slot order). O(n log k):
 * a sorted list was O(n k) when the nodes came in order of decreasing distance. Each node scanned spends
 * one distance from `budget`; `accept` spends its own.
 */
export function kNearest(
  topo: Topology,
  point: readonly number[],
  k: number,
  accept: (i: number) => boolean = () => true,
  budget?: StepBudget,
): Neighbour[] {
  const field = new TargetField(topo, { point })
  const perDistance = distanceSteps(topo.dim)
  const best = new WorstFirst()
  const keys = best.keys
  if (k <= 0) return []
  const ids = topo.ids
  const slots = topo.slots
  // the budget is paid per block of nodes: a call per node cost more than the scan itself for small k
  const BLOCK = 1024
  for (let start = 0; start < slots; start += BLOCK) {
    const end = Math.min(slots, start + BLOCK)
    budget?.spend((end - start) * perDistance)
    for (let i = start; i < end; i++) {
      if (ids[i] == null) continue
      const key = field.key(i)
      // slots come in increasing order, so an equal key never displaces an earlier slot
      const full = keys.length === k
      if (full && key >= (keys[0] as number)) continue
      if (!accept(i)) continue
      if (full) best.replaceTop(key, i)
      else best.push(key, i)
    }
  }
  const order = best.nodes.map((_, j) => j)
  order.sort(
    (a, b) =>
      (best.keys[a] as number) - (best.keys[b] as number) ||
      (best.nodes[a] as number) - (best.nodes[b] as number),
  )
  return order.map((j) => ({
    node: best.nodes[j] as number,
    distance: field.distance(best.nodes[j] as number),
  }))
}
