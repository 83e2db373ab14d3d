// Ledger entries: RFC 8785 canonical JSON, chained by the previous entry's leaf hash, leaves of a SHA3-256 tree.
import type { Actor, EntryKind, LedgerEntry } from '../../schemas/ledger.ts'
import { canonicalJson } from '../canonical/index.ts'
import { type Hash, sha3_256, sha3Tree } from '../merkle/index.ts'
import { toHex, utf8 } from './encoding.ts'

export type { Actor, EntryKind, LedgerEntry }

export interface SealedEntry {
  entry: LedgerEntry
  /** The canonical bytes' text: what is hashed, exported and verified. */
  text: string
  leaf: Hash
  /** Plain SHA3-256 of the canonical bytes (content address). */
  digest: Hash
  /** `leaf` and `digest` in hex, computed once: the next entry's `prev`, the stored digest, the receipt. */
  leafHex: string
  digestHex: string
}

/** Printable ASCII other than `"` and `\`: JSON writes such a string as it is, between quotes. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** A string's canonical text: quoted as is when plain, else JSON.stringify (well-formed) or canonicalJson (refuses). */
const stringText = (s: string): string =>
  PLAIN.test(s) ? `"${s}"` : s.isWellFormed() ? JSON.stringify(s) : canonicalJson(s)

/** Member names repeat in every entry and event: the text of short ones is kept (bounded; cleared when full). */
const names = new Map<string, string>()

function nameText(name: string): string {
  if (name.length > 64) return stringText(name)
  let text = names.get(name)
  if (text === undefined) {
    text = stringText(name)
    if (names.size >= 4096) names.clear()
    names.set(name, text)
  }
  return text
}

/**
 * The canonical text of a member value, or undefined for values JSON drops. Strings, numbers, booleans,
 * null and flat lists of them (most of an entry: its head, verdict, torsion, state vector, violation names)
 * are written here directly: for these RFC 8785 is ECMAScript's JSON.stringify, given well-formed strings and
 * finite numbers. Anything else, and any value JCS refuses (a lone surrogate, NaN), goes to `canonicalJson`,
 * which writes or refuses it exactly as before.
 */
function memberText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return stringText(value)
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : canonicalJson(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
  }
  if (value === null) return 'null'
  if (Array.isArray(value)) {
    const parts: string[] = []
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i]
      const text =
        typeof v === 'string'
          ? stringText(v)
          : typeof v === 'number' && Number.isFinite(v)
            ? JSON.stringify(v)
            : typeof v === 'boolean' || v === null
              ? String(v)
              : undefined
      if (text === undefined) return canonicalJson(value)
      parts.push(text)
    }
    return `[${parts.join(',')}]`
  }
  return canonicalJson(value)
}

/**
 * `canonicalJson({...members, ...parsed canonical})` for an object whose `canonical` members are already
 * canonical text, with primitive members written directly (see memberText). Equal to
 * functions/canonical's `canonicalObject` byte for byte (a property test holds them together).
 */
export function canonicalRecord(
  members: Record<string, unknown>,
  canonical: Record<string, string> = {},
): string {
  const keys = Object.keys(members)
  for (const k of Object.keys(canonical)) if (!Object.hasOwn(members, k)) keys.push(k)
  keys.sort()
  let out = ''
  for (const k of keys) {
    const text = Object.hasOwn(canonical, k) ? canonical[k] : memberText(members[k])
    if (text === undefined) continue
    out += `${out === '' ? '{' : ','}${nameText(k)}:${text}`
  }
  return out === '' ? '{}' : `${out}}`
}

/**
 * The chain link is the previous entry's *leaf* hash, H(0x00 || bytes): one hash per entry serves both
 * the chain and the Merkle tree, so verifying an export hashes each entry's bytes once. `canonicalData`
 * holds members of `entry.data` already in canonical text (an event canonicalised for its digest), so
 * they are not serialised twice; the bytes are the same either way. `byText` is `entry.by`'s canonical text.
 */
export function sealEntry(
  entry: LedgerEntry,
  canonicalData: Record<string, string> = {},
  byText?: string,
): SealedEntry {
  const { data, by, ...head } = entry
  const canonical: Record<string, string> = { data: canonicalRecord(data, canonicalData) }
  // `by` is the same for every entry of a transaction: the ledger passes its text, written once.
  if (by !== undefined) canonical.by = byText ?? canonicalRecord(by)
  const text = canonicalRecord(head, canonical)
  const bytes = utf8(text)
  const leaf = sha3Tree.leaf(bytes)
  const digest = sha3_256(bytes)
  return { entry, text, leaf, digest, leafHex: toHex(leaf), digestHex: toHex(digest) }
}
