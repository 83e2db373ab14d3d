// Holon alerts for peers: an ALERT or QUARANTINE decision of a holon's pulse, signed by the holon key.
import { ed25519 } from '@noble/curves/ed25519.js'
import { canonicalJson } from '../canonical/index.ts'
import { fromBase64, parseVerifierKey, toBase64, utf8 } from '../ledger/index.ts'
import { ArtifactError } from './artifact.ts'

export const ALERT_TYPE = 'omega.rhizome.alert'

export interface RhizomeAlert {
  type: typeof ALERT_TYPE
  v: 1
  holon: string
  origin: string
  verifier_key: string
  decision: 'ALERT' | 'QUARANTINE'
  threat: number
  beat: number
  issued_at: string
  /** Ed25519 over the RFC 8785 canonical JSON of every other member, base64. */
  signature: string
}

const signedBytes = (a: Omit<RhizomeAlert, 'signature'>) =>
  utf8(canonicalJson({ ...a, signature: undefined }))

export function signAlert(
  a: Omit<RhizomeAlert, 'signature'>,
  sign: (bytes: Uint8Array) => Uint8Array,
): RhizomeAlert {
  return { ...a, signature: toBase64(sign(signedBytes(a))) }
}

/** Verifies the signature under `verifierKey` (the receiver's pinned key for the origin). */
export function verifyAlert(a: RhizomeAlert, verifierKey: string): void {
  if (a?.type !== ALERT_TYPE || a.v !== 1) throw new ArtifactError('not a v1 rhizome alert')
  if (a.verifier_key !== verifierKey) throw new ArtifactError('not signed with the pinned key of that origin')
  const key = parseVerifierKey(verifierKey)
  if (key.name !== a.origin) throw new ArtifactError('the verifier key is not named after the origin')
  const sig = fromBase64(a.signature)
  const { signature: _, ...unsigned } = a
  if (sig?.length !== 64 || !ed25519.verify(sig, signedBytes(unsigned), key.publicKey)) {
    throw new ArtifactError('bad alert signature')
  }
}
