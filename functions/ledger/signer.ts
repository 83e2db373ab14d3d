// An Ed25519 signer that expands its secret key once (RFC 8032 5.1.5): each signature then costs one
// base-point multiplication instead of the three that deriving the key again per note costs.
import { ed25519 } from '@noble/curves/ed25519.js'
import { bytesToNumberLE, concatBytes } from '@noble/curves/utils.js'
import { sha512 } from '@noble/hashes/sha2.js'

export interface Signer {
  readonly publicKey: Uint8Array
  sign(message: Uint8Array): Uint8Array
}

/** Signatures identical to `ed25519.sign(message, secretKey)` (Ed25519 is deterministic). */
export function ed25519Signer(secretKey: Uint8Array): Signer {
  const { prefix, scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(secretKey)
  const { Fn, BASE } = ed25519.Point
  const hashToScalar = (...parts: Uint8Array[]) => Fn.create(bytesToNumberLE(sha512(concatBytes(...parts))))
  return {
    publicKey: pointBytes,
    sign(message) {
      const r = hashToScalar(prefix, message) // RFC 8032 5.1.6 step 2
      const R = BASE.multiply(r).toBytes()
      const k = hashToScalar(R, pointBytes, message)
      return concatBytes(R, Fn.toBytes(Fn.create(r + k * scalar)))
    },
  }
}

/** A raw secret key or a signer made from one. */
export const signerOf = (key: Uint8Array | Signer): Signer =>
  key instanceof Uint8Array ? ed25519Signer(key) : key
