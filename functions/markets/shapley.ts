// Shapley cost shares: exact by subset enumeration up to 20 players, seeded Monte-Carlo permutation sampling above.
import { StepBudget } from '../budget/index.ts'
import { mulberry32 } from '../random/index.ts'

/** A cost game given as data (so it can be sent over HTTP and recomputed offline). */
export type CostGame =
  | {
      kind: 'pool'
      players: { id: string; demand: number }[]
      unit_capacity: number
      unit_cost: number
      fixed?: number
    }
  // cost(S) = fixed + unit_cost * ceil(sum demand / unit_capacity) for nonempty S, 0 for the empty set
  | { kind: 'airport'; players: { id: string; need: number }[] } // cost(S) = max need in S
  | { kind: 'table'; players: string[]; costs: number[] } // costs[mask] for every subset mask, n <= 16

export interface ShapleyResult {
  /** In player order. `ci95` only when sampled: mean +- 1.96 standard errors (normal approximation). */
  shares: { player: string; share: number; ci95?: [number, number] }[]
  /** Cost of the grand coalition; shares sum to it (up to rounding) whether exact or sampled, see `sampleShapley`. */
  total: number
  method: 'exact' | 'sampled'
  /** Permutations sampled. */
  samples?: number
  /** The seed of the sampler, so a sampled result can be recomputed offline. */
  seed?: number
  steps: number
}

export interface ShapleyOptions {
  /** Exact up to this many players (at most `SHAPLEY_EXACT_MAX`), sampled above. */
  exactMax?: number
  /** Permutations sampled above `exactMax`; at least 2 (a confidence interval needs a sample variance). */
  samples?: number
  seed?: number
  budget?: StepBudget
}

/** Named refusal of a malformed game; `pointer` is a JSON pointer into the game. */
export class ShapleyGameError extends Error {
  override name = 'ShapleyGameError'
  readonly pointer: string
  constructor(message: string, pointer = '') {
    super(message)
    this.pointer = pointer
  }
}

/** Exact enumeration needs 2^n costs in memory (8 MiB at 20) and about (n + 1) 2^n steps. */
export const SHAPLEY_EXACT_MAX = 20
export const SHAPLEY_TABLE_MAX = 16
export const SHAPLEY_DEFAULT_SAMPLES = 1000
export const SHAPLEY_DEFAULT_SEED = 0x5eed

/** Steps (one marginal cost, or one coalition cost) per CPU millisecond on the reference machine (docs/markets.md#shapley-cost-shares). */
export const SHAPLEY_STEPS_PER_MS = 15_000
/** CPU milliseconds one request's Shapley computation may cost. */
export const SHAPLEY_CPU_MS = 1000
export const shapleyBudget = (ms = SHAPLEY_CPU_MS): StepBudget =>
  new StepBudget('shapley_steps', ms * SHAPLEY_STEPS_PER_MS, ms)

/** Loads within this fraction of a unit boundary fit in it: float sums in another order must not open a unit. */
const UNIT_SLACK = 1e-9

/**
 * The Shapley cost shares of a game: exact by enumeration for n <= exactMax; above it, airport games exactly by
 * their closed form (`airportShapley`) and other games by permutation sampling (`sampleShapley`).
 */
export function shapley(game: CostGame, opts: ShapleyOptions = {}): ShapleyResult {
  const ids = checkGame(game)
  const n = ids.length
  const exactMax = Math.min(opts.exactMax ?? SHAPLEY_EXACT_MAX, SHAPLEY_EXACT_MAX)
  if (n <= exactMax) {
    const before = opts.budget?.spent ?? 0
    const budget = opts.budget ?? new StepBudget('shapley_steps', Number.POSITIVE_INFINITY, 0)
    budget.spend(exactSteps(n)) // refuse before the work (and before 2^n costs are allocated)
    const costs = subsetCosts(game, n)
    const phi = sharesFromCosts(n, costs)
    return {
      shares: ids.map((player, i) => ({ player, share: phi[i] as number })),
      total: costs[costs.length - 1] as number,
      method: 'exact',
      steps: budget.spent - before,
    }
  }
  if (game.kind === 'airport') {
    opts.budget?.spend(n) // one step per player: a sort and one pass
    const phi = airportShapley(game.players.map((p) => p.need))
    return {
      shares: ids.map((player, i) => ({ player, share: phi[i] as number })),
      total: game.players.reduce((top, p) => Math.max(top, p.need), 0),
      method: 'exact',
      steps: n,
    }
  }
  return sampled(game, ids, opts)
}

/** Permutation sampling whatever the size (`shapley` uses it above exactMax for pool and table games). */
export function sampleShapley(game: CostGame, opts: Omit<ShapleyOptions, 'exactMax'> = {}): ShapleyResult {
  return sampled(game, checkGame(game), opts)
}

