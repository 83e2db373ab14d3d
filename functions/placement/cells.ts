// A spatial prefilter: usable nodes grouped around sqrt(N) farthest-first pivots, so a search visits few cells.
//
// For a node n in cell c (pivot p, radius R_c = max d(n, p)), the triangle inequality gives
// d(n, a) >= d(a, p) - R_c: a lower bound on the distance to an affinity point a, hence an upper bound
// exp(-(d(a, p) - R_c)) on perf, and cells whose bound cannot beat the best node found are never opened.
import type { StepBudget } from '../budget/index.ts'
import { distance, distanceSteps } from '../geometry/index.ts'
import type { Model } from './model.ts'
import type { PlacementNode } from './types.ts'

export interface Cells {
  pivots: number[]
  members: number[][]
  radius: number[]
  /** max over the cell of w_rel rel + w_sust sust: what a node of the cell can add besides perf and cost. */
  staticMax: number[]
}

export function buildCells(m: Model, budget?: StepBudget, cells?: number): Cells {
  const live: number[] = []
  for (let n = 0; n < m.nodes.length; n++) if (m.usable[n]) live.push(n)
  const pts = (n: number) => (m.nodes[n] as PlacementNode).point
  const P = cells ?? Math.max(1, Math.ceil(Math.sqrt(live.length)))
  const dmin = new Float64Array(live.length).fill(Number.POSITIVE_INFINITY)
  const owner = new Int32Array(live.length)
  const pivots: number[] = []
  const per = distanceSteps(pts(live[0] ?? 0)?.length ?? 2)
  let next = 0
  // farthest-first traversal: each new pivot is the node farthest from all earlier ones (ties: lowest index)
  while (pivots.length < Math.min(P, live.length)) {
    const p = live[next] as number
    const c = pivots.length
    pivots.push(p)
    budget?.spend(live.length * per)
    let far = -1
    let farD = -1
    for (let i = 0; i < live.length; i++) {
      const d = distance(pts(live[i] as number), pts(p), m.kappa)
      if (d < (dmin[i] as number)) {
        dmin[i] = d
        owner[i] = c
      }
      if ((dmin[i] as number) > farD) {
        farD = dmin[i] as number
        far = i
      }
    }
    if (farD <= 0) break
    next = far
  }
  const members: number[][] = pivots.map(() => [])
  const radius = pivots.map(() => 0)
  const staticMax = pivots.map(() => Number.NEGATIVE_INFINITY)
  const w = m.weights
  live.forEach((n, i) => {
    const c = owner[i] as number
    ;(members[c] as number[]).push(n)
    radius[c] = Math.max(radius[c] as number, dmin[i] as number)
    staticMax[c] = Math.max(
      staticMax[c] as number,
      w.reliability * (m.rel[n] as number) + w.sustainability * (m.sust[n] as number),
    )
  })
  return { pivots, members, radius, staticMax }
}
