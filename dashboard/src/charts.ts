// Time-series charts with uPlot (kept, ~50 kB): one chart per box, data replaced in place on updates.
import uPlot from 'uplot'

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2']

export interface Series {
  label: string
  values: (number | null)[]
}

const charts = new Map<string, uPlot>()

/** Draws (or redraws) the chart in `#id`: x is seconds since the epoch. */
export function lineChart(id: string, xs: number[], series: Series[], opts: { height?: number } = {}) {
  const target = document.getElementById(id)
  if (!target) return
  const data = [xs, ...series.map((s) => s.values)] as uPlot.AlignedData
  const existing = charts.get(id)
  if (existing && existing.series.length === series.length + 1 && target.contains(existing.root)) {
    existing.setData(data)
    return
  }
  existing?.destroy()
  target.replaceChildren()
  const chart = new uPlot(
    {
      width: Math.max(280, target.clientWidth || 480),
      height: opts.height ?? 180,
      scales: { x: { time: true } },
      legend: { live: false },
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length],
          width: 1.5,
          points: { size: 4 },
        })),
      ],
    },
    data,
    target,
  )
  charts.set(id, chart)
}

/** Scores as bars against their thresholds (drawn as markers), one category per invariant. */
export function barChart(id: string, labels: string[], scores: number[], thresholds: number[]) {
  const target = document.getElementById(id)
  if (!target) return
  charts.get(id)?.destroy()
  target.replaceChildren()
  const xs = labels.map((_, i) => i)
  const bars = uPlot.paths.bars?.({ size: [0.5, 60] })
  const chart = new uPlot(
    {
      width: Math.max(280, target.clientWidth || 480),
      height: 180,
      scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: { range: [0, 1.05] } },
      legend: { live: false },
      axes: [{ splits: () => xs, values: (_u, splits) => splits.map((i) => labels[i] ?? '') }, {}],
      series: [
        {},
        { label: 'score', stroke: '#2563eb', fill: '#93c5fd', paths: bars, points: { show: false } },
        {
          label: 'threshold',
          stroke: '#dc2626',
          width: 0,
          points: { show: true, size: 12, fill: '#dc2626' },
        },
      ],
    },
    [xs, scores, thresholds],
    target,
  )
  charts.set(id, chart)
}
