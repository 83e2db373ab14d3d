// The holon's own documents: its info (metadata and ledger head) and its read-only dashboard state.
import { toBase64, toHex } from '../../functions/ledger/index.ts'
import type { HolonInfo, Rebuild, StateDoc } from '../../schemas/holon.ts'
import type { PulseStatus } from '../../schemas/pulse.ts'
import type { SqlLedger } from '../shared/sql-ledger.ts'
import type { Live } from './live.ts'

export function infoDoc(live: Live, ledger: SqlLedger, pending: Rebuild | undefined): HolonInfo {
  return {
    id: live.holon,
    created_at: live.createdAt,
    kernel: live.kernel.spec,
    kernel_version: live.version,
    kernel_digest: live.kernel.digest,
    events: live.counts.events,
    rejections: live.counts.rejections,
    overrides: live.counts.overrides,
    ...(pending && { pending_kernel: pending }),
    ledger: {
      origin: ledger.origin,
      verifier_key: ledger.verifierKey,
      public_key: toBase64(ledger.publicKey),
      size: ledger.size,
      root: toHex(ledger.root()),
      verification: ledger.policy,
    },
  }
}

export function stateDoc(live: Live, pending: Rebuild | undefined, pulse: PulseStatus, at: string): StateDoc {
  return {
    holon: live.holon,
    kernel_id: live.kernel.spec.id,
    kernel_version: live.version,
    gate: live.kernel.gate,
    ...live.current,
    timestamp: at,
    events: live.counts.events,
    last_event_id: live.last?.id ?? null,
    last_committed_at: live.last?.at ?? null,
    ...(pending && { pending_kernel: pending }),
    pulse,
  }
}
