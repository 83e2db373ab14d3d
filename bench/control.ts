// Control benchmarks (`npm run bench -- control`): MPC solve times and MDP value iteration, with the rates the
// mpc_steps and mdp_steps budgets are calibrated against (in-process, one core).
import { StepBudget } from '../functions/budget/index.ts'
import {
  learnTransitions,
  MDP_CPU_MS,
  MDP_STEPS_PER_MS,
  mdpBudget,
  solveFailover,
} from '../functions/mdp/index.ts'
import { MPC_CPU_MS, MPC_STEPS_PER_MS, mpcSteps, solveMpc } from '../functions/mpc/index.ts'
import { mulberry32 } from '../functions/random/index.ts'
import { fmt, median } from './report.ts'

type Table = (title: string, head: string[], rows: (string | number)[][]) => void
const unlimited = () => new StepBudget('bench', Number.MAX_SAFE_INTEGER, 0)

/**
 * Median CPU milliseconds (user + system, this process) of `run` over `reps` runs after one warm-up: CPU time,
 * not wall time, because the budgets are in CPU milliseconds and the machine may be shared.
 */
function time(run: () => void, reps: number): number {
  run()
  const ms: number[] = []
  for (let i = 0; i < reps; i++) {
    const t0 = process.cpuUsage()
    run()
    const d = process.cpuUsage(t0)
    ms.push((d.user + d.system) / 1000)
  }
  return median(ms)
}

export function controlBenchmarks(table: Table, quick: boolean): void {
  const reps = quick ? 3 : 9
  const rnd = mulberry32(10)
  // diurnal demand with noise: one day at 5-minute steps is H = 288
  const demandOf = (H: number, peak: number) =>
    Array.from(
      { length: H },
      (_, t) => peak * (0.55 + 0.45 * Math.sin((2 * Math.PI * t) / 288)) * (0.9 + 0.2 * rnd()),
    )
  const cases: [number, number, number][] = [
    [12, 10, 2],
    [48, 20, 3],
    [96, 50, 3],
    [288, 50, 6],
    [288, 100, 6],
    [48, 300, 2],
    [24, 1000, 1],
  ]
  const mpcRows = cases.map(([H, R, C]) => {
    const p = {
      demand: demandOf(H, R * 80),
      per_replica: 100,
      current: Math.ceil(R / 2),
      min: 1,
      max: R,
      cooldown_steps: C,
      since_change: 0,
      lambda: 0.5,
      replica_cost: 1,
      sla_penalty: 10,
    }
    const steps = mpcSteps(H, R, C)
    const ms = time(() => solveMpc(p, unlimited()), reps)
    return [
      H,
      R,
      C,
      steps,
      fmt(ms, 2),
      fmt(steps / ms / 1000, 1),
      steps <= MPC_CPU_MS * MPC_STEPS_PER_MS ? 'yes' : 'no (422)',
    ]
  })
  table(
    `MPC solve (exact DP; budget ${MPC_CPU_MS} ms = ${MPC_CPU_MS * MPC_STEPS_PER_MS} steps at ${MPC_STEPS_PER_MS} steps/ms)`,
    ['horizon H', 'counts R', 'cooldown', 'steps H R (R + C)', 'median CPU ms', 'M steps/s', 'within budget'],
    mpcRows,
  )

  const transitions = learnTransitions([
    ['up', 'up', 'up', 'degraded', 'down', 'down', 'up', 'up', 'degraded', 'up'],
    ['up', 'up', 'up', 'up', 'up', 'degraded', 'degraded', 'down', 'up', 'up'],
  ])
  const mdpRows: (string | number)[][] = []
  for (const discount of [0.9, 0.95, 0.99, 0.999, 0.9999])
    for (const strategy of ['active_passive', 'active_active', 'n_plus_1'] as const) {
      const input = { transitions, strategy, discount }
      const b = unlimited()
      const r = solveFailover(input, b)
      const ms = time(() => solveFailover(input, unlimited()), reps)
      let within = 'yes'
      try {
        solveFailover(input, mdpBudget())
      } catch {
        within = 'no (422)'
      }
      mdpRows.push([
        discount,
        strategy,
        r.iterations,
        b.spent,
        fmt(ms, 3),
        fmt(b.spent / ms / 1000, 1),
        within,
      ])
    }
  table(
    `MDP value iteration (epsilon 1e-6; budget ${MDP_CPU_MS} ms = ${MDP_CPU_MS * MDP_STEPS_PER_MS} steps at ${MDP_STEPS_PER_MS} steps/ms)`,
    ['discount', 'strategy', 'iterations', 'steps', 'median CPU ms', 'M steps/s', 'within budget'],
    mdpRows,
  )
}
