// C2SP tlog-cosignature (Ed25519, type 0x04): a witness's timestamped signature over a checkpoint it checked.
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { fromBase64, toBase64, utf8 } from './encoding.ts'
import { NoteError } from './note.ts'

const COSIG = 0x04

/** Key ID: SHA-256(name || "\n" || 0x04 || public key)[:4], big-endian. */
export function cosignerKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(...utf8(name), 0x0a, COSIG, ...publicKey)).slice(0, 4)
}

/** The signed message: "cosignature/v1\ntime <t>\n" followed by the checkpoint body. */
const message = (checkpointBody: string, time: number) =>
  utf8(`cosignature/v1\ntime ${time}\n${checkpointBody}`)

/** A cosignature line `— <name> base64(keyID || u64 time || signature)` over a checkpoint body. */
export function cosign(checkpointBody: string, name: string, secretKey: Uint8Array, time: number): string {
  const id = cosignerKeyId(name, ed25519.getPublicKey(secretKey))
  const t = new Uint8Array(8)
  new DataView(t.buffer).setBigUint64(0, BigInt(time))
  const sig = ed25519.sign(message(checkpointBody, time), secretKey)
  return `\u2014 ${name} ${toBase64(Uint8Array.of(...id, ...t, ...sig))}`
}

/** Verifies a cosignature line by `name` with `publicKey`; returns its timestamp or throws NoteError. */
export function verifyCosignature(
  line: string,
  checkpointBody: string,
  name: string,
  publicKey: Uint8Array,
): number {
  const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line)
  if (!m || m[1] !== name) throw new NoteError('not a cosignature line by this witness')
  const raw = fromBase64(m[2] as string)
  if (raw?.length !== 76) throw new NoteError('an Ed25519 cosignature is 76 bytes')
  const id = cosignerKeyId(name, publicKey)
  if (!raw.slice(0, 4).every((b, i) => b === id[i])) throw new NoteError('cosignature key ID does not match')
  const time = Number(new DataView(raw.buffer, raw.byteOffset + 4, 8).getBigUint64(0))
  if (!ed25519.verify(raw.slice(12), message(checkpointBody, time), publicKey))
    throw new NoteError('bad cosignature')
  return time
}
