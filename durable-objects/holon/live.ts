// The holon's in-memory view (kernel, aggregates, current state), read from SQLite at start-up.
import {
  type CompiledKernel,
  compileKernel,
  currentState,
  type EventValue,
  type FoldState,
} from '../../functions/kernel/index.ts'
import type { Evaluation } from '../../schemas/evaluation.ts'
import type { KernelSpec } from '../../schemas/kernel.ts'
import type { Db } from '../shared/db.ts'

export const EMPTY_FOLD = '{"n":0,"v":0,"c":0}'

/** Always equal to what SQLite holds: changed only by `applyChange`, after the transaction committed. */
export interface Live {
  holon: string
  meta: Record<string, string>
  createdAt: string
  version: number
  kernel: CompiledKernel
  states: FoldState[]
  last?: { id: string; event: EventValue; at: string }
  /** The evaluation of the current state (after `last`), so the gate need not rescore it. */
  current: Evaluation
  counts: { events: number; rejections: number; overrides: number }
}

export function loadLive(db: Db): Live | undefined {
  const meta = Object.fromEntries(
    db.all<{ k: string; v: string }>('SELECT k, v FROM meta').map((r) => [r.k, r.v]),
  )
  if (!meta.holon) return undefined
  const k = db.one<{ version: number; spec: string }>(
    "SELECT version, spec FROM kernels WHERE status = 'active'",
  )
  if (!k) throw new Error('holon has no active kernel')
  const kernel = compileKernel(JSON.parse(k.spec) as KernelSpec, { stored: true })
  const stored = new Map(
    db
      .all<{ name: string; state: string }>('SELECT name, state FROM aggregates')
      .map((r) => [r.name, r.state]),
  )
  const states = kernel.aggregates.map((a) => JSON.parse(stored.get(a.name) ?? EMPTY_FOLD) as FoldState)
  const row = db.one<{ id: string; body: string; committed_at: string }>(
    'SELECT id, body, committed_at FROM events WHERE compensated_by IS NULL ORDER BY seq DESC LIMIT 1',
  )
  const last = row && { id: row.id, event: JSON.parse(row.body) as EventValue, at: row.committed_at }
  const count = (q: string) => Number(db.one<{ n: number }>(q)?.n ?? 0)
  return {
    holon: meta.holon,
    meta,
    createdAt: meta.created_at ?? '',
    version: k.version,
    kernel,
    states,
    last,
    current: currentState(kernel, states, last?.event),
    counts: {
      events: count('SELECT coalesce(max(seq), 0) AS n FROM events'), // seq is dense from 1: O(log n), not a scan
      rejections: count('SELECT count(*) AS n FROM rejections'),
      overrides: count('SELECT count(*) AS n FROM events WHERE override_reason IS NOT NULL'),
    },
  }
}

export const evaluationOf = ({
  dimensions,
  state_vector,
  torsion,
  violations,
  errors,
  admissible,
}: Evaluation): Evaluation => ({
  dimensions,
  state_vector,
  torsion,
  violations,
  errors,
  admissible,
})

/** What a committed transaction changed in the live view (commit.ts returns it; the object applies it). */
export type LiveChange =
  | {
      kind: 'committed'
      states: FoldState[]
      last: NonNullable<Live['last']>
      current: Evaluation
      events: number
      overrides: number
    }
  | { kind: 'rejected' }

export function applyChange(live: Live, change: LiveChange): void {
  if (change.kind === 'rejected') {
    live.counts.rejections++
    return
  }
  live.states = change.states
  live.last = change.last
  live.current = change.current
  live.counts.events += change.events
  live.counts.overrides += change.overrides
}
