// Receipt and checkpoint verification inside the browser: SHA3-256 (bundled noble), Merkle inclusion (the
// project's RFC 9162 verifier), Ed25519 (WebCrypto). Nothing here asks the server whether something is valid.
import { sha3_256 } from '@noble/hashes/sha3.js'
import { canonicalJson } from '../../functions/canonical/canonical.ts'
import type { TreeHasher } from '../../functions/merkle/hasher.ts'
import { equalBytes, rootFromInclusion } from '../../functions/merkle/verify.ts'

export interface Receipt {
  holon: string
  index: number
  entry: { holon: string; index: number } & Record<string, unknown>
  entry_hash: string
  leaf_hash: string
  checkpoint: string
  inclusion: string[]
}

export interface Checkpoint {
  origin: string
  size: number
  root: Uint8Array
}

/** A named failure: which check did not hold. */
export class VerifyError extends Error {
  override name = 'VerifyError'
}

const utf8 = new TextEncoder()
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
const unhex = (s: string): Uint8Array => {
  if (!/^([0-9a-f]{2})*$/.test(s)) throw new VerifyError(`not lowercase hex: ${s.slice(0, 16)}`)
  return Uint8Array.from(s.match(/../g) ?? [], (p) => Number.parseInt(p, 16))
}
const unbase64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (c) => c.charCodeAt(0))
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** RFC 6962 tree hashing over SHA3-256, as holon ledgers hash (functions/merkle/hasher.ts sha3Tree). */
export const sha3Tree: TreeHasher = {
  name: 'sha3-256',
  leaf: (data) => sha3_256(concat(Uint8Array.of(0), data)),
  node: (l, r) => sha3_256(concat(Uint8Array.of(1), l, r)),
  empty: () => sha3_256(new Uint8Array(0)),
}

const keyHashOf = async (name: string, pub: Uint8Array) =>
  new Uint8Array(
    await crypto.subtle.digest('SHA-256', concat(utf8.encode(`${name}\n`), Uint8Array.of(1), pub)),
  )

/** `name+hash+base64(0x01 || key)`: checks the key hash, answers the name, hash bytes and public key. */
async function parseVerifierKey(vkey: string) {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey)
  if (!m) throw new VerifyError('verifier key is not name+hash+base64key')
  const [, name, hash, b64] = m as unknown as [string, string, string, string]
  const raw = unbase64(b64)
  if (raw.length !== 33 || raw[0] !== 1) throw new VerifyError('verifier key is not an Ed25519 key')
  const pub = raw.slice(1)
  const kh = (await keyHashOf(name, pub)).slice(0, 4)
  if (hex(kh) !== hash) throw new VerifyError('verifier key hash does not match its name and key')
  return { name, kh, pub }
}

/** Opens a C2SP signed checkpoint and checks the Ed25519 signature of `verifierKey` with WebCrypto. */
export async function verifyCheckpoint(note: string, verifierKey: string): Promise<Checkpoint> {
  const key = await parseVerifierKey(verifierKey)
  const cut = note.lastIndexOf('\n\n')
  if (cut < 0) throw new VerifyError('checkpoint note has no signature block')
  const text = note.slice(0, cut + 1)
  const sigs = note
    .slice(cut + 2)
    .split('\n')
    .filter(Boolean)
  const publicKey = await crypto.subtle.importKey('raw', key.pub, { name: 'Ed25519' }, false, ['verify'])
  let signed = false
  for (const line of sigs) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line)
    if (!m) throw new VerifyError('malformed signature line in the checkpoint')
    const raw = unbase64(m[2] as string)
    if (m[1] !== key.name || !equalBytes(raw.slice(0, 4), key.kh)) continue
    if (!(await crypto.subtle.verify('Ed25519', publicKey, raw.slice(4), utf8.encode(text))))
      throw new VerifyError(`the checkpoint signature by ${key.name} does not verify`)
    signed = true
  }
  if (!signed) throw new VerifyError(`the checkpoint carries no signature by ${key.name}`)
  const [origin, size, root] = text.split('\n')
  if (origin !== key.name) throw new VerifyError(`checkpoint origin '${origin}' is not the key's name`)
  if (!/^(0|[1-9][0-9]{0,15})$/.test(size ?? '')) throw new VerifyError('checkpoint size is not an integer')
  const rootBytes = unbase64(root ?? '')
  if (rootBytes.length !== 32) throw new VerifyError('checkpoint root is not a 32-byte hash')
  return { origin, size: Number(size), root: rootBytes }
}

/**
 * Checks one receipt end to end: the entry's canonical bytes hash to entry_hash and leaf_hash, the entry is
 * the one named, its checkpoint is signed by the holon key, and the inclusion proof leads to that root.
 */
export async function verifyReceipt(r: Receipt, verifierKey: string): Promise<Checkpoint> {
  const bytes = utf8.encode(canonicalJson(r.entry))
  const at = `receipt ${r.index}`
  if (hex(sha3_256(bytes)) !== r.entry_hash)
    throw new VerifyError(`${at}: entry_hash is not SHA3-256 of the entry`)
  const leaf = sha3Tree.leaf(bytes)
  if (hex(leaf) !== r.leaf_hash) throw new VerifyError(`${at}: leaf_hash is not the leaf hash of the entry`)
  if (r.entry.holon !== r.holon || r.entry.index !== r.index)
    throw new VerifyError(`${at}: the entry is not entry ${r.index} of ${r.holon}`)
  const cp = await verifyCheckpoint(r.checkpoint, verifierKey)
  const root = rootFromInclusion(sha3Tree, r.index, cp.size, leaf, r.inclusion.map(unhex))
  if (root === null || !equalBytes(root, cp.root))
    throw new VerifyError(`${at}: the inclusion proof does not lead to the checkpoint root (size ${cp.size})`)
  return cp
}

export const rootHex = (c: Checkpoint) => hex(c.root)
