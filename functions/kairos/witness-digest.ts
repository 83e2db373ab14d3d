// The meta witness (BecomingONE W = G[W]): a digest of the witness record itself, checkable from the ledger.
import { hexToBytes, toHex } from '../ledger/encoding.ts'
import { sha3_256 } from '../merkle/index.ts'

/** Witness entries one witness.meta entry covers at most; the rest goes into the next one (bounded work). */
export const META_MAX_ENTRIES = 4096

export interface WitnessHash {
  index: number
  /** the entry's hash (entry_hash: SHA3-256 of its canonical JSON), hex */
  hash: string
}

export interface MetaDigest {
  count: number
  from_index: number
  to_index: number
  /** SHA3-256 over the covered entries' hashes (32 bytes each), concatenated in index order, hex */
  digest: string
}

/** The digest over the given witness entries (in index order); null when there are none. */
export function witnessDigest(entries: readonly WitnessHash[]): MetaDigest | null {
  const first = entries[0]
  const last = entries.at(-1)
  if (!first || !last) return null
  const bytes = new Uint8Array(32 * entries.length)
  entries.forEach((e, i) => {
    bytes.set(hexToBytes(e.hash), 32 * i)
  })
  return {
    count: entries.length,
    from_index: first.index,
    to_index: last.index,
    digest: toHex(sha3_256(bytes)),
  }
}
