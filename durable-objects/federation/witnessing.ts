// The registry's records of witnessing, alerts and conflicts: each message is read by the pure core
// (functions/rhizome) over exactly what was received, then stored; refusals become WitnessRecordError.
import { toHex } from '../../functions/ledger/index.ts'
import {
  MessageError,
  type PinnedOf,
  type RhizomeAlert,
  readAlert,
  readCosignature,
  readFlag,
} from '../../functions/rhizome/index.ts'
import type { Db } from '../shared/db.ts'

export class WitnessRecordError extends Error {
  override name = 'WitnessRecordError'
}

function refusing<T>(f: () => T): T {
  try {
    return f()
  } catch (e) {
    if (e instanceof MessageError) throw new WitnessRecordError(`${e.reason}: ${e.message}`)
    throw e
  }
}

/** Stores a cosignature of one of our holons' checkpoints once it verifies (`local`: our holons only). */
export function recordCosignature(db: Db, json: unknown, local: PinnedOf, at: string): void {
  const { message: c, checkpoint: cp } = refusing(() => readCosignature(json, local))
  db.run(
    'INSERT OR IGNORE INTO cosignatures (origin, size, witness, root, line, note, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    c.origin,
    cp.size,
    c.witness,
    toHex(cp.root),
    c.line,
    c.note,
    at,
  )
}

/** Stores a flag once its evidence checks out against the origin's key (`known`: ours and pinned peers'). */
export function recordFlag(db: Db, json: unknown, known: PinnedOf, at: string): void {
  const { message: f } = refusing(() => readFlag(json, known))
  db.run(
    'INSERT INTO flags (origin, reason, notes, detail, at) VALUES (?, ?, ?, ?, ?)',
    f.origin,
    f.reason,
    JSON.stringify(f.notes),
    f.detail,
    at,
  )
}

/** Stores a peer alert signed with the origin's pinned key, when newer than the last one from that origin. */
export function recordAlert(
  db: Db,
  json: unknown,
  pinnedKey: (origin: string) => string | undefined,
  at: string,
): RhizomeAlert {
  const alert = refusing(() => readAlert(json, pinnedKey))
  const last = db.one<{ t: string }>(
    'SELECT max(issued_at) AS t FROM alerts WHERE origin = ?',
    alert.origin,
  )?.t
  if (last && alert.issued_at <= last)
    throw new WitnessRecordError('not newer than the last alert from that origin')
  db.run(
    'INSERT INTO alerts (origin, issued_at, alert, received_at) VALUES (?, ?, ?, ?)',
    alert.origin,
    alert.issued_at,
    JSON.stringify(alert),
    at,
  )
  return alert
}

export type ConflictReason = 'key_mismatch' | 'origin_collision'

/** Keeps one row per (origin, reason, key): when first and last seen, and how often. */
export function recordConflict(
  db: Db,
  c: { origin: string; reason: ConflictReason; verifier_key: string; detail: string },
  at: string,
): void {
  db.run(
    `INSERT INTO conflicts (origin, reason, verifier_key, detail, first_at, last_at, n) VALUES (?, ?, ?, ?, ?, ?, 1)
     ON CONFLICT (origin, reason, verifier_key) DO UPDATE SET last_at = excluded.last_at, n = n + 1`,
    c.origin,
    c.reason,
    c.verifier_key,
    c.detail,
    at,
    at,
  )
}

export function conflicts(db: Db) {
  const list = db.all<{
    origin: string
    reason: ConflictReason
    verifier_key: string
    detail: string
    first_at: string
    last_at: string
    n: number
  }>(
    'SELECT origin, reason, verifier_key, detail, first_at, last_at, n FROM conflicts ORDER BY last_at DESC LIMIT 200',
  )
  const count = Number(db.one<{ n: number }>('SELECT count(*) AS n FROM conflicts')?.n ?? 0)
  return { count, list }
}
