// Placement benchmarks: decisions per second of the heuristic at orchestrator scale, the exact solver, the frontier.
import { StepBudget } from '../functions/budget/index.ts'
import { paretoFrontier, place } from '../functions/placement/index.ts'
import { randomProblem } from '../test/placement/instances.ts'

type Table = (title: string, head: string[], rows: (string | number)[][]) => void
const fmt = (x: number, d = 1) => x.toFixed(d)

/** CPU time of the process (user + system), not wall time: the bench machine is shared and often loaded. */
function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = process.cpuUsage()
  const value = f()
  const t = process.cpuUsage(t0)
  return { value, ms: (t.user + t.system) / 1000 }
}

export function placementBenchmarks(table: Table, quick: boolean): void {
  const sizes: [number, number][] = quick
    ? [[100, 1000]]
    : [
        [100, 1000],
        [1000, 3000],
        [1000, 10_000],
      ]
  const rows: (string | number)[][] = []
  for (const [nodes, workloads] of sizes) {
    // about half the fleet's cpu requested: demands and room in proportion to the fleet
    const p = randomProblem(42, nodes, workloads, { maxReplicas: 3 })
    for (const u of ['cpu', 'memory']) {
      const cap = p.nodes.reduce((s, n) => s + (n.capacity[u] ?? 0), 0)
      const want = p.demands.reduce((s, d) => s + d.replicas * (d.request[u] ?? 0), 0)
      for (const n of p.nodes)
        (n.capacity as Record<string, number>)[u] = ((n.capacity[u] ?? 0) * 2 * want) / cap
    }
    const budget = new StepBudget('bench', Number.POSITIVE_INFINITY, 0)
    const { value: r, ms } = timed(() => place(p, budget))
    const placed = r.assignments.length
    rows.push([
      nodes,
      workloads,
      placed,
      r.unplaced.reduce((s, u) => s + u.replicas, 0),
      fmt(ms, 0),
      fmt(placed / (ms / 1000), 0),
      fmt(r.J, 4),
      fmt(r.bound ?? r.J, 4),
      fmt(budget.spent / ms, 0),
    ])
  }
  table(
    'Placement (heuristic): greedy + ejection search with the spatial prefilter; 2-D, 10% of nodes down, fleet capacity twice the requests',
    ['nodes', 'workloads', 'replicas placed', 'unplaced', 'ms', 'decisions/s', 'J', 'bound', 'steps/ms'],
    rows,
  )
  const exact: (string | number)[][] = []
  for (const [nodes, workloads] of [
    [4, 3],
    [8, 6],
    [12, 8],
  ] as [number, number][]) {
    const p = randomProblem(5, nodes, workloads, { maxReplicas: 2, tight: true })
    const budget = new StepBudget('bench', Number.POSITIVE_INFINITY, 0)
    const runs = 20
    const { value: r, ms } = timed(() => {
      let last = place(p, budget)
      for (let i = 1; i < runs; i++) last = place(p, budget)
      return last
    })
    exact.push([nodes, workloads, r.method, fmt(ms / runs, 2), fmt(r.J, 4), fmt(budget.spent / ms, 0)])
  }
  table(
    'Placement (exact MIP, yalps): mean of 20 solves',
    ['nodes', 'workloads', 'method', 'ms', 'J', 'steps/ms'],
    exact,
  )
  const gap: (string | number)[][] = []
  for (const [nodes, workloads] of [
    [6, 4],
    [10, 6],
  ] as [number, number][]) {
    let same = 0
    let exactRuns = 0
    let worst = 0
    let sum = 0
    let boundGap = 0
    for (let seed = 1; seed <= 50; seed++) {
      const p = randomProblem(seed, nodes, workloads, { maxReplicas: 3, tight: true })
      const e = place(p)
      if (e.method !== 'exact') continue
      const h = place(p, undefined, { heuristicOnly: true })
      exactRuns++
      const d = e.J - h.J
      if (Math.abs(d) < 1e-12 && e.assignments.length === h.assignments.length) same++
      worst = Math.max(worst, d)
      sum += d
      boundGap = Math.max(boundGap, (h.bound ?? 0) - e.J)
    }
    gap.push([nodes, workloads, exactRuns, same, fmt(sum / exactRuns, 4), fmt(worst, 4), fmt(boundGap, 4)])
  }
  table(
    'Heuristic against the exact optimum (50 seeded tight instances each; J differences)',
    [
      'nodes',
      'workloads',
      'solved exactly',
      'heuristic equal',
      'mean J gap',
      'worst J gap',
      'worst bound - optimum',
    ],
    gap,
  )
  const p = randomProblem(9, 50, 100, { maxReplicas: 2 })
  const budget = new StepBudget('bench', Number.POSITIVE_INFINITY, 0)
  const { value: f, ms } = timed(() => paretoFrontier(p, budget))
  table(
    'Pareto frontier: 35 lattice weight vectors + the given weights',
    ['nodes', 'workloads', 'points kept', 'ms', 'steps/ms'],
    [[50, 100, f.points.length, fmt(ms, 0), fmt(budget.spent / ms, 0)]],
  )
}
