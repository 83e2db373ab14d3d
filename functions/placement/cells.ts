// A spatial prefilter: usable nodes grouped around sqrt(N) farthest-first pivots, so a search visits few cells.
//
// For a node n in cell c (pivot p, radius R_c = max d(n, p)), the triangle inequality gives
// d(n, a) >= d(a, p) - R_c: a lower bound on the distance to an affinity point a, hence an upper bound
// exp(-(d(a, p) - R_c)) on perf, and cells whose bound cannot beat the best node found are never opened.
import type { StepBudget } from '../budget/index.ts'
import { distanceSteps } from '../geometry/index.ts'
import { distTo, type Model } from './model.ts'
import type { PlacementNode } from './types.ts'

/** Cells per square root of the node count: more cells, tighter bounds, more pivot distances per demand. */
export const CELLS_PER_SQRT_N = 4

export interface Cells {
  pivots: number[]
  members: number[][]
  radius: number[]
  /** max over the cell of w_rel rel + w_sust sust: what a node of the cell can add besides perf and cost. */
  staticMax: number[]
  /** The cell of every node (-1: not usable). */
  cellOf: Int32Array
  /** Each node's distance to its cell's pivot: |d(a, p) - d(n, p)| bounds d(a, n) from below, node by node. */
  toPivot: Float64Array
  /** w_rel rel + w_sust sust of each node. */
  staticOf: Float64Array
  /** minPrice[c * U + u]: the cheapest price of unit u in cell c, for a lower bound on a replica's cost. */
  minPrice: Float64Array
}

export function buildCells(m: Model, budget?: StepBudget, cells?: number): Cells {
  const live: number[] = []
  for (let n = 0; n < m.nodes.length; n++) if (m.usable[n]) live.push(n)
  const pts = (n: number) => (m.nodes[n] as PlacementNode).point
  const P = cells ?? Math.max(1, Math.ceil(CELLS_PER_SQRT_N * Math.sqrt(live.length)))
  const dmin = new Float64Array(live.length).fill(Number.POSITIVE_INFINITY)
  const owner = new Int32Array(live.length)
  const pivots: number[] = []
  const per = distanceSteps(m.dim)
  // pivots spread over the input order, a sample that follows the fleet's density (farthest-first pivots sit
  // on the rim and leave the dense middle in a few huge cells); every node joins its nearest pivot
  const count = Math.min(P, live.length)
  for (let k = 0; k < count; k++) pivots.push(live[Math.floor((k * live.length) / count)] as number)
  budget?.spend(live.length * count * per)
  for (let i = 0; i < live.length; i++)
    pivots.forEach((p, c) => {
      const d = distTo(m, live[i] as number, pts(p), m.room1[p] as number)
      if (d < (dmin[i] as number)) {
        dmin[i] = d
        owner[i] = c
      }
    })
  const members: number[][] = pivots.map(() => [])
  const radius = pivots.map(() => 0)
  const staticMax = pivots.map(() => Number.NEGATIVE_INFINITY)
  const w = m.weights
  const cellOf = new Int32Array(m.nodes.length).fill(-1)
  const toPivot = new Float64Array(m.nodes.length)
  const staticOf = new Float64Array(m.nodes.length)
  live.forEach((n, i) => {
    const c = owner[i] as number
    cellOf[n] = c
    toPivot[n] = dmin[i] as number
    staticOf[n] = w.reliability * (m.rel[n] as number) + w.sustainability * (m.sust[n] as number)
    ;(members[c] as number[]).push(n)
    radius[c] = Math.max(radius[c] as number, dmin[i] as number)
    staticMax[c] = Math.max(
      staticMax[c] as number,
      w.reliability * (m.rel[n] as number) + w.sustainability * (m.sust[n] as number),
    )
  })
  const U = m.units.length
  const minPrice = new Float64Array(pivots.length * U).fill(Number.POSITIVE_INFINITY)
  for (const n of live)
    for (let u = 0; u < U; u++) {
      const k = (cellOf[n] as number) * U + u
      minPrice[k] = Math.min(minPrice[k] as number, m.price[n * U + u] as number)
    }
  return { pivots, members, radius, staticMax, cellOf, toPivot, staticOf, minPrice }
}
