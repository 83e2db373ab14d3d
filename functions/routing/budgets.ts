// Work budgets of routing, embedding and lifecycle: steps calibrated to CPU milliseconds (docs/geometry.md).
//
// One step is about one 2-D distance evaluation with its bookkeeping; a distance in dimension d costs
// distanceSteps(d). The rate was measured on the reference machine (`npm run bench -- geometry --calibrate`).
import { BudgetExceededError, StepBudget } from '../budget/index.ts'

export { distanceSteps } from '../geometry/index.ts'

/**
 * Steps per CPU millisecond on the reference machine (see docs/geometry.md, "Work budgets"): the low end of
 * what the calibration measures (5,000 to 16,000 by kind of work), so a budget's milliseconds are an upper
 * estimate of its CPU cost there.
 */
export const STEPS_PER_MS = 5_000

/** A BFS edge visit or a tree-walk step, relative to a distance evaluation. */
export const VISIT_STEPS = 0.1

/**
 * A BFS edge visit on a graph too large for the CPU caches: on a 200,000-node random graph (1.2 million
 * adjacency entries) one BFS takes about 110 ms of CPU, four times what VISIT_STEPS estimates. Embedding jobs,
 * whose chunks must stay within their budget on exactly such graphs, count visits at this rate.
 */
export const COLD_VISIT_STEPS = 0.4

/** Clearing one slot of a search's per-slot arrays (a memset, hence tiny). */
export const FILL_STEPS = 0.01

/** An edge relaxed by a search (A*, Dijkstra): a distance plus penalty and array lookups and a heap push. */
export const SEARCH_STEPS = 3

/** CPU milliseconds one request may spend, per kind of work. */
export const CPU_MS = {
  route: 500,
  terminate: 200,
  mean: 200,
  embed: 1000,
  /** A stored topology's embedding (write token; up to 200,000 nodes). */
  storedEmbed: 5000,
  /**
   * One chunk of a stored embedding that runs as a job on the alarm: smaller than a request's budget, because
   * the object answers nothing else while a chunk runs (reads of the topology, progress polls).
   */
  embedChunk: 1000,
} as const

/** Writing one row to the object's SQLite (a stored embedding rewrites every node's coordinates). */
export const ROW_STEPS = 25

/** Most paths multipath_hyperbolic finds per request (as config.routing.k_paths allows). */
export const MAX_PATHS = 16

/** Most numbers one answer may carry (coordinates of an embedding, waypoints of a migration): ~10 MB of JSON. */
export const MAX_ANSWER_NUMBERS = 500_000

const budget = (name: string, ms: number) => new StepBudget(name, ms * STEPS_PER_MS, ms)

export const routeBudget = (): StepBudget => budget('route_steps', CPU_MS.route)
export const terminateBudget = (): StepBudget => budget('terminate_steps', CPU_MS.terminate)
export const meanBudget = (): StepBudget => budget('mean_steps', CPU_MS.mean)
export const embedBudget = (): StepBudget => budget('embed_steps', CPU_MS.embed)
export const storedEmbedBudget = (): StepBudget => budget('stored_embed_steps', CPU_MS.storedEmbed)
/** Steps one chunk of an embedding job may spend. */
export const EMBED_CHUNK_STEPS = CPU_MS.embedChunk * STEPS_PER_MS

/** Refuses an answer of more than MAX_ANSWER_NUMBERS numbers before any of it is computed. */
export function checkAnswerSize(what: string, numbers: number): void {
  if (numbers > MAX_ANSWER_NUMBERS)
    throw new BudgetExceededError(
      'answer_numbers',
      MAX_ANSWER_NUMBERS,
      'items',
      Math.round(MAX_ANSWER_NUMBERS / 5_000), // serialising ~5,000 numbers per ms
      `${what} would carry ${numbers} numbers, more than the ${MAX_ANSWER_NUMBERS} one answer may hold`,
    )
}
