// Selfish routing as an atomic congestion game: best-response dynamics to an epsilon-Nash equilibrium, the social
// optimum (exact on small games, a labelled local search beyond) and the price of anarchy (docs/markets.md#selfish-routing-nash-equilibria-of-congestion-games).
import { StepBudget } from '../budget/index.ts'
import {
  type Compiled,
  CongestionError,
  type CongestionGame,
  compile,
  lat,
  Searcher,
} from './congestion-graph.ts'
import { exactOptimum } from './congestion-optimum.ts'

export * from './congestion-graph.ts'

export interface EquilibriumResult {
  paths: { agent: string; edges: number[]; cost: number }[]
  /** Load on every edge (sum of the demands of the agents using it). */
  loads: number[]
  /** Sum over agents of demand * path latency. */
  social_cost: number
  /** Max over agents of (current cost - best-response cost) at the end. */
  epsilon: number
  rounds: number
  converged: boolean
  /** Exact: enumerated; local: an upper bound on the optimum, so the PoA below is then a lower bound. */
  optimum?: { social_cost: number; method: 'exact' | 'local' }
  price_of_anarchy?: number
  steps: number
}

export interface EquilibriumOptions {
  maxRounds?: number
  /** A move must improve the mover's cost by more than this (default 1e-9). */
  epsilon?: number
  budget?: StepBudget
  /** Where the dynamics start: `sequential` (default) or `free_flow` (see initial()). */
  start?: 'sequential' | 'free_flow'
  /** Compute the social optimum and the price of anarchy (default true). */
  optimum?: boolean
  /** Called after every move of the dynamics with the mover and the whole profile (tests check the potential). */
  onMove?: (agent: number, profile: readonly (readonly number[])[]) => void
}

/**
 * Steps per CPU millisecond on the reference machine: one step is a node popped or an arc relaxed by a search,
 * charged before it runs (n + arcs per search). `npm run bench -- markets` (bench/markets-nash.ts) measures
 * 10,000 to 20,000; the low end is used, so a budget's milliseconds are an upper estimate (docs/markets.md#selfish-routing-nash-equilibria-of-congestion-games).
 */
export const EQUILIBRIUM_STEPS_PER_MS = 10_000
export const EQUILIBRIUM_CPU_MS = 500
export const equilibriumBudget = (ms = EQUILIBRIUM_CPU_MS): StepBudget =>
  new StepBudget('equilibrium_steps', ms * EQUILIBRIUM_STEPS_PER_MS, ms)

type Mode = 'selfish' | 'social'

/** Best-response rounds in `mode` from `profile`; moves in place, returns rounds, convergence and the final gap. */
function dynamics(
  c: Compiled,
  profile: number[][],
  loads: Float64Array,
  mode: Mode,
  maxRounds: number,
  eps: number,
  budget: StepBudget,
  onMove?: EquilibriumOptions['onMove'],
): { rounds: number; converged: boolean; gap: number } {
  const search = new Searcher(c)
  const mark = new Int32Array(c.m).fill(-1)
  const agents = profile.length
  // an agent on edge e sees it at its load (own demand included); elsewhere at load + own demand; the social
  // mode prices the agent's marginal social cost (x + d) l(x + d) - x l(x) with x the others' load
  const pay = (i: number, e: number): number => {
    const d = c.demand[i] as number
    const x = loads[e] as number
    const others = mark[e] === i ? x - d : x
    if (mode === 'selfish') return mark[e] === i ? lat(c, e, x) : lat(c, e, x + d)
    return (others + d) * lat(c, e, others + d) - (others > 0 ? others * lat(c, e, others) : 0)
  }
  const pass = (move: boolean): { moved: boolean; gap: number } => {
    let moved = false
    let gap = 0
    for (let i = 0; i < agents; i++) {
      const path = profile[i] as number[]
      for (const e of path) mark[e] = i
      let current = 0
      for (const e of path) current += pay(i, e)
      budget.spend(search.cost)
      const best = search.shortest(c.from[i] as number, c.to[i] as number, (e) => pay(i, e)) as {
        edges: number[]
        cost: number
      }
      const improvement = current - best.cost
      for (const e of path) mark[e] = -1
      if (move && improvement > eps) {
        const d = c.demand[i] as number
        for (const e of path) loads[e] = (loads[e] as number) - d
        for (const e of best.edges) loads[e] = (loads[e] as number) + d
        profile[i] = best.edges
        moved = true
        onMove?.(i, profile)
      } else gap = Math.max(gap, improvement)
    }
    return { moved, gap }
  }
  for (let round = 1; round <= maxRounds; round++) {
    const r = pass(true)
    if (!r.moved) return { rounds: round, converged: true, gap: r.gap }
  }
  return { rounds: maxRounds, converged: false, gap: pass(false).gap }
}

