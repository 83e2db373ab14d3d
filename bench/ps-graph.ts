// Popularity-similarity graphs (Papadopoulos et al., Nature 2012), temperature 0: scale-free, clustered, in H^2.
import { mulberry32 } from '../functions/random/index.ts'
//
// Node t = 1..n arrives at angle theta_t (uniform) and radius r_t = 2 ln t; older nodes drift outwards
// (popularity fading: r_s(t) = beta r_s + (1 - beta) r_t, so the degree exponent is gamma = 1 + 1/beta).
// t links to the m existing nodes that are hyperbolically closest; for T = 0 that is the m smallest
// r_s(t) + 2 ln(theta_st / 2), i.e. the m smallest s^beta * theta_st (the paper's approximation of the
// distance, exact in the large-radius limit). Coordinates are the final radii, r_s(n), as Poincaré points.

export interface PsGraph {
  n: number
  /** Flat Poincaré coordinates, 2 per node. */
  coords: Float64Array
  edges: [number, number][]
}

export function psGraph(n: number, m: number, beta: number, seed = 7): PsGraph {
  const rnd = mulberry32(seed)
  const TWO_PI = 2 * Math.PI
  const theta = new Float64Array(n)
  const weight = new Float64Array(n) // s^beta (s = index + 1)
  const buckets: number[][] = Array.from({ length: Math.max(1, n >> 2) }, () => [])
  const B = buckets.length
  const edges: [number, number][] = []
  for (let t = 0; t < n; t++) {
    theta[t] = rnd() * TWO_PI
    weight[t] = (t + 1) ** beta
    if (t <= m) {
      for (let s = 0; s < t; s++) edges.push([s, t])
    } else {
      // scan angular buckets outwards; a bucket at angular offset >= off has keys >= off (s^beta >= 1)
      const keys: number[] = []
      const best: number[] = []
      const home = Math.floor(((theta[t] as number) / TWO_PI) * B)
      for (let k = 0; k <= B >> 1; k++) {
        const off = ((k - 1) * TWO_PI) / B
        if (keys.length === m && off > (keys[m - 1] as number)) break
        for (const b of k === 0 ? [home] : [(home + k) % B, (home - k + B) % B]) {
          for (const s of buckets[b] as number[]) {
            let d = Math.abs((theta[s] as number) - (theta[t] as number))
            if (d > Math.PI) d = TWO_PI - d
            const key = (weight[s] as number) * d
            if (keys.length === m && key >= (keys[m - 1] as number)) continue
            let j = keys.length === m ? m - 1 : keys.length
            while (j > 0 && (keys[j - 1] as number) > key) {
              keys[j] = keys[j - 1] as number
              best[j] = best[j - 1] as number
              j--
            }
            keys[j] = key
            best[j] = s
          }
          if (B === 1 || (k > 0 && B - k === k)) break
        }
      }
      for (const s of best) edges.push([s, t])
    }
    ;(buckets[Math.floor(((theta[t] as number) / TWO_PI) * B)] as number[]).push(t)
  }
  const coords = new Float64Array(2 * n)
  const rn = 2 * Math.log(n)
  for (let s = 0; s < n; s++) {
    const r = beta * 2 * Math.log(s + 1) + (1 - beta) * rn
    const rho = Math.tanh(r / 2)
    coords[2 * s] = rho * Math.cos(theta[s] as number)
    coords[2 * s + 1] = rho * Math.sin(theta[s] as number)
  }
  return { n, coords, edges }
}
