// Verification levels for high-rate system entries: none, a deterministic sample, or a full audit.
import { sha256 } from '@noble/hashes/sha2.js'
import type { VerificationPolicy } from '../../schemas/ledger.ts'
import { utf8 } from './encoding.ts'

export type { VerificationPolicy }

/**
 * Whether a system entry is due. Under `sample` the choice is a hash of (holon, key), so anyone holding
 * the policy can tell which entries had to be in the ledger; `key` names the occurrence, e.g. "rebuild:2:7".
 */
export function systemEntryDue(policy: VerificationPolicy, holon: string, key: string): boolean {
  if (policy.level === 'full_audit') return true
  if (policy.level === 'none') return false
  const h = sha256(utf8(`${holon}\n${key}`))
  const u =
    (((h[0] as number) << 24) | ((h[1] as number) << 16) | ((h[2] as number) << 8) | (h[3] as number)) >>> 0
  return u / 2 ** 32 < policy.sample_rate
}
