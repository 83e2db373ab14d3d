// Distances from graph nodes to a target point, in the monotone form routing compares (no acosh per hop).
import { diffNorm, diffNormSq, distanceOf, oneMinusNormSq } from '../geometry/index.ts'
import type { Topology } from './topology.ts'

export type Target = { node: number } | { point: readonly number[] }

export class TargetField {
  private readonly topo: Topology
  private readonly p: Float64Array
  private readonly roomP: number

  constructor(topo: Topology, target: Target) {
    this.topo = topo
    this.p =
      'node' in target
        ? topo.coords.slice(target.node * topo.dim, (target.node + 1) * topo.dim)
        : Float64Array.from(target.point)
    this.roomP = oneMinusNormSq(this.p)
  }

  /** |x_i - t|^2 / (1 - |x_i|^2): increasing in d(x_i, t), for comparisons. */
  key(i: number): number {
    const t = this.topo
    return diffNormSq(t.coords, i * t.dim, this.p, 0, t.dim) / (t.room[i] as number)
  }

  /** d(x_i, t) for curvature -1. */
  distance(i: number): number {
    const t = this.topo
    return distanceOf(diffNorm(t.coords, i * t.dim, this.p, 0, t.dim), t.room[i] as number, this.roomP)
  }
}

/** d(x_i, x_j) for curvature -1. */
export function nodeDistance(topo: Topology, i: number, j: number): number {
  const d = topo.dim
  return distanceOf(
    diffNorm(topo.coords, i * d, topo.coords, j * d, d),
    topo.room[i] as number,
    topo.room[j] as number,
  )
}
