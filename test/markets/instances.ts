// Benchmark and test congestion games: a grid of BPR roads and a random geometric graph, seeded.
import type { CongestionGame, GameEdge } from '../../functions/markets/index.ts'

export function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
}

/** A w x w grid of two-way BPR roads (free flow 1 to 2, capacity 2); agents from the top row to the bottom row. */
export function gridGame(w: number, agents: number, seed: number): CongestionGame {
  const rnd = xorshift(seed)
  const edges: GameEdge[] = []
  for (let r = 0; r < w; r++)
    for (let c = 0; c < w; c++) {
      const v = r * w + c
      if (c + 1 < w) edges.push({ from: v, to: v + 1, free: 1 + rnd(), capacity: 2 })
      if (r + 1 < w) edges.push({ from: v, to: v + w, free: 1 + rnd(), capacity: 2 })
    }
  return {
    nodes: w * w,
    edges,
    directed: false,
    agents: Array.from({ length: agents }, (_, i) => ({
      id: `a${i}`,
      from: Math.floor(rnd() * w),
      to: w * w - 1 - Math.floor(rnd() * w),
    })),
  }
}

/**
 * n points in the unit square joined when closer than the radius (plus a chain so it is connected); BPR with
 * free flow = Euclidean length, capacity 1 to 3. Agents between random pairs.
 */
export function geometricGame(n: number, agents: number, seed: number): CongestionGame {
  const rnd = xorshift(seed)
  const pts = Array.from({ length: n }, () => [rnd(), rnd()] as const)
  const radius = Math.sqrt(3 / n)
  const edges: GameEdge[] = []
  const len = (i: number, j: number) => {
    const [a, b] = [pts[i] as readonly number[], pts[j] as readonly number[]]
    return Math.hypot((a[0] as number) - (b[0] as number), (a[1] as number) - (b[1] as number))
  }
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      if (j === i + 1 || len(i, j) < radius)
        edges.push({ from: i, to: j, free: len(i, j) + 0.01, capacity: 1 + Math.floor(rnd() * 3) })
  return {
    nodes: n,
    edges,
    directed: false,
    agents: Array.from({ length: agents }, (_, i) => {
      const from = Math.floor(rnd() * n)
      return { id: `a${i}`, from, to: (from + 1 + Math.floor(rnd() * (n - 1))) % n }
    }),
  }
}
