// The learned scaling policy at inference: what it observes of one workload (features), its action set
// (keep the replicas, or size them for a target utilisation), the stored weights and a pure, deterministic
// forward pass that picks the action.
import { forward, type Mlp } from './mlp.ts'
import { softmax } from './ppo.ts'

/**
 * The multiplicative action per workload and step: 0 keeps the placed replicas; u > 0 sizes them for
 * utilisation u of the demand just seen, ceil(demand / (per_replica x u)): the current count times
 * (load on it / u), the HPA's rule with a target the policy picks each step.
 */
export const ACTIONS = [0, 0.4, 0.5, 0.6, 0.7, 0.8] as const

/** Replicas per workload, the same bounds as the baselines (HPA and the orchestrator run 1 to 10). */
export const MIN_REPLICAS = 1
export const MAX_REPLICAS = 10

/** Steps back for the demand trend (2 minutes at 30 s steps: about the start-up delay). */
export const TREND_STEPS = 4

/** What the policy sees of one workload after a step: all of it is in the simulator's (or a tick's) observation. */
export interface WorkloadView {
  /** requests/s offered in the step just served */
  demand: number
  /** requests/s offered TREND_STEPS steps earlier (the same as demand when there is no such step yet) */
  demand_before: number
  /** service rate of one ready replica, requests/s at 100 % of its request */
  per_replica: number
  /** replicas placed (starting or ready) */
  replicas: number
  ready: number
  /** mean CPU utilisation of the ready replicas, [0, 1] */
  utilisation: number
  latency_ms: number
  sla_latency_ms: number
  /** share of the fleet's nodes that are down, [0, 1] */
  nodes_down: number
  /** share of this workload's replicas on degraded nodes, [0, 1] */
  on_degraded: number
}

export const FEATURES = [
  'utilisation',
  'load_on_placed',
  'demand_in_replicas',
  'demand_trend',
  'replicas',
  'ready_share',
  'latency_headroom',
  'nodes_down',
  'on_degraded',
] as const

const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))

/** The feature vector, every entry bounded (a saturated queue or a fleet without replicas stays finite). */
export function features(v: WorkloadView): number[] {
  const mu = v.per_replica > 0 ? v.per_replica : 1
  return [
    clip(v.utilisation, 0, 1),
    clip(v.demand / (Math.max(1, v.replicas) * mu), 0, 3),
    clip(v.demand / mu / MAX_REPLICAS, 0, 2),
    clip((v.demand - v.demand_before) / mu, -2, 2),
    v.replicas / MAX_REPLICAS,
    v.replicas > 0 ? v.ready / v.replicas : 0,
    clip(1 - v.latency_ms / v.sla_latency_ms, -1, 1),
    clip(v.nodes_down, 0, 1),
    clip(v.on_degraded, 0, 1),
  ]
}

/** The stored policy: actor (logits over ACTIONS) and critic (value), each an MLP over FEATURES. */
export interface PpoWeights {
  version: 1
  features: string[]
  actions: number[]
  actor: { sizes: number[]; params: number[] }
  critic: { sizes: number[]; params: number[] }
  /** how it was trained (seeds, iterations, reward weights, time): provenance, not used by inference */
  training: Record<string, unknown>
}

export class WeightsError extends Error {
  override name = 'WeightsError'
}

export function loadActor(w: PpoWeights): Mlp {
  if (w.version !== 1) throw new WeightsError(`unknown weights version ${String(w.version)}`)
  if (w.features.join() !== FEATURES.join()) throw new WeightsError('weights were trained on other features')
  if (w.actions.join() !== ACTIONS.join()) throw new WeightsError('weights were trained on other actions')
  const sizes = w.actor.sizes
  if (sizes[0] !== FEATURES.length || sizes[sizes.length - 1] !== ACTIONS.length)
    throw new WeightsError('actor shape does not match features and actions')
  return { sizes: [...sizes], params: Float64Array.from(w.actor.params) }
}

/** Index into ACTIONS of the most probable action (ties: the smaller change). Pure and deterministic. */
export function greedyAction(actor: Mlp, x: readonly number[]): number {
  const logits = forward(actor, x)
  let best = 0
  for (let i = 1; i < logits.length; i++) if ((logits[i] as number) > (logits[best] as number)) best = i
  return best
}

/** Index of an action drawn from the policy with a uniform draw u in [0, 1), and its probabilities. */
export function sampleAction(
  actor: Mlp,
  x: readonly number[],
  u: number,
): { action: number; p: Float64Array } {
  const p = softmax(forward(actor, x))
  let acc = 0
  for (let i = 0; i < p.length; i++) {
    acc += p[i] as number
    if (u < acc) return { action: i, p }
  }
  return { action: p.length - 1, p }
}

/** The next replica count for an action index, within MIN_REPLICAS..MAX_REPLICAS. */
export function nextReplicas(
  v: Pick<WorkloadView, 'demand' | 'per_replica' | 'replicas'>,
  action: number,
): number {
  const u = ACTIONS[action] ?? 0
  const n = u === 0 ? v.replicas : Math.ceil(v.demand / (Math.max(v.per_replica, 1e-9) * u))
  return clip(n, MIN_REPLICAS, MAX_REPLICAS)
}
