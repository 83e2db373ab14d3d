// Another organisation's holon for tests: its own Ed25519 key, a signed checkpoint and a signed rhizome artifact.
import { ed25519 } from '@noble/curves/ed25519.js'
import { encodeVerifierKey, signCheckpoint } from '../../functions/ledger/index.ts'
import { sha3Tree } from '../../functions/merkle/index.ts'
import {
  ALERT_TYPE,
  ARTIFACT_TYPE,
  type ArtifactInvariant,
  signAlert,
  signArtifact,
} from '../../functions/rhizome/index.ts'

export interface PeerOptions {
  secret?: Uint8Array
  origin?: string
  version?: number
  digest?: string
  issued?: string
  invariants?: ArtifactInvariant[]
  /** Size of the checkpoint the artifact carries. */
  size?: number
}

export function peerArtifact(opts: PeerOptions = {}) {
  const secret = opts.secret ?? ed25519.utils.randomSecretKey()
  const origin = opts.origin ?? `peer-${Math.random().toString(36).slice(2)}.example/holons/coop`
  const checkpoint = signCheckpoint(
    { origin, size: opts.size ?? 1, root: sha3Tree.leaf(Uint8Array.of(1)) },
    secret,
  )
  const artifact = signArtifact(
    {
      type: ARTIFACT_TYPE,
      v: 1,
      mvk_id: 'circular-economy',
      holon: 'coop',
      origin,
      verifier_key: encodeVerifierKey(origin, ed25519.getPublicKey(secret)),
      kernel_version: opts.version ?? 1,
      kernel_digest: opts.digest ?? 'a'.repeat(64),
      invariants: opts.invariants ?? [{ name: 'Traceability', threshold: 1, weight: 2 }],
      checkpoint,
      issued_at: opts.issued ?? new Date().toISOString(),
    },
    (bytes) => ed25519.sign(bytes, secret),
  )
  return { artifact, secret, origin }
}

/** An ALERT from a peer holon, signed with its key. */
export function peerAlert(
  peer: { secret: Uint8Array; origin: string; artifact: { verifier_key: string } },
  issuedAt: string,
) {
  return signAlert(
    {
      type: ALERT_TYPE,
      v: 1,
      holon: 'coop',
      origin: peer.origin,
      verifier_key: peer.artifact.verifier_key,
      decision: 'ALERT',
      threat: 0.7,
      beat: 12,
      issued_at: issuedAt,
    },
    (bytes) => ed25519.sign(bytes, peer.secret),
  )
}
