// Byte encodings used by the ledger: hex in JSON documents, standard base64 in signed notes.
export { bytesToHex as toHex, hexToBytes } from '@noble/hashes/utils.js'

export function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

/** Strict standard base64 (padding required); null when malformed. */
export function fromBase64(text: string): Uint8Array | null {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null
  const bin = atob(text)
  return Uint8Array.from(bin, (c) => c.charCodeAt(0))
}

/** One encoder for every call: constructing one per entry showed in the commit profile. */
const encoder = new TextEncoder()
export const utf8 = (s: string): Uint8Array => encoder.encode(s)
