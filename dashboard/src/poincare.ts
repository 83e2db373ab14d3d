// The Poincaré disk of a stored topology (first two coordinates): edges and the route as geodesic arcs.
// SVG is right for a picture of a geometry; the charts use uPlot.
import { geodesic, type P } from './geodesic.ts'

const NS = 'http://www.w3.org/2000/svg'

export interface DiskNode {
  id: string
  coords: number[]
  neighbours: string[]
}

function el(tag: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(NS, tag)
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v))
  return e
}

/** Draws the disk: unit circle, edges, nodes, and `route` (node ids in order) as a highlighted path. */
export function drawDisk(target: HTMLElement, nodes: DiskNode[], route: string[]): void {
  const R = 200
  const svg = el('svg', {
    viewBox: `${-R - 10} ${-R - 10} ${2 * R + 20} ${2 * R + 20}`,
    width: 420,
    height: 420,
    role: 'img',
  })
  svg.setAttribute('data-testid', 'poincare')
  svg.append(el('circle', { cx: 0, cy: 0, r: R, fill: '#f8fafc', stroke: '#64748b' }))
  const at = new Map(nodes.map((n) => [n.id, [(n.coords[0] ?? 0) * R, -(n.coords[1] ?? 0) * R] as const]))
  const edges: string[] = []
  for (const n of nodes) {
    const a = at.get(n.id) as P
    for (const m of n.neighbours) {
      const b = at.get(m)
      if (b && n.id < m) edges.push(geodesic(a, b, R))
    }
  }
  svg.append(el('path', { d: edges.join(''), fill: 'none', stroke: '#cbd5e1', 'stroke-width': 0.7 }))
  const dots = el('g', { fill: '#334155' })
  for (const [, [x, y]] of at) dots.append(el('circle', { cx: x, cy: y, r: 2.5 }))
  svg.append(dots)
  const pts = route.map((id) => at.get(id)).filter((p): p is P => p !== undefined)
  if (pts.length > 1) {
    const path = el('path', {
      d: pts
        .slice(1)
        .map((p, i) => geodesic(pts[i] as P, p, R))
        .join(''),
      'data-hops': pts.length - 1,
      fill: 'none',
      stroke: '#dc2626',
      'stroke-width': 2.5,
    })
    path.setAttribute('data-testid', 'route')
    svg.append(path)
    for (const [i, p] of [pts[0], pts.at(-1)].entries())
      if (p) svg.append(el('circle', { cx: p[0], cy: p[1], r: 5, fill: i === 0 ? '#16a34a' : '#dc2626' }))
  }
  target.replaceChildren(svg)
}
