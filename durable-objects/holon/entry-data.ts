// What the holon's ledger entries record: its creation (kernel, key, policy, maybe a snapshot) and each event.
import type { CompiledKernel } from '../../functions/kernel/index.ts'
import type { VerificationPolicy } from '../../functions/ledger/index.ts'
import type { GateResult } from '../../schemas/evaluation.ts'
import type { Event, Override } from '../../schemas/event.ts'
import { FULL_AUDIT } from '../../schemas/ledger.ts'
import type { Db } from '../shared/db.ts'
import { SqlLedger } from '../shared/sql-ledger.ts'
import type { Live } from './live.ts'

export function createdData(
  kernel: CompiledKernel,
  version: number,
  ledger: SqlLedger,
  policy: VerificationPolicy,
  snapshot?: { events: number; aggregates: unknown; last_event: unknown },
): Record<string, unknown> {
  return {
    kernel: kernel.spec,
    dimensions: kernel.dimensions,
    kernel_version: version,
    kernel_digest: kernel.digest,
    origin: ledger.origin,
    verifier_key: ledger.verifierKey,
    verification: policy,
    ...(snapshot && { snapshot }),
  }
}

/** What an event's ledger entry records: the event itself, the gate's verdict and scores, any override. */
export function eventData(
  version: number,
  event: Event,
  r: GateResult,
  override: Override | null,
): Record<string, unknown> {
  return {
    event,
    kernel_version: version,
    verdict: r.verdict,
    torsion: r.torsion,
    state_vector: r.state_vector,
    violations: r.violations.map((v) => v.invariant),
    errors: r.errors,
    ...(override && { override }),
  }
}

/** A holon created before ledgers existed gets one, opened by a snapshot of its state at that moment. */
export function startLedger(db: Db, live: Live, origin: string): void {
  const meta = SqlLedger.newMeta(origin, FULL_AUDIT)
  const ledger = new SqlLedger(db, live.holon, { ...live.meta, ...Object.fromEntries(meta) })
  const snapshot = {
    events: live.counts.events,
    aggregates: Object.fromEntries(live.kernel.aggregates.map((a, i) => [a.name, live.states[i]])),
    last_event: live.last?.event ?? null,
  }
  ledger.transact((appends) => {
    db.insertMany('meta', ['k', 'v'], meta)
    appends.append('holon.created', createdData(live.kernel, live.version, ledger, FULL_AUDIT, snapshot))
  })
}
