// Rhizome artifacts: a holon's kernel terms (invariants, thresholds, weights), key and checkpoint, signed by the holon.
import { ed25519 } from '@noble/curves/ed25519.js'
import { canonicalJson } from '../canonical/index.ts'
import { fromBase64, NoteError, parseVerifierKey, toBase64, utf8, verifyCheckpoint } from '../ledger/index.ts'

export const ARTIFACT_TYPE = 'omega.rhizome.artifact'

export interface ArtifactInvariant {
  name: string
  threshold: number
  weight: number
}

export interface RhizomeArtifact {
  type: typeof ARTIFACT_TYPE
  v: 1
  /** The kernel's id (the MVK id). */
  mvk_id: string
  holon: string
  /** Ledger origin; also the key name of `verifier_key`. */
  origin: string
  verifier_key: string
  kernel_version: number
  kernel_digest: string
  /** In the kernel's dimension order. */
  invariants: ArtifactInvariant[]
  /** The holon's latest signed checkpoint when the artifact was issued. */
  checkpoint: string
  issued_at: string
  /** Ed25519 over the RFC 8785 canonical JSON of every other member, base64. */
  signature: string
}

export type UnsignedArtifact = Omit<RhizomeArtifact, 'signature'>

export class ArtifactError extends Error {
  override name = 'ArtifactError'
}

const signedBytes = (a: UnsignedArtifact) => utf8(canonicalJson({ ...a, signature: undefined }))

export function signArtifact(a: UnsignedArtifact, sign: (bytes: Uint8Array) => Uint8Array): RhizomeArtifact {
  return { ...a, signature: toBase64(sign(signedBytes(a))) }
}

/**
 * Self-certifying check: the signature verifies under the artifact's own key, the key's name is the
 * origin, and the checkpoint is signed by the same key. Whether that key is the one this peer is
 * known by is the receiver's pinning decision.
 */
export function verifyArtifact(a: RhizomeArtifact): void {
  if (a?.type !== ARTIFACT_TYPE || a.v !== 1) throw new ArtifactError('not a v1 rhizome artifact')
  let key: ReturnType<typeof parseVerifierKey>
  try {
    key = parseVerifierKey(a.verifier_key)
  } catch (e) {
    throw new ArtifactError(`verifier key: ${(e as Error).message}`)
  }
  if (key.name !== a.origin) throw new ArtifactError('the verifier key is not named after the origin')
  const sig = fromBase64(a.signature)
  const { signature: _, ...unsigned } = a
  if (sig?.length !== 64 || !ed25519.verify(sig, signedBytes(unsigned), key.publicKey)) {
    throw new ArtifactError('bad artifact signature')
  }
  try {
    verifyCheckpoint(a.checkpoint, a.verifier_key)
  } catch (e) {
    if (e instanceof NoteError) throw new ArtifactError(`checkpoint: ${e.message}`)
    throw e
  }
}
