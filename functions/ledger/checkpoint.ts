// C2SP tlog-checkpoint bodies (origin, size, base64 root) signed as notes by the holon's Ed25519 key.
import { ed25519 } from '@noble/curves/ed25519.js'
import type { Hash } from '../merkle/index.ts'
import { fromBase64, toBase64 } from './encoding.ts'
import { encodeVerifierKey, NoteError, openNote, parseVerifierKey, signNote } from './note.ts'
import type { Signer } from './signer.ts'

export interface Checkpoint {
  origin: string
  size: number
  root: Hash
}

const checkpointText = (c: Checkpoint): string => `${c.origin}\n${c.size}\n${toBase64(c.root)}\n`

export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n')
  const [origin, size, root] = lines
  if (lines.length < 4 || lines.at(-1) !== '' || !origin)
    throw new NoteError('checkpoint needs origin, size and root lines')
  if (!/^(0|[1-9][0-9]{0,15})$/.test(size ?? '') || !Number.isSafeInteger(Number(size))) {
    throw new NoteError('checkpoint size is not a decimal integer')
  }
  const hash = fromBase64(root ?? '')
  if (hash?.length !== 32) throw new NoteError('checkpoint root is not a base64 32-byte hash')
  return { origin, size: Number(size), root: hash }
}

export function signCheckpoint(c: Checkpoint, key: Uint8Array | Signer): string {
  return signNote(checkpointText(c), c.origin, key)
}

/** The verifier key of a holon: its origin is the key name. */
export const holonVerifierKey = (origin: string, secretKey: Uint8Array): string =>
  encodeVerifierKey(origin, ed25519.getPublicKey(secretKey))

/** Opens a signed checkpoint and requires a valid signature by `verifierKey`; throws NoteError otherwise. */
export function verifyCheckpoint(note: string, verifierKey: string): Checkpoint {
  const key = parseVerifierKey(verifierKey)
  const opened = openNote(note, [key])
  if (!opened.verifiedBy.includes(key.name)) throw new NoteError(`no signature by ${key.name}`)
  const c = parseCheckpoint(opened.text)
  if (c.origin !== key.name)
    throw new NoteError(`checkpoint origin '${c.origin}' is not the key's name '${key.name}'`)
  return c
}
