// KAIROS benchmarks: microseconds per sample on the time grid (one per step, bursts, long gaps, rebuilds) and
// the meta witness digest per covered entry.
import { performance } from 'node:perf_hooks'
import { Kairos, META_MAX_ENTRIES, stepsToRebuild, witnessDigest } from '../functions/kairos/index.ts'
import { KairosConfig } from '../schemas/pulse.ts'
import { fmt, median, table } from './report.ts'

/** us per call of `f`, median and best of `rounds` rounds of `n` calls after a warm-up round. */
function rounds(n: number, f: (i: number) => void, count = 7): { median: number; best: number } {
  const out: number[] = []
  let i = 0
  for (let r = 0; r <= count; r++) {
    const t0 = performance.now()
    for (let j = 0; j < n; j++) f(i++)
    if (r > 0) out.push(((performance.now() - t0) * 1000) / n)
  }
  return { median: median(out), best: Math.min(...out) }
}

export function kairosBench(): void {
  const rows: (string | number)[][] = []
  for (const [windows, dims] of [
    [[64, 8], 10],
    [[1024, 64], 10],
  ] as const) {
    const c = KairosConfig.parse({ master_window: windows[0], emissary_window: windows[1] })
    const phi = (i: number) => Array.from({ length: dims }, (_, d) => 0.5 + 0.3 * Math.sin(i / 7 + d))
    const label = `W ${windows[0]}/${windows[1]}, d ${dims}`
    const k1 = new Kairos(c)
    const each = rounds(20_000, (i) => k1.sample(phi(i), i * 1000))
    const k2 = new Kairos(c)
    const burst = rounds(20_000, (i) => k2.sample(phi(i), Math.floor(i / 10) * 1000))
    const k3 = new Kairos(c)
    const gap = rounds(2_000, (i) => k3.sample(phi(i), i * 1_000_000_000))
    // a rebuild replays stepsToRebuild + 1 samples into a fresh engine
    const replay = Array.from({ length: stepsToRebuild(c) + 1 }, (_, i) => phi(i))
    const rebuild = rounds(200, () => {
      const k = new Kairos(c)
      for (const [i, p] of replay.entries()) k.sample(p, i * 1000)
      k.reading()
    })
    rows.push(
      [label, 'one sample per step', fmt(each.median, 2), fmt(each.best, 2)],
      [label, '10 samples per step (burst)', fmt(burst.median, 2), fmt(burst.best, 2)],
      [label, 'one sample after an idle gap > windows', fmt(gap.median, 2), fmt(gap.best, 2)],
      [label, `rebuild (${replay.length} samples + reading)`, fmt(rebuild.median, 1), fmt(rebuild.best, 1)],
    )
  }
  const hashes = Array.from({ length: META_MAX_ENTRIES }, (_, i) => ({
    index: i,
    hash: i.toString(16).padStart(64, '0'),
  }))
  const meta = rounds(20, () => witnessDigest(hashes))
  rows.push([
    `${META_MAX_ENTRIES} witness entries`,
    'meta digest (hex decode + SHA3-256, JS)',
    fmt(meta.median, 0),
    fmt(meta.best, 0),
  ])
  table(
    'KAIROS in-process (Node 22; us per call; 7 rounds after a warm-up)',
    ['engine', 'case', 'median us', 'best us'],
    rows,
  )
}
