// The incremental self-audit of a ledger (the VENOM seed's `ledger_verified`): each step re-hashes and
// re-chains the next chunk of stored entries with the export auditor `npm run verify` uses, and checks
// the recomputed Merkle root at the chunk's end against a checkpoint of the stored tree.
import { EXPORT_TYPE, ExportAuditor } from './audit.ts'

export interface AuditState {
  /** entries [0, through) verified in the current pass */
  through: number
  /** the ledger size when the last step ran */
  size: number
  ok: boolean
  first_bad_index: number | null
  /** steps that reached the end of the ledger (a pass that caught up with it) */
  passes: number
  /** leaf hash (hex) of entry through - 1, recomputed from the entries (not read from the stored tree) */
  prev: string | null
  /** perfect-subtree hashes (hex) of [0, through), recomputed likewise */
  frontier: string[]
}

export const AUDIT_START: AuditState = {
  through: 0,
  size: 0,
  ok: true,
  first_bad_index: null,
  passes: 0,
  prev: null,
  frontier: [],
}

/** What one step reads from storage. */
export interface AuditSource {
  holon: string
  origin: string
  verifierKey: string
  size: number
  /** the stored entry texts [from, to) */
  entries(from: number, to: number): string[]
  /** a signed checkpoint of the stored tree at `size` (its root read from the stored nodes) */
  checkpoint(size: number): string
}

/**
 * One step of at most `budget` entries. After a pass reached the end the next starts over at 0, so an entry
 * altered after it was checked is found on the next pass; once a bad entry is found the audit stops
 * there (the finding stands until the ledger is repaired and the audit state cleared).
 */
export function auditStep(s: AuditState, src: AuditSource, budget: number): AuditState {
  if (!s.ok) return { ...s, size: src.size }
  // The last step caught up with the ledger as it was then: a new pass starts at 0 (a beat appends
  // entries every time, so waiting for an idle ledger would never re-check the old ones).
  const restart = s.size > 0 && s.through >= s.size
  const from = restart ? AUDIT_START : s
  const to = Math.min(src.size, from.through + budget)
  if (to <= from.through) return { ...s, size: src.size }
  const auditor = new ExportAuditor(
    {
      type: EXPORT_TYPE,
      version: 1,
      holon: src.holon,
      origin: src.origin,
      from: from.through,
      to,
      frontier: from.frontier,
      prev: from.prev,
      checkpoint: src.checkpoint(to),
      verifier_key: src.verifierKey,
    },
    src.verifierKey,
  )
  for (const text of src.entries(from.through, to)) auditor.line(text)
  const report = auditor.finish()
  const next = auditor.resume()
  if (!report.valid) {
    return {
      ...from,
      size: src.size,
      passes: s.passes,
      ok: false,
      first_bad_index: report.first_bad_index ?? from.through,
    }
  }
  const passes = to === src.size ? s.passes + 1 : s.passes
  return { ...from, through: to, size: src.size, passes, prev: next.prev, frontier: next.frontier }
}
