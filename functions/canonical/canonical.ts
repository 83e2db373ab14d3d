// RFC 8785 (JCS) canonical JSON and digests of it: the byte form that hashes, ids and signatures use.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import canonicalize from 'canonicalize'

export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError'
}

/** Canonical JSON text; throws CanonicalJsonError for values JCS cannot represent (NaN, Infinity, lone surrogates). */
export function canonicalJson(value: unknown): string {
  let text: string | undefined
  try {
    text = canonicalize(value)
  } catch (e) {
    throw new CanonicalJsonError((e as Error).message)
  }
  if (text === undefined) throw new CanonicalJsonError('value has no JSON representation')
  return text
}

export const sha256Hex = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)))

/**
 * The same digest by the runtime's native SHA-256 (WebCrypto, in workerd and Node): several times faster
 * than the JavaScript one on the commit path, where every event's canonical text is digested.
 */
export const sha256HexNative = async (text: string): Promise<string> =>
  bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))))

const encoder = new TextEncoder()

/** SHA-256 of the canonical form, hex: a content id that is stable across key order and runtimes. */
export const contentDigest = (value: unknown): string => sha256Hex(canonicalJson(value))

/**
 * Canonical JSON of an object whose members listed in `canonical` are already canonical text (e.g. an
 * event canonicalised once for its digest and then embedded in a ledger entry): exactly
 * `canonicalJson({...members, ...parsed canonical})`, without serialising those members again.
 */
export function canonicalObject(
  members: Record<string, unknown>,
  canonical: Record<string, string> = {},
): string {
  const keys = [...new Set([...Object.keys(members), ...Object.keys(canonical)])].sort()
  const parts: string[] = []
  for (const k of keys) {
    const text = Object.hasOwn(canonical, k) ? canonical[k] : canonicalMember(members[k])
    if (text !== undefined) parts.push(`${canonicalJson(k)}:${text}`)
  }
  return `{${parts.join(',')}}`
}

/** A member's canonical text, or undefined for members JSON drops (undefined, functions). */
const canonicalMember = (value: unknown): string | undefined =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol'
    ? undefined
    : canonicalJson(value)
