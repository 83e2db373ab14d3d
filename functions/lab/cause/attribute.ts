// Root cause of a torsion change over a window of events: per-invariant deltas and Shapley values of the events.
import type { StepBudget } from '../../budget/index.ts'
import {
  type CompiledKernel,
  currentState,
  type EventValue,
  type FoldState,
  step,
} from '../../kernel/index.ts'
import { shapleyOf } from '../../markets/shapley.ts'
import { mulberry32 } from '../../random/index.ts'

export interface InvariantDelta {
  name: string
  before: number
  after: number
  delta: number
  /** weight * gap^2 after minus before: the invariant's share of the torsion change (they sum to it). */
  weighted_delta: number
}

export interface EventShare {
  event_id: string
  index: number
  shapley: number
  /** Only when sampled: mean +- 1.96 standard errors over the sampled permutations. */
  ci95?: [number, number]
}

export interface Attribution {
  invariants: InvariantDelta[]
  events: EventShare[]
  method: 'exact' | 'sampled'
  torsion_before: number
  torsion_after: number
  /** Permutations sampled (sampled method only) and the sampler's seed, so the result can be recomputed. */
  samples?: number
  seed?: number
}

export interface AttributeOptions {
  samples?: number
  seed?: number
  /** The event scored with the start state (the last one folded before the window); `{}` when absent. */
  last?: EventValue
  /** Ledger index of each window event (defaults to its position in the window). */
  indices?: readonly number[]
  /** Exact up to this many events, sampled above (default and maximum CAUSE_EXACT_MAX). */
  exactMax?: number
}

/** 2^12 coalitions of up to 12 folds each stays near 50k folds: a few tens of ms for a small kernel. */
export const CAUSE_EXACT_MAX = 12
export const CAUSE_DEFAULT_SAMPLES = 200
export const CAUSE_DEFAULT_SEED = 0xca05e

const eventId = (e: EventValue, i: number): string => (typeof e.id === 'string' ? e.id : `#${i}`)

/** torsion(fold S in window order from start) - torsion(start): the coalition value of the torsion game. */
function gameOf(
  k: CompiledKernel,
  start: readonly FoldState[],
  window: readonly EventValue[],
  last: EventValue | undefined,
  budget: StepBudget,
) {
  const base = currentState(k, start, last, budget).torsion
  const value = (members: (i: number) => boolean): number => {
    let states: FoldState[] = [...start]
    let latest = last
    for (let i = 0; i < window.length; i++) {
      if (!members(i)) continue
      const e = window[i] as EventValue
      states = step(k, states, e, budget).states
      latest = e
    }
    return currentState(k, states, latest, budget).torsion - base
  }
  return { base, value }
}

/** Per invariant: score and weighted cost before and after the window. */
function invariantDeltas(
  k: CompiledKernel,
  start: readonly FoldState[],
  window: readonly EventValue[],
  last: EventValue | undefined,
  budget: StepBudget,
): { invariants: InvariantDelta[]; before: number; after: number } {
  const before = currentState(k, start, last, budget)
  let states: FoldState[] = [...start]
  for (const e of window) states = step(k, states, e, budget).states
  const after = currentState(k, states, window.at(-1) ?? last, budget)
  const cost = (s: number, threshold: number, weight: number) => weight * Math.max(0, threshold - s) ** 2
  const invariants = k.invariants.map((inv, i) => {
    const b = before.state_vector[i] as number
    const a = after.state_vector[i] as number
    const { threshold, weight } = inv.spec
    return {
      name: inv.name,
      before: b,
      after: a,
      delta: a - b,
      weighted_delta: cost(a, threshold, weight) - cost(b, threshold, weight),
    }
  })
  return { invariants, before: before.torsion, after: after.torsion }
}

/**
 * Attributes the torsion change of folding `window` onto `start` to invariants and events. Player = event;
 * v(S) = torsion after folding S's events in their window order from `start`, minus the torsion at `start`.
 * Exact Shapley values (shapleyOf) up to CAUSE_EXACT_MAX events; above, seeded permutation sampling, whose
 * estimate sums to the total exactly (every permutation's marginals telescope to v(all)).
 */
export function attribute(
  kernel: CompiledKernel,
  start: FoldState[],
  window: EventValue[],
  budget: StepBudget,
  opts: AttributeOptions = {},
): Attribution {
  const { last } = opts
  const deltas = invariantDeltas(kernel, start, window, last, budget)
  const n = window.length
  const exactMax = Math.min(opts.exactMax ?? CAUSE_EXACT_MAX, CAUSE_EXACT_MAX)
  const { value } = gameOf(kernel, start, window, last, budget)
  const ids = window.map(eventId)
  const indexOf = (i: number) => opts.indices?.[i] ?? i
  const head = {
    invariants: deltas.invariants,
    torsion_before: deltas.before,
    torsion_after: deltas.after,
  }
  if (n <= exactMax) {
    const phi = shapleyOf(n, (mask) => value((i) => (mask & (1 << i)) !== 0))
    return {
      ...head,
      events: phi.map((shapley, i) => ({ event_id: ids[i] as string, index: indexOf(i), shapley })),
      method: 'exact',
    }
  }
  const samples = Math.max(2, opts.samples ?? CAUSE_DEFAULT_SAMPLES)
  const seed = opts.seed ?? CAUSE_DEFAULT_SEED
  const { mean, ci } = samplePermutations(n, samples, seed, value)
  return {
    ...head,
    events: mean.map((shapley, i) => ({
      event_id: ids[i] as string,
      index: indexOf(i),
      shapley,
      ci95: ci[i] as [number, number],
    })),
    method: 'sampled',
    samples,
    seed,
  }
}

/**
 * Permutation sampling: per permutation, walk its prefix coalitions once (n + 1 values), each player's marginal
 * is v(prefix + i) - v(prefix). Folding a prefix costs its length, so one permutation costs O(n^2) folds.
 */
function samplePermutations(
  n: number,
  samples: number,
  seed: number,
  value: (members: (i: number) => boolean) => number,
): { mean: number[]; ci: [number, number][] } {
  const rand = mulberry32(seed)
  const sum = new Float64Array(n)
  const sq = new Float64Array(n)
  const order = Array.from({ length: n }, (_, i) => i)
  const inS = new Uint8Array(n)
  for (let s = 0; s < samples; s++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      ;[order[i], order[j]] = [order[j] as number, order[i] as number]
    }
    inS.fill(0)
    let prev = value(() => false)
    for (const p of order) {
      inS[p] = 1
      const cur = value((i) => inS[i] === 1)
      const m = cur - prev
      sum[p] = (sum[p] as number) + m
      sq[p] = (sq[p] as number) + m * m
      prev = cur
    }
  }
  const mean = Array.from(sum, (x) => x / samples)
  const ci = mean.map((m, i): [number, number] => {
    const variance = Math.max(0, ((sq[i] as number) - samples * m * m) / (samples - 1))
    const half = 1.96 * Math.sqrt(variance / samples)
    return [m - half, m + half]
  })
  return { mean, ci }
}
