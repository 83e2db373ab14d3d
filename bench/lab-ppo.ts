// Kernel lab bench, `ppo`: the learned scaling policy against the HPA baseline and static peak on held-out
// seeds of the fleet simulator (SLA-violation minutes, replica-hours, mean and spread), and its training time.

import { ACTIONS, greedyAction, loadActor, type PpoWeights } from '../functions/lab/learned/ppo/index.ts'
import weightsFile from '../functions/lab/learned/ppo-weights.json' with { type: 'json' }
import { PpoController, REWARD } from './lab-ppo-controller.ts'
import { fmt, table } from './report.ts'
import type { Controller } from './simulate/controller.ts'
import {
  compare,
  HpaController,
  makeTrace,
  OrchestratorController,
  StaticPeakController,
} from './simulate/index.ts'
import type { Trace } from './simulate/trace.ts'

export const weights = weightsFile as unknown as PpoWeights

/** Held-out seeds: never trained or validated on (training uses 1000.., validation 900, 901). */
export const HELD_OUT = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]

export interface Row {
  controller: string
  seed: number
  sla_violation_minutes: number
  replica_hours: number
}

type Make = (trace: Trace) => Controller

/** The best constant action on the validation seeds (size every step for 60 % utilisation): the ablation. */
export const FIXED_TARGET = 0.6

export const CONTROLLERS: Record<string, Make> = {
  ppo: () => PpoController.fromWeights(weights),
  fixed60: () => new PpoController(() => ACTIONS.indexOf(FIXED_TARGET), 'fixed 60 %'),
  hpa: () => new HpaController(),
  static: (t) => new StaticPeakController(t),
  // about 5 minutes of CPU per simulated day on this machine (a forecast and an MPC per workload per tick)
  orchestrator: () => new OrchestratorController({ startup_seconds: 120 }),
}

/** Runs the named controllers on each seed's one-day trace (120 s start-up, as `npm run simulate`). */
export function heldOut(seeds: readonly number[], names: readonly string[], minutes = 1440): Row[] {
  const rows: Row[] = []
  for (const seed of seeds) {
    const trace = makeTrace({ seed, minutes })
    const made = names.map((n) => (CONTROLLERS[n] as Make)(trace))
    const report = compare(trace, made, { startup_seconds: 120 })
    report.controllers.forEach((m, i) => {
      rows.push({
        controller: names[i] as string,
        seed,
        sla_violation_minutes: m.sla_violation_minutes,
        replica_hours: m.replica_hours,
      })
    })
  }
  return rows
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
export const sd = (xs: number[]) => {
  const m = mean(xs)
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1))
}

export interface Summary {
  controller: string
  seeds: number
  sla_mean: number
  sla_sd: number
  rh_mean: number
  rh_sd: number
  /** the reward's cost: violation_minute x minutes + replica_hour x replica-hours, per seed, mean */
  cost_mean: number
}

export function summarise(rows: Row[]): Summary[] {
  const names = [...new Set(rows.map((r) => r.controller))]
  return names.map((controller) => {
    const mine = rows.filter((r) => r.controller === controller)
    const sla = mine.map((r) => r.sla_violation_minutes)
    const rh = mine.map((r) => r.replica_hours)
    return {
      controller,
      seeds: mine.length,
      sla_mean: mean(sla),
      sla_sd: sd(sla),
      rh_mean: mean(rh),
      rh_sd: sd(rh),
      cost_mean: mean(
        mine.map(
          (r) => REWARD.violation_minute * r.sla_violation_minutes + REWARD.replica_hour * r.replica_hours,
        ),
      ),
    }
  })
}

/** How often the stored policy picks each action over one held-out day (all workloads, every step). */
export function actionMix(seed: number): number[] {
  const actor = loadActor(weights)
  const counts = ACTIONS.map(() => 0)
  const controller = new PpoController((x) => {
    const a = greedyAction(actor, x)
    counts[a] = (counts[a] as number) + 1
    return a
  })
  compare(makeTrace({ seed, minutes: 1440 }), [controller], { startup_seconds: 120 })
  const total = counts.reduce((a, b) => a + b, 0)
  return counts.map((c) => c / total)
}

export async function run(quick = false): Promise<void> {
  const seeds = quick ? HELD_OUT.slice(0, 5) : HELD_OUT
  const names = ['ppo', 'fixed60', 'hpa', 'static']
  // the orchestrator costs minutes per seed: only when asked for (PPO_BENCH_ORCHESTRATOR=1)
  const withOrchestrator = (globalThis as { process?: { env: Record<string, string | undefined> } }).process
    ?.env.PPO_BENCH_ORCHESTRATOR
  if (withOrchestrator === '1') names.push('orchestrator')
  const t0 = performance.now()
  const rows = heldOut(seeds, names)
  const wall = performance.now() - t0
  table(
    `PPO scaling policy on held-out seeds ${seeds.join(', ')} (one day each, 30 s steps, 120 s start-up)`,
    ['seed', ...names.flatMap((n) => [`${n} SLA min`, `${n} replica-h`])],
    seeds.map((s) => [
      s,
      ...names.flatMap((n) => {
        const r = rows.find((x) => x.seed === s && x.controller === n) as Row
        return [r.sla_violation_minutes, fmt(r.replica_hours, 1)]
      }),
    ]),
  )
  table(
    `Mean ± sd over ${seeds.length} held-out seeds; cost = ${REWARD.violation_minute} x SLA minutes + replica-hours (the reward)`,
    ['policy', 'seeds', 'SLA-violation minutes', 'replica-hours', 'cost'],
    summarise(rows).map((s) => [
      s.controller,
      s.seeds,
      `${fmt(s.sla_mean, 2)} ± ${fmt(s.sla_sd, 2)}`,
      `${fmt(s.rh_mean, 1)} ± ${fmt(s.rh_sd, 1)}`,
      fmt(s.cost_mean, 1),
    ]),
  )
  table(
    `Actions of the stored policy over held-out seed ${seeds[0]} (share of workload-steps)`,
    ACTIONS.map((a) => (a === 0 ? 'keep' : `size for ${Math.round(a * 100)} %`)),
    [actionMix(seeds[0] as number).map((x) => fmt(100 * x, 1))],
  )
  const t = weights.training
  table(
    'Training (npm run train -- ppo)',
    ['iterations', 'chosen iteration', 'training seeds', 'CPU s', 'evaluation wall s'],
    [
      [
        String(t.iterations),
        String(t.chosen_iteration),
        JSON.stringify(t.train_seeds),
        String(t.cpu_seconds),
        fmt(wall / 1000, 1),
      ],
    ],
  )
}

// `node bench/lab-ppo.ts [--quick]` runs it alone
const argv = (globalThis as { process?: { argv: string[] } }).process?.argv ?? []
if ((argv[1] ?? '').endsWith('lab-ppo.ts')) await run(argv.includes('--quick'))
