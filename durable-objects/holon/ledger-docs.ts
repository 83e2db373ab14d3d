// The ledger's read documents: entry pages, checkpoints, inclusion and consistency proofs.
import { toHex } from '../../functions/ledger/index.ts'
import type { CheckpointDoc, ConsistencyDoc, InclusionDoc, LedgerPage } from '../../schemas/ledger.ts'
import type { SqlLedger } from '../shared/sql-ledger.ts'

export function page(ledger: SqlLedger, from: number, limit: number): LedgerPage {
  const rows = ledger.page(from, limit + 1)
  return {
    entries: rows
      .slice(0, limit)
      .map((r) => ({ index: r.index, entry: JSON.parse(r.body), entry_hash: r.digest, leaf_hash: r.leaf })),
    next_cursor: rows.length > limit ? String(from + limit) : null,
  }
}

export function checkpoint(ledger: SqlLedger, size?: number): CheckpointDoc {
  const c = ledger.checkpoint(size)
  return {
    origin: c.origin,
    size: c.size,
    root: toHex(c.root),
    note: c.note,
    verifier_key: ledger.verifierKey,
  }
}

export function inclusion(ledger: SqlLedger, index: number, size?: number): InclusionDoc {
  const n = size ?? ledger.size
  const read = ledger.reader()
  const proof = ledger.inclusion(index, n, read)
  return {
    index,
    size: n,
    leaf_hash: toHex(read(0, index)),
    inclusion: proof.map(toHex),
    root: toHex(ledger.rootAt(n, read)),
  }
}

export function consistency(ledger: SqlLedger, from: number, to?: number): ConsistencyDoc {
  const n = to ?? ledger.size
  const proof = ledger.consistency(from, n)
  const read = ledger.reader()
  return {
    from,
    to: n,
    proof: proof.map(toHex),
    root_from: toHex(ledger.rootAt(from, read)),
    root_to: toHex(ledger.rootAt(n, read)),
  }
}
