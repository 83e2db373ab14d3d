// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, as read by golang.org/x/mod/sumdb/note.
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { fromBase64, toBase64, utf8 } from './encoding.ts'
import { type Signer, signerOf } from './signer.ts'

const ED25519 = 0x01

export class NoteError extends Error {
  override name = 'NoteError'
}

export interface VerifierKey {
  name: string
  keyHash: number
  publicKey: Uint8Array
}

const validName = (name: string) => name.length > 0 && !/[\s+]/u.test(name)

/** The 4-byte key hash: SHA-256(name || "\n" || 0x01 || public key), first four bytes, big-endian. */
function keyHash(name: string, publicKey: Uint8Array): number {
  const nameBytes = utf8(name)
  const buf = new Uint8Array(nameBytes.length + 2 + publicKey.length)
  buf.set(nameBytes, 0)
  buf[nameBytes.length] = 0x0a
  buf[nameBytes.length + 1] = ED25519
  buf.set(publicKey, nameBytes.length + 2)
  const h = sha256(buf)
  return (
    (((h[0] as number) << 24) | ((h[1] as number) << 16) | ((h[2] as number) << 8) | (h[3] as number)) >>> 0
  )
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0')

/** `name+hash+base64(0x01 || public key)`: the verifier key string tlog tooling takes. */
export function encodeVerifierKey(name: string, publicKey: Uint8Array): string {
  if (!validName(name)) throw new NoteError(`invalid key name '${name}'`)
  return `${name}+${hex8(keyHash(name, publicKey))}+${toBase64(Uint8Array.of(ED25519, ...publicKey))}`
}

export function parseVerifierKey(vkey: string): VerifierKey {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey)
  if (!m) throw new NoteError('verifier key is not name+hash+base64key')
  const [, name, hash, b64] = m as unknown as [string, string, string, string]
  const raw = fromBase64(b64)
  if (raw?.length !== 33 || raw[0] !== ED25519) throw new NoteError('verifier key is not an Ed25519 key')
  const publicKey = raw.slice(1)
  const kh = keyHash(name, publicKey)
  if (hex8(kh) !== hash) throw new NoteError('verifier key hash does not match its name and key')
  return { name, keyHash: kh, publicKey }
}

/** Signs `text` (which must end in a newline) as a note with one Ed25519 signature line. */
export function signNote(text: string, name: string, key: Uint8Array | Signer): string {
  if (!text.endsWith('\n') || text.includes('\n\n'))
    throw new NoteError('note text must end in a newline and have no blank line')
  const signer = signerOf(key)
  const sig = signer.sign(utf8(text))
  const kh = keyHash(name, signer.publicKey)
  const prefix = Uint8Array.of(kh >>> 24, (kh >>> 16) & 0xff, (kh >>> 8) & 0xff, kh & 0xff)
  return `${text}\n\u2014 ${name} ${toBase64(Uint8Array.of(...prefix, ...sig))}\n`
}

export interface OpenedNote {
  text: string
  /** Names of the given verifier keys whose signatures verified. */
  verifiedBy: string[]
  /** Signature lines from keys we were not given (kept, unverified). */
  unknown: string[]
}

const MAX_SIGNATURES = 100

/**
 * Opens a note as golang.org/x/mod/sumdb/note does: the text ends at the last blank line; every
 * signature line must be well formed; unknown keys are ignored; a known key's bad signature, an
 * ambiguous key, or no verifiable signature at all is an error (NoteError).
 */
export function openNote(note: string, keys: readonly VerifierKey[]): OpenedNote {
  const malformed = (why: string) => new NoteError(`malformed note: ${why}`)
  if ([...note].some((ch) => ch < ' ' && ch !== '\n')) throw malformed('control character')
  const split = note.lastIndexOf('\n\n')
  if (split < 0) throw malformed('no signature block')
  const text = note.slice(0, split + 1)
  const block = note.slice(split + 2)
  if (block === '' || !block.endsWith('\n')) throw malformed('signature block must end in a newline')
  const lines = [...new Set(block.slice(0, -1).split('\n'))]
  if (block.slice(0, -1).split('\n').length > MAX_SIGNATURES) throw malformed('too many signatures')
  const verifiedBy: string[] = []
  const unknown: string[] = []
  for (const line of lines) {
    if (!line.startsWith('\u2014 ')) throw malformed('signature line must start with an em dash')
    const rest = line.slice(2)
    const space = rest.indexOf(' ')
    const [name, b64] = space < 0 ? [rest, ''] : [rest.slice(0, space), rest.slice(space + 1)]
    const raw = fromBase64(b64)
    if (!validName(name) || !raw || raw.length < 5)
      throw malformed(`bad signature line ${JSON.stringify(line)}`)
    const kh =
      ((raw[0] as number) * 2 ** 24 +
        ((raw[1] as number) << 16) +
        ((raw[2] as number) << 8) +
        (raw[3] as number)) >>>
      0
    const matching = keys.filter((k) => k.name === name && k.keyHash === kh)
    if (matching.length > 1) throw new NoteError(`ambiguous key ${name}+${hex8(kh)}`)
    const key = matching[0]
    if (!key) {
      unknown.push(line)
      continue
    }
    const sig = raw.slice(4)
    if (sig.length !== 64 || !ed25519.verify(sig, utf8(text), key.publicKey)) {
      throw new NoteError(`invalid signature for key ${name}+${hex8(kh)}`)
    }
    if (!verifiedBy.includes(name)) verifiedBy.push(name)
  }
  if (verifiedBy.length === 0) throw new NoteError('note has no verifiable signatures')
  return { text, verifiedBy, unknown }
}
