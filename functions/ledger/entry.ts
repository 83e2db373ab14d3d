// Ledger entries: RFC 8785 canonical JSON, chained by the previous entry's leaf hash, leaves of a SHA3-256 tree.
import type { EntryKind, LedgerEntry } from '../../schemas/ledger.ts'
import { canonicalObject } from '../canonical/index.ts'
import { type Hash, sha3_256, sha3Tree } from '../merkle/index.ts'
import { utf8 } from './encoding.ts'

export type { EntryKind, LedgerEntry }

export interface SealedEntry {
  entry: LedgerEntry
  /** The canonical bytes' text: what is hashed, exported and verified. */
  text: string
  leaf: Hash
  /** Plain SHA3-256 of the canonical bytes (content address). */
  digest: Hash
}

/**
 * The chain link is the previous entry's *leaf* hash, H(0x00 || bytes): one hash per entry serves both
 * the chain and the Merkle tree, so verifying an export hashes each entry's bytes once. `canonicalData`
 * holds members of `entry.data` already in canonical text (an event canonicalised for its digest), so
 * they are not serialised twice; the bytes are the same either way.
 */
export function sealEntry(entry: LedgerEntry, canonicalData: Record<string, string> = {}): SealedEntry {
  const { data, ...head } = entry
  const text = canonicalObject(head, { data: canonicalObject(data, canonicalData) })
  const bytes = utf8(text)
  return { entry, text, leaf: sha3Tree.leaf(bytes), digest: sha3_256(bytes) }
}
