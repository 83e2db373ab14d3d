// Selfish routing benchmarks: rounds and CPU time to equilibrium as games grow, the price of anarchy on the
// benchmark instances (Pigou, Braess, a grid, a random geometric graph), and the equilibrium_steps calibration.
import { StepBudget } from '../functions/budget/index.ts'
import {
  bestResponseDynamics,
  type CongestionGame,
  EQUILIBRIUM_STEPS_PER_MS,
  type GameEdge,
} from '../functions/markets/index.ts'
import { geometricGame, gridGame } from '../test/markets/instances.ts'
import { fmt, table } from './report.ts'

/** CPU time of the process (user + system), not wall time: the bench machine is shared and often loaded. */
function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = process.cpuUsage()
  const value = f()
  const t = process.cpuUsage(t0)
  return { value, ms: (t.user + t.system) / 1000 }
}

const unit = (n: number, from: number, to: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `a${i}`, from, to }))

const pigou = (n: number): CongestionGame => ({
  nodes: 2,
  edges: [
    { from: 0, to: 1, a: 0, b: 1 },
    { from: 0, to: 1, a: n - 0.5, b: 0 },
  ],
  agents: unit(n, 0, 1),
})
/** Pigou with latency (x/n)^p on the congestible edge: the nonlinear variant whose PoA grows with p. */
const pigouPower = (n: number, p: number): CongestionGame => ({
  nodes: 2,
  edges: [
    { from: 0, to: 1, a: 0, b: 1 / n ** p, power: p },
    { from: 0, to: 1, a: 1, b: 0 },
  ],
  agents: unit(n, 0, 1),
})
const braessEdges: GameEdge[] = [
  { from: 0, to: 1, a: 0, b: 0.01 },
  { from: 1, to: 3, a: 45, b: 0 },
  { from: 0, to: 2, a: 45, b: 0 },
  { from: 2, to: 3, a: 0, b: 0.01 },
]
const braess = (link: boolean): CongestionGame => ({
  nodes: 4,
  edges: link ? [...braessEdges, { from: 1, to: 2, a: 0, b: 0 }] : braessEdges,
  agents: unit(4000, 0, 3),
})

const unlimited = () => new StepBudget('bench', Number.POSITIVE_INFINITY, 0)

export async function run(): Promise<void> {
  const poa: (string | number)[][] = []
  const instances: [string, CongestionGame][] = [
    ['Pigou, 4 agents (constant 3.5)', pigou(4)],
    ['Pigou, 100 agents (constant 99.5)', pigou(100)],
    ['Pigou (x/n)^4, 100 agents', pigouPower(100, 4)],
    ['Braess, 4000 drivers, no link', braess(false)],
    ['Braess, 4000 drivers, zero-cost link', braess(true)],
    ['grid 3x3, 6 agents (BPR)', gridGame(3, 6, 1)],
    ['grid 6x6, 40 agents (BPR)', gridGame(6, 40, 1)],
    ['random geometric, 12 nodes, 5 agents', geometricGame(12, 5, 3)],
    ['random geometric, 200 nodes, 100 agents', geometricGame(200, 100, 3)],
  ]
  for (const [name, g] of instances) {
    const { value: r, ms } = timed(() => bestResponseDynamics(g, { budget: unlimited() }))
    poa.push([
      name,
      r.rounds,
      r.converged ? 'yes' : 'no',
      r.epsilon.toExponential(1),
      fmt(r.social_cost, 2),
      fmt(r.optimum?.social_cost ?? Number.NaN, 2),
      r.optimum?.method ?? '-',
      fmt(r.price_of_anarchy ?? Number.NaN, 4),
      fmt(ms, 1),
    ])
  }
  table(
    'Price of anarchy on the benchmark instances (sequential start; local: the optimum is an upper bound, so the PoA is a lower bound)',
    ['instance', 'rounds', 'converged', 'epsilon', 'equilibrium cost', 'optimum', 'method', 'PoA', 'ms'],
    poa,
  )

  const exact: (string | number)[][] = []
  for (const [name, g] of [
    ['grid 3x3, 4 agents', gridGame(3, 4, 5)],
    ['grid 3x3, 8 agents', gridGame(3, 8, 5)],
    ['grid 3x3, 16 agents', gridGame(3, 16, 5)],
    ['grid 4x4, 4 agents', gridGame(4, 4, 5)],
    ['grid 4x4, 8 agents', gridGame(4, 8, 5)],
    ['Pigou, 1000 agents', pigou(1000)],
    ['Braess without link, 4000 drivers', braess(false)],
  ] as [string, CongestionGame][]) {
    const { value: r, ms } = timed(() => bestResponseDynamics(g, { budget: unlimited() }))
    exact.push([name, g.edges.length, g.agents.length, r.optimum?.method ?? '-', r.steps, fmt(ms, 1)])
  }
  table(
    'Where the exact optimum ends (at most 64 simple paths per agent, 200,000 profiles of interchangeable agents, 2 million branch-and-bound steps)',
    ['instance', 'edges', 'agents', 'optimum', 'steps (dynamics + optimum)', 'ms'],
    exact,
  )

  const scale: (string | number)[][] = []
  for (const [n, agents] of [
    [100, 100],
    [400, 400],
    [1600, 1000],
    [6400, 1000],
  ] as [number, number][]) {
    const g = geometricGame(n, agents, 7)
    for (const start of ['sequential', 'free_flow'] as const) {
      const budget = unlimited()
      const { value: r, ms } = timed(() => bestResponseDynamics(g, { start, budget, optimum: false }))
      scale.push([
        n,
        g.edges.length,
        agents,
        start,
        r.rounds,
        r.converged ? 'yes' : 'no',
        fmt(ms, 0),
        r.steps,
        fmt(r.steps / ms, 0),
      ])
    }
  }
  table(
    `Rounds and CPU time to equilibrium on random geometric graphs (no optimum; budget rate ${EQUILIBRIUM_STEPS_PER_MS} steps/ms)`,
    ['nodes', 'edges', 'agents', 'start', 'rounds', 'converged', 'ms', 'steps', 'steps/ms'],
    scale,
  )
}

if (import.meta.main) await run()
