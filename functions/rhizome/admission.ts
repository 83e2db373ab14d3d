// Admission of a verified peer artifact against what is pinned for its origin: the replay and pinning rule,
// the same on the node (before gossip forwards it) and in the worker's registry (before it is ledgered).
import type { RhizomeArtifact } from './artifact.ts'

export type Admission = 'accepted' | 'duplicate' | 'replay' | 'key_mismatch' | 'conflict'

export type PinnedArtifact = Pick<
  RhizomeArtifact,
  'verifier_key' | 'kernel_version' | 'kernel_digest' | 'issued_at'
>

/**
 * The first key seen for an origin is pinned. Newer means a higher kernel version, or the same version (and
 * digest) issued later; the same issue again is a duplicate; anything older is a replay; two digests signed
 * for one version are a conflict.
 */
export function admit(
  a: RhizomeArtifact,
  pinned: PinnedArtifact | undefined,
): { outcome: Admission; detail?: string } {
  if (!pinned) return { outcome: 'accepted' }
  if (pinned.verifier_key !== a.verifier_key)
    return { outcome: 'key_mismatch', detail: `pinned key ${pinned.verifier_key}` }
  if (
    a.kernel_version < pinned.kernel_version ||
    (a.kernel_version === pinned.kernel_version && a.issued_at < pinned.issued_at)
  ) {
    return {
      outcome: 'replay',
      detail: `older than version ${pinned.kernel_version} issued ${pinned.issued_at}`,
    }
  }
  if (a.kernel_version === pinned.kernel_version && a.kernel_digest !== pinned.kernel_digest)
    return { outcome: 'conflict', detail: `two kernels signed as version ${a.kernel_version}` }
  if (a.issued_at === pinned.issued_at) return { outcome: 'duplicate' }
  return { outcome: 'accepted' }
}

/** An installation's ledger origin, from one of its holons' origins (`<installation>/holons/<id>`). */
export const installationOf = (origin: string): string => origin.replace(/\/holons\/[^/]+$/, '')
