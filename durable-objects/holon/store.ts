// The holon's rows in SQLite (except the ledger's and the pulse's): meta, kernels, aggregates, events, rejections.
import type { CompiledKernel, FoldState } from '../../functions/kernel/index.ts'
import type { GateResult, Verdict } from '../../schemas/evaluation.ts'
import type { Event, Override } from '../../schemas/event.ts'
import type { EventsPage } from '../../schemas/holon.ts'
import type { Db } from '../shared/db.ts'
import { EMPTY_FOLD } from './live.ts'

const EVENT_COLUMNS = [
  'seq',
  'id',
  'body',
  'digest',
  'kernel_version',
  'verdict',
  'torsion',
  'result',
  'override_reason',
  'committed_at',
  'ledger_index',
] as const

interface EventRow extends Record<string, SqlStorageValue> {
  seq: number
  body: string
  kernel_version: number
  verdict: string
  torsion: number
  override_reason: string | null
  committed_at: string
}

export function eventsPage(db: Db, after: number, limit: number): EventsPage {
  const rows = db.all<EventRow>(
    `SELECT seq, body, kernel_version, verdict, torsion, override_reason, committed_at
     FROM events WHERE seq > ? ORDER BY seq LIMIT ?`,
    after,
    limit + 1,
  )
  const page = rows.slice(0, limit)
  return {
    events: page.map((r) => ({
      seq: r.seq,
      event: JSON.parse(r.body) as Event,
      kernel_version: r.kernel_version,
      verdict: r.verdict,
      torsion: r.torsion,
      override: r.override_reason === null ? null : (JSON.parse(r.override_reason) as Override),
      committed_at: r.committed_at,
    })),
    next_cursor: rows.length > limit ? String(page.at(-1)?.seq) : null,
  }
}

/** A new holon's rows: its meta (ledger meta included), kernel version 1 and empty aggregates. */
export function insertHolon(db: Db, meta: [string, string][], kernel: CompiledKernel, at: string): void {
  db.insertMany('meta', ['k', 'v'], meta)
  db.run(
    "INSERT INTO kernels (version, digest, spec, status, created_at, activated_at) VALUES (1, ?, ?, 'active', ?, ?)",
    kernel.digest,
    JSON.stringify(kernel.spec),
    at,
    at,
  )
  const rows = kernel.aggregates.map((a) => [a.name, a.digest, EMPTY_FOLD])
  db.insertMany('aggregates', ['name', 'digest', 'state'], rows)
}

interface PriorEvent extends Record<string, SqlStorageValue> {
  id: string
  seq: number
  digest: string
  verdict: Verdict
  torsion: number
  result: string
  ledger_index: number
}

/** Events already committed under any of `ids` (idempotent retries). */
export const priorEvents = (db: Db, ids: readonly string[]): Map<string, PriorEvent> =>
  new Map(
    db
      .whereIn<PriorEvent>(
        'SELECT id, seq, digest, verdict, torsion, result, ledger_index FROM events WHERE id IN',
        ids,
      )
      .map((row) => [row.id, row]),
  )

export interface CommittedEvent {
  seq: number
  event: Event
  /** canonical JSON of the event and its SHA-256 */
  body: string
  digest: string
  kernelVersion: number
  result: GateResult
  override: Override | null
  at: string
  ledgerIndex: number
}

export function insertEvents(db: Db, events: readonly CommittedEvent[]): void {
  const rows = events.map((e): SqlStorageValue[] => [
    e.seq,
    e.event.id,
    e.body,
    e.digest,
    e.kernelVersion,
    e.result.verdict,
    e.result.torsion,
    JSON.stringify(e.result),
    e.override && JSON.stringify(e.override),
    e.at,
    e.ledgerIndex,
  ])
  db.insertMany('events', EVENT_COLUMNS, rows)
}

/** Every aggregate's state in one statement. */
export function saveAggregates(db: Db, kernel: CompiledKernel, states: readonly FoldState[]): void {
  const rows = kernel.aggregates.map((a, i) => [a.name, a.digest, JSON.stringify(states[i])])
  db.insertMany(
    'aggregates',
    ['name', 'digest', 'state'],
    rows,
    'ON CONFLICT (name) DO UPDATE SET state = excluded.state',
  )
}

export function insertRejection(
  db: Db,
  rejected: {
    event: Event
    digest: string
    kernelVersion: number
    result: GateResult
    at: string
    ledgerIndex: number
  },
): void {
  db.insertMany(
    'rejections',
    ['event_id', 'digest', 'kernel_version', 'verdict', 'torsion', 'result', 'at', 'ledger_index'],
    [
      [
        rejected.event.id,
        rejected.digest,
        rejected.kernelVersion,
        rejected.result.verdict,
        rejected.result.torsion,
        JSON.stringify(rejected.result),
        rejected.at,
        rejected.ledgerIndex,
      ],
    ],
  )
}
