// The holon's self-audit on its alarm: the next chunk of its own ledger re-hashed and re-chained against
// the stored tree (functions/ledger/self-audit.ts); the progress lives in the object's key-value storage.
import { AUDIT_START, type AuditState, auditStep } from '../../functions/ledger/index.ts'
import type { LedgerAudit } from '../../schemas/pulse.ts'
import type { Db } from '../shared/db.ts'
import type { SqlLedger } from '../shared/sql-ledger.ts'

const KEY = 'self_audit'
/** Entries per alarm: ~2,000 x (SHA3 of ~300 bytes + a chain check), tens of ms (see docs/pulse.md). */
export const AUDIT_BUDGET = 2000

const load = (kv: SyncKvStorage): AuditState | undefined => kv.get<AuditState>(KEY)

/** One step of at most `budget` entries; returns the new state. */
export function selfAudit(db: Db, kv: SyncKvStorage, ledger: SqlLedger, budget = AUDIT_BUDGET): AuditState {
  const next = auditStep(
    load(kv) ?? AUDIT_START,
    {
      holon: ledger.name,
      origin: ledger.origin,
      verifierKey: ledger.verifierKey,
      size: ledger.size,
      entries: (from, to) =>
        db
          .all<{ body: string }>('SELECT body FROM ledger WHERE idx >= ? AND idx < ? ORDER BY idx', from, to)
          .map((r) => r.body),
      checkpoint: (size) => ledger.checkpoint(size).note,
    },
    budget,
  )
  kv.put(KEY, next)
  return next
}

/** The status block's `ledger_verified`: null before the first step. */
export function auditStatus(kv: SyncKvStorage): LedgerAudit | null {
  const s = load(kv)
  return s
    ? { through: s.through, size: s.size, ok: s.ok, first_bad_index: s.first_bad_index, passes: s.passes }
    : null
}
