// `npm run train -- ppo [--iterations N --seed S --out FILE]`: trains the PPO scaling policy in the fleet simulator
// on training seeds (never the held-out ones) and writes functions/lab/learned/ppo-weights.json.
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { PpoController, REWARD, stepCost } from '../bench/lab-ppo-controller.ts'
import { compare, makeTrace, simulate } from '../bench/simulate/index.ts'
import {
  ACTIONS,
  Adam,
  FEATURES,
  forward,
  gae,
  initMlp,
  type Mlp,
  type PpoWeights,
  type Sample,
  sampleAction,
  update,
} from '../functions/lab/learned/ppo/index.ts'
import { mulberry32 } from '../functions/random/index.ts'

/** Training traces: seeds TRAIN_SEED_BASE + 0..; checkpoints chosen on VALIDATION_SEEDS; held-out are 1..10. */
export const TRAIN_SEED_BASE = 1000
export const VALIDATION_SEEDS = [900, 901]

export const HYPER = {
  hidden: 32,
  gamma: 0.97,
  lambda: 0.95,
  clip: 0.2,
  epochs: 4,
  minibatch: 512,
  lr_actor: 1e-3,
  lr_critic: 1e-3,
  entropy: 0.01,
  max_grad_norm: 0.5,
  train_seeds: 32,
  minutes: 1440,
  validate_every: 3,
}

/** One simulated day with the stochastic policy: per workload a trajectory, advantages by GAE. */
export function rollout(actor: Mlp, critic: Mlp, seed: number, rand: () => number): Sample[] {
  const trace = makeTrace({ seed, minutes: HYPER.minutes })
  const W = trace.workloads.length
  const xs: number[][][] = Array.from({ length: W }, () => [])
  const acts: number[][] = Array.from({ length: W }, () => [])
  const logps: number[][] = Array.from({ length: W }, () => [])
  const values: number[][] = Array.from({ length: W }, () => [])
  const rewards: number[][] = Array.from({ length: W }, () => [])
  const controller = new PpoController((x, w, o) => {
    // the step just served is the outcome of this workload's previous action
    if ((xs[w] as number[][]).length > (rewards[w] as number[]).length)
      (rewards[w] as number[]).push(-stepCost(o.workloads[w] as (typeof o.workloads)[number], o.step_seconds))
    const { action, p } = sampleAction(actor, x, rand())
    ;(xs[w] as number[][]).push(x)
    ;(acts[w] as number[]).push(action)
    ;(logps[w] as number[]).push(Math.log(p[action] as number))
    ;(values[w] as number[]).push(forward(critic, x)[0] as number)
    return action
  }, 'PPO (training)')
  simulate(trace, controller, { startup_seconds: 120 })
  const out: Sample[] = []
  for (let w = 0; w < W; w++) {
    // the run was cut off after the last decision: bootstrap from the critic's value of that state
    const n = (rewards[w] as number[]).length
    const last = (values[w] as number[])[n] ?? 0
    const { advantages, returns } = gae(
      rewards[w] as number[],
      (values[w] as number[]).slice(0, n),
      last,
      HYPER.gamma,
      HYPER.lambda,
    )
    for (let t = 0; t < n; t++)
      out.push({
        x: (xs[w] as number[][])[t] as number[],
        action: (acts[w] as number[])[t] as number,
        logp: (logps[w] as number[])[t] as number,
        advantage: advantages[t] as number,
        ret: returns[t] as number,
      })
  }
  return out
}

/** Rounds parameters to 7 significant digits for the stored file (inference runs on the rounded values). */
const stored = (net: Mlp) => ({
  sizes: net.sizes,
  params: [...net.params].map((x) => Number(x.toPrecision(7))),
})

export function toWeights(actor: Mlp, critic: Mlp, training: Record<string, unknown>): PpoWeights {
  return {
    version: 1,
    features: [...FEATURES],
    actions: [...ACTIONS],
    actor: stored(actor),
    critic: stored(critic),
    training,
  }
}

/** The training objective on validation seeds, from the simulator's own metrics (lower is better). */
export function validationCost(weights: PpoWeights): number {
  let cost = 0
  for (const seed of VALIDATION_SEEDS) {
    const m = compare(makeTrace({ seed, minutes: HYPER.minutes }), [PpoController.fromWeights(weights)], {
      startup_seconds: 120,
    }).controllers[0]
    if (!m) throw new Error('the policy ran')
    cost += REWARD.violation_minute * m.sla_violation_minutes + REWARD.replica_hour * m.replica_hours
  }
  return cost / VALIDATION_SEEDS.length
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      iterations: { type: 'string', default: '40' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'functions/lab/learned/ppo-weights.json' },
      'lr-actor': { type: 'string', default: String(HYPER.lr_actor) },
    },
    strict: true,
  })
  const iterations = Number(values.iterations)
  const seed = Number(values.seed)
  if (!Number.isInteger(iterations) || iterations < 1 || !Number.isInteger(seed))
    throw new Error('--iterations is a positive integer, --seed an integer')
  HYPER.lr_actor = Number(values['lr-actor'])
  const rand = mulberry32(seed)
  const sizes = [FEATURES.length, HYPER.hidden, HYPER.hidden]
  const actor = initMlp([...sizes, ACTIONS.length], seed * 2 + 1, 0.01)
  const critic = initMlp([...sizes, 1], seed * 2 + 2, 1)
  const optA = new Adam(actor.params.length)
  const optC = new Adam(critic.params.length)
  const t0 = process.cpuUsage()
  const cpuS = () => {
    const t = process.cpuUsage(t0)
    return (t.user + t.system) / 1e6
  }
  let best: { cost: number; weights: PpoWeights; iteration: number } | undefined
  const meta = (iteration: number) => ({
    seed,
    iterations,
    chosen_iteration: iteration,
    train_seeds: [TRAIN_SEED_BASE, TRAIN_SEED_BASE + HYPER.train_seeds - 1],
    validation_seeds: VALIDATION_SEEDS,
    reward: REWARD,
    hyper: HYPER,
  })
  for (let it = 1; it <= iterations; it++) {
    const traceSeed = TRAIN_SEED_BASE + ((it - 1) % HYPER.train_seeds)
    const batch = rollout(actor, critic, traceSeed, rand)
    const meanReward = batch.reduce((a, s) => a + s.ret, 0) / batch.length
    const stats = update(actor, critic, optA, optC, batch, HYPER, rand)
    let line = `iter ${it} seed ${traceSeed} samples ${batch.length} mean return ${meanReward.toFixed(3)} clipped ${stats.clipped.toFixed(3)} entropy ${stats.entropy.toFixed(3)} cpu ${cpuS().toFixed(0)} s`
    if (it % HYPER.validate_every === 0 || it === iterations) {
      const w = toWeights(actor, critic, meta(it))
      const cost = validationCost(w)
      line += ` validation ${cost.toFixed(1)}`
      // among equal validation costs, the most trained policy
      if (!best || cost <= best.cost) best = { cost, weights: w, iteration: it }
    }
    console.error(line)
  }
  if (!best) throw new Error('no checkpoint')
  best.weights.training = { ...meta(best.iteration), cpu_seconds: Math.round(cpuS()) }
  writeFileSync(values.out as string, `${JSON.stringify(best.weights)}\n`)
  console.error(`wrote ${values.out}: iteration ${best.iteration}, validation cost ${best.cost.toFixed(1)}`)
}