/**
 * The starting profile. Sequential: each agent in order takes its cheapest path given the agents placed before
 * it (few rounds remain). Free flow: each takes its cheapest path as if alone (a congested start, many moves).
 * Marginal: sequential on the marginal social cost (the local optimum's second start).
 */
function initial(
  c: Compiled,
  agents: CongestionGame['agents'],
  budget: StepBudget,
  start: 'sequential' | 'free_flow' | 'marginal',
) {
  const search = new Searcher(c)
  const loads = new Float64Array(c.m)
  const profile: number[][] = []
  for (let i = 0; i < agents.length; i++) {
    const d = c.demand[i] as number
    budget.spend(search.cost)
    const p = search.shortest(c.from[i] as number, c.to[i] as number, (e) => {
      const x = start === 'free_flow' ? 0 : (loads[e] as number)
      return start === 'marginal'
        ? (x + d) * lat(c, e, x + d) - (x > 0 ? x * lat(c, e, x) : 0)
        : lat(c, e, x + d)
    })
    if (!p)
      throw new CongestionError(
        'disconnected',
        `agent '${agents[i]?.id}': node ${c.to[i]} cannot be reached from node ${c.from[i]}`,
        `/agents/${i}`,
      )
    for (const e of p.edges) loads[e] = (loads[e] as number) + d
    profile.push(p.edges)
  }
  return { loads, profile }
}

export const socialCost = (c: Compiled, loads: Float64Array): number => {
  let s = 0
  for (let e = 0; e < c.m; e++) {
    const x = loads[e] as number
    if (x > 0) s += x * lat(c, e, x)
  }
  return s
}

/**
 * Best-response dynamics: agents in a fixed order each move to their cheapest path (with their own demand added
 * to every edge they would join) when that improves their cost by more than epsilon; stops after a round without
 * a move (an epsilon-Nash equilibrium; unweighted games always get there, Rosenthal's potential falls at every
 * move) or after maxRounds (converged: false, the remaining epsilon reported). Deterministic.
 */
export function bestResponseDynamics(g: CongestionGame, opts: EquilibriumOptions = {}): EquilibriumResult {
  const budget = opts.budget ?? equilibriumBudget()
  const before = budget.spent
  const eps = opts.epsilon ?? 1e-9
  const maxRounds = opts.maxRounds ?? 100
  const c = compile(g)
  budget.spend(c.m + c.n)
  const { loads, profile } = initial(c, g.agents, budget, opts.start ?? 'sequential')
  const run = dynamics(c, profile, loads, 'selfish', maxRounds, eps, budget, opts.onMove)
  const paths = profile.map((edges, i) => {
    let cost = 0
    for (const e of edges) cost += lat(c, e, loads[e] as number)
    return { agent: g.agents[i]?.id as string, edges: [...edges], cost }
  })
  const social = paths.reduce((s, p, i) => s + (c.demand[i] as number) * p.cost, 0)
  const result: EquilibriumResult = {
    paths,
    loads: Array.from(loads),
    social_cost: social,
    epsilon: Math.max(0, run.gap),
    rounds: run.rounds,
    converged: run.converged,
    steps: 0,
  }
  if (opts.optimum !== false) {
    const optimum = socialOptimum(c, g.agents, profile, loads, maxRounds, eps, budget)
    // the optimum is at most any profile's cost: the min keeps rounding from reporting a PoA below 1
    optimum.social_cost = Math.min(optimum.social_cost, social)
    result.optimum = optimum
    if (optimum.social_cost > 0) result.price_of_anarchy = social / optimum.social_cost
    else if (social === 0) result.price_of_anarchy = 1
  }
  result.steps = Math.round(budget.spent - before)
  return result
}

/** Exact when the game is small enough to enumerate (congestion-optimum.ts); else marginal-cost local search. */
function socialOptimum(
  c: Compiled,
  agents: CongestionGame['agents'],
  nash: number[][],
  nashLoads: Float64Array,
  maxRounds: number,
  eps: number,
  budget: StepBudget,
): { social_cost: number; method: 'exact' | 'local' } {
  const exact = exactOptimum(c, budget)
  if (exact !== undefined) return { social_cost: exact, method: 'exact' }
  // two starts: the equilibrium (so the bound is never worse than its cost) and a marginal-cost insertion
  const profile = nash.map((p) => [...p])
  const loads = nashLoads.slice()
  dynamics(c, profile, loads, 'social', maxRounds, eps, budget)
  const fresh = initial(c, agents, budget, 'marginal')
  dynamics(c, fresh.profile, fresh.loads, 'social', maxRounds, eps, budget)
  return { social_cost: Math.min(socialCost(c, loads), socialCost(c, fresh.loads)), method: 'local' }
}
