// Ledger entries: RFC 8785 canonical JSON, chained by the previous entry's leaf hash, leaves of a SHA3-256 tree.
import { sha3_256 } from '@noble/hashes/sha3.js'
import { canonicalJson } from '../canonical/index.ts'
import { type Hash, sha3Tree } from '../merkle/index.ts'
import { toHex, utf8 } from './encoding.ts'

export const ENTRY_VERSION = 1

export type EntryKind =
  | 'holon.created'
  | 'kernel.proposed'
  | 'kernel.activated'
  | 'event.committed'
  | 'event.rejected'
  | 'rebuild.progress'
  | 'peer.artifact'
  | 'pulse.configured'
  | 'pulse.beat'
  | 'pulse.decision'
  | 'pulse.quarantine'
  | 'witness.state'
  | 'witness.collapse'

/** Entries a holon always ledgers; any other kind is a system entry subject to the verification level. */
export const ALWAYS_LEDGERED: ReadonlySet<EntryKind> = new Set([
  'holon.created',
  'kernel.proposed',
  'kernel.activated',
  'event.committed',
  'event.rejected',
  'peer.artifact',
  'pulse.configured',
  'pulse.decision',
  'pulse.quarantine',
])

export interface LedgerEntry {
  v: typeof ENTRY_VERSION
  holon: string
  index: number
  /** Leaf hash (hex) of the previous entry; null for entry 0. */
  prev: string | null
  at: string
  kind: EntryKind
  data: Record<string, unknown>
}

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
 * the chain and the Merkle tree, so verifying an export hashes each entry's bytes once.
 */
export function sealEntry(entry: LedgerEntry): SealedEntry {
  const text = canonicalJson(entry)
  const bytes = utf8(text)
  return { entry, text, leaf: sha3Tree.leaf(bytes), digest: sha3_256(bytes) }
}

export const leafHex = (s: SealedEntry): string => toHex(s.leaf)
