// Benchmark output helpers: medians and markdown tables.
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
export const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] as number
export const fmt = (x: number, d = 1) => x.toFixed(d)

export function table(title: string, head: string[], rows: (string | number)[][]): void {
  console.log(`\n### ${title}\n`)
  console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`)
  for (const r of rows) console.log(`| ${r.join(' | ')} |`)
}

/** Median CPU milliseconds of `runs` calls after two warm-ups. */
export function cpuMs(f: () => void, runs: number): number {
  f()
  f()
  const xs: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = process.cpuUsage()
    f()
    const d = process.cpuUsage(t0)
    xs.push((d.user + d.system) / 1000)
  }
  return median(xs)
}
