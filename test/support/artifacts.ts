// Another organisation's holon for tests: its own Ed25519 key, a signed checkpoint and a signed rhizome artifact.
import { ed25519 } from '@noble/curves/ed25519.js'
import { encodeVerifierKey, signCheckpoint } from '../../functions/ledger/index.ts'
import { sha3Tree } from '../../functions/merkle/index.ts'
import { ARTIFACT_TYPE, type ArtifactInvariant, signArtifact } from '../../functions/rhizome/index.ts'

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