/** Generic exact Shapley values of any cost function on bit masks (player i is bit i), n <= 20, cost(0) taken as given. */
export function shapleyOf(
  n: number,
  cost: (mask: number) => number,
  opts: { budget?: StepBudget } = {},
): number[] {
  if (!Number.isInteger(n) || n < 0 || n > SHAPLEY_EXACT_MAX)
    throw new ShapleyGameError(`exact Shapley values need 0..${SHAPLEY_EXACT_MAX} players, not ${n}`)
  const budget = opts.budget ?? new StepBudget('shapley_steps', Number.POSITIVE_INFINITY, 0)
  const size = 2 ** n
  budget.spend(exactSteps(n))
  const costs = new Float64Array(size)
  for (let m = 0; m < size; m++) {
    const c = cost(m)
    if (!Number.isFinite(c)) throw new ShapleyGameError(`cost of coalition ${m} is not finite`)
    costs[m] = c
  }
  return sharesFromCosts(n, costs)
}

/** Steps of exact enumeration: one per coalition cost, one per marginal (n 2^(n-1)). */
export const exactSteps = (n: number): number => 2 ** n + n * 2 ** (n - 1)

/**
 * phi_i = sum over S not containing i of |S|! (n-|S|-1)! / n! * (c(S+i) - c(S)). One pass over all masks, each
 * mask's absent players: n 2^(n-1) marginals, weights by coalition size precomputed.
 */
function sharesFromCosts(n: number, costs: Float64Array): number[] {
  const size = costs.length
  const weight = new Float64Array(n)
  // w(s) = 1 / (n * C(n-1, s)), built from C(n-1, s+1) = C(n-1, s) (n-1-s) / (s+1)
  let binom = 1
  for (let s = 0; s < n; s++) {
    weight[s] = 1 / (n * binom)
    binom = (binom * (n - 1 - s)) / (s + 1)
  }
  const size8 = new Uint8Array(size)
  const phi = new Float64Array(n)
  for (let m = 0; m < size; m++) {
    if (m > 0) size8[m] = (size8[m >> 1] as number) + (m & 1)
    const w = weight[size8[m] as number] as number
    const cm = costs[m] as number
    for (let i = 0; i < n; i++) {
      const bit = 1 << i
      if ((m & bit) === 0) phi[i] = (phi[i] as number) + w * ((costs[m | bit] as number) - cm)
    }
  }
  return Array.from(phi)
}

/** Costs of all 2^n coalitions, each from the coalition without its lowest player (one step per coalition). */
function subsetCosts(game: CostGame, n: number): Float64Array {
  const size = 2 ** n
  if (game.kind === 'table') return Float64Array.from(game.costs)
  const acc = new Float64Array(size) // sum of demands (pool) or max need (airport)
  const value = game.kind === 'pool' ? game.players.map((p) => p.demand) : game.players.map((p) => p.need)
  for (let m = 1; m < size; m++) {
    const low = m & -m
    const prev = acc[m ^ low] as number
    const v = value[31 - Math.clz32(low)] as number
    acc[m] = game.kind === 'pool' ? prev + v : Math.max(prev, v)
  }
  if (game.kind === 'pool') {
    for (let m = 1; m < size; m++) acc[m] = poolCost(game, acc[m] as number)
  }
  return acc
}

function poolCost(game: Extract<CostGame, { kind: 'pool' }>, load: number): number {
  const units = Math.max(0, Math.ceil(load / game.unit_capacity - UNIT_SLACK))
  return (game.fixed ?? 0) + game.unit_cost * units
}

/** The cost of a coalition grown one player at a time, in any order (the sampler's inner loop). */
function grower(game: CostGame): { reset(): void; add(i: number): number } {
  let mask = 0 // table: the coalition so far
  let acc = 0 // pool: its load; airport: its largest need
  const reset = (): void => {
    mask = 0
    acc = 0
  }
  if (game.kind === 'table')
    return {
      reset,
      add: (i) => {
        mask |= 1 << i
        return game.costs[mask] as number
      },
    }
  if (game.kind === 'airport')
    return {
      reset,
      add: (i) => {
        acc = Math.max(acc, game.players[i]?.need as number)
        return acc
      },
    }
  return {
    reset,
    add: (i) => {
      acc += game.players[i]?.demand as number
      return poolCost(game, acc)
    },
  }
}

/**
 * Monte-Carlo permutation sampling: each uniformly random order (Fisher-Yates on mulberry32) gives every player
 * its marginal cost on joining the players before it; the share is the mean over orders, unbiased. The 95 %
 * interval is mean +- 1.96 s / sqrt(m) with s the sample standard deviation (normal approximation, per player).
 * Shares are not rescaled: the marginals of one order telescope to c(N) - c(empty) = c(N), so their means sum
 * to c(N) already (up to rounding) and rescaling would only bias the intervals.
 */
