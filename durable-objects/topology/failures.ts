// What the Topology object refuses (bad points, bad graphs, exhausted work budgets), as plain data (RPC keeps it
// intact, an error class would not survive); the worker maps it to problem+json.
import { BudgetExceededError } from '../../functions/budget/index.ts'
import { GeometryError } from '../../functions/geometry/index.ts'
import { CongestionError } from '../../functions/markets/index.ts'
import { TopologyError } from '../../functions/routing/index.ts'
import type { Reply as Envelope } from '../shared/reply.ts'

export type GeometryFailure =
  | { kind: 'point'; issue: string; message: string; pointer: string }
  | { kind: 'topology'; issue: TopologyError['issue']; message: string; extensions: Record<string, unknown> }
  | { kind: 'not_found'; message: string }
  | {
      kind: 'budget'
      budget: string
      limit: number
      unit: BudgetExceededError['unit']
      cpu_ms: number
      message: string
    }

/** The objects' one reply envelope, with geometric refusals. */
export type Reply<T> = Envelope<T, GeometryFailure>

/** The error as plain data, or undefined when it is not a geometric refusal (then it is a bug: rethrow). */
export function failureOf(e: unknown): GeometryFailure | undefined {
  if (e instanceof GeometryError)
    return { kind: 'point', issue: e.issue, message: e.message, pointer: e.pointer }
  if (e instanceof TopologyError)
    return { kind: 'topology', issue: e.issue, message: e.message, extensions: e.extensions }
  // a congestion game's graph refusals are the topology's (invalid_edge cannot come from a stored topology)
  if (e instanceof CongestionError && e.issue !== 'invalid_edge')
    return { kind: 'topology', issue: e.issue, message: e.message, extensions: { pointer: e.pointer } }
  if (e instanceof BudgetExceededError)
    return {
      kind: 'budget',
      budget: e.budget,
      limit: e.limit,
      unit: e.unit,
      cpu_ms: e.cpuMs,
      message: e.message,
    }
  return undefined
}

/** Runs `f`, turning geometric refusals into failures; anything else propagates. */
export function attempt<T>(f: () => T): Reply<T> {
  try {
    return { ok: true, value: f() }
  } catch (e) {
    const failure = failureOf(e)
    if (failure) return { ok: false, failure }
    throw e
  }
}
