// Hyperbolic geodesics of the Poincaré disk as SVG path data (pure: no DOM, tested in Node).
export type P = readonly [number, number]

/**
 * The SVG path of the hyperbolic geodesic from a to b in a disk of radius R: the arc of the circle through
 * both that meets the boundary at right angles (through a's inverse), or a chord through the centre.
 */
export function geodesic(a: P, b: P, R: number): string {
  const [ax, ay] = a
  const [bx, by] = b
  const straight = `M${ax},${ay}L${bx},${by}`
  const na = ax * ax + ay * ay
  if (na < 1e-9 || Math.abs(ax * by - ay * bx) < 1e-9 * R * R) return straight
  const [cx0, cy0] = [(ax * R * R) / na, (ay * R * R) / na] // a's inverse in the boundary circle
  // circumcentre of a, b and a's inverse
  const d = 2 * (ax * (by - cy0) + bx * (cy0 - ay) + cx0 * (ay - by))
  if (Math.abs(d) < 1e-12) return straight
  const nb = bx * bx + by * by
  const nc = cx0 * cx0 + cy0 * cy0
  const ux = (na * (by - cy0) + nb * (cy0 - ay) + nc * (ay - by)) / d
  const uy = (na * (cx0 - bx) + nb * (ax - cx0) + nc * (bx - ax)) / d
  const r = Math.hypot(ax - ux, ay - uy)
  const sweep = (ax - ux) * (by - uy) - (ay - uy) * (bx - ux) > 0 ? 1 : 0
  return `M${ax},${ay}A${r},${r} 0 0 ${sweep} ${bx},${by}`
}