function sampled(game: CostGame, ids: string[], opts: ShapleyOptions): ShapleyResult {
  const n = ids.length
  const samples = opts.samples ?? SHAPLEY_DEFAULT_SAMPLES
  if (!Number.isInteger(samples) || samples < 2)
    throw new ShapleyGameError(`sampling needs an integer of at least 2 samples, not ${samples}`, '/samples')
  const seed = (opts.seed ?? SHAPLEY_DEFAULT_SEED) >>> 0
  const budget = opts.budget ?? new StepBudget('shapley_steps', Number.POSITIVE_INFINITY, 0)
  const before = budget.spent
  budget.spend(n * (samples + 1)) // refuse before the work: samples orders of n marginals, plus c(N)
  const rand = mulberry32(seed)
  const g = grower(game)
  const order = Uint32Array.from({ length: n }, (_, i) => i)
  const mean = new Float64Array(n)
  const m2 = new Float64Array(n) // Welford: sum of squared deviations from the running mean
  for (let k = 1; k <= samples; k++) {
    for (let j = n - 1; j > 0; j--) {
      const r = Math.floor(rand() * (j + 1))
      const t = order[j] as number
      order[j] = order[r] as number
      order[r] = t
    }
    g.reset()
    let prev = 0
    for (let j = 0; j < n; j++) {
      const i = order[j] as number
      const c = g.add(i)
      const x = c - prev
      prev = c
      const d = x - (mean[i] as number)
      mean[i] = (mean[i] as number) + d / k
      m2[i] = (m2[i] as number) + d * (x - (mean[i] as number))
    }
  }
  g.reset()
  let total = 0
  for (let i = 0; i < n; i++) total = g.add(i)
  const shares = ids.map((player, i) => {
    const share = mean[i] as number
    const half = 1.96 * Math.sqrt((m2[i] as number) / (samples - 1) / samples)
    return { player, share, ci95: [share - half, share + half] as [number, number] }
  })
  return { shares, total, method: 'sampled', samples, seed, steps: budget.spent - before }
}

/**
 * The airport game's closed form (Littlechild & Owen 1973, "A simple expression for the Shapley value in a special
 * case", Management Science 20(3)): sort needs ascending; each increment need_(k) - need_(k-1) is shared equally
 * by the players whose need is at least need_(k). O(n log n), exact at any n.
 */
export function airportShapley(needs: readonly number[]): number[] {
  const order = needs.map((_, i) => i).sort((a, b) => (needs[a] as number) - (needs[b] as number))
  const out = new Array<number>(needs.length).fill(0)
  let acc = 0
  let below = 0
  for (let k = 0; k < order.length; k++) {
    const need = needs[order[k] as number] as number
    acc += (need - below) / (order.length - k)
    below = need
    out[order[k] as number] = acc
  }
  return out
}

/** Refuses malformed games (the HTTP schema refuses them earlier; this guards other callers). Returns the ids. */
function checkGame(game: CostGame): string[] {
  const ids = game.kind === 'table' ? game.players : game.players.map((p) => p.id)
  const seen = new Set<string>()
  ids.forEach((id, i) => {
    if (seen.has(id)) throw new ShapleyGameError(`player '${id}' occurs twice`, `/players/${i}`)
    seen.add(id)
  })
  const finite = (x: number, pointer: string, min = Number.NEGATIVE_INFINITY) => {
    if (!Number.isFinite(x) || x < min)
      throw new ShapleyGameError(`${pointer} must be a finite number${min === 0 ? ' >= 0' : ''}`, pointer)
  }
  if (game.kind === 'table') {
    if (ids.length > SHAPLEY_TABLE_MAX)
      throw new ShapleyGameError(`a table game has at most ${SHAPLEY_TABLE_MAX} players`, '/players')
    if (game.costs.length !== 2 ** ids.length)
      throw new ShapleyGameError(
        `a table game of ${ids.length} players needs ${2 ** ids.length} costs`,
        '/costs',
      )
    for (const [m, c] of game.costs.entries()) finite(c, `/costs/${m}`)
    if (game.costs[0] !== 0) throw new ShapleyGameError('the empty coalition costs 0', '/costs/0')
  } else if (game.kind === 'airport') {
    for (const [i, p] of game.players.entries()) finite(p.need, `/players/${i}/need`, 0)
  } else {
    for (const [i, p] of game.players.entries()) finite(p.demand, `/players/${i}/demand`, 0)
    finite(game.unit_cost, '/unit_cost', 0)
    finite(game.fixed ?? 0, '/fixed', 0)
    if (!(game.unit_capacity > 0) || !Number.isFinite(game.unit_capacity))
      throw new ShapleyGameError('/unit_capacity must be a finite number > 0', '/unit_capacity')
  }
  return ids
}
