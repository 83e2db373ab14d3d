// The holon's rhizome artifact: its kernel terms, verifier key and latest checkpoint, signed by the holon key.
import { ARTIFACT_TYPE, type RhizomeArtifact, signArtifact } from '../../functions/rhizome/index.ts'
import type { SqlLedger } from '../shared/sql-ledger.ts'
import type { Live } from './live.ts'

export function holonArtifact(l: Live, ledger: SqlLedger, issuedAt: string): RhizomeArtifact {
  return signArtifact(
    {
      type: ARTIFACT_TYPE,
      v: 1,
      mvk_id: l.kernel.spec.id,
      holon: l.holon,
      origin: ledger.origin,
      verifier_key: ledger.verifierKey,
      kernel_version: l.version,
      kernel_digest: l.kernel.digest,
      invariants: l.kernel.invariants.map((i) => ({
        name: i.name,
        threshold: i.spec.threshold,
        weight: i.spec.weight,
      })),
      checkpoint: ledger.checkpoint().note,
      issued_at: issuedAt,
    },
    (bytes) => ledger.sign(bytes),
  )
}
