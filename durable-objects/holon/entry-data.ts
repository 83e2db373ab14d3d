// What the holon's ledger entries record: its creation (kernel, key, policy, maybe a snapshot) and each event.
import type { CompiledKernel } from '../../functions/kernel/index.ts'
import type { VerificationPolicy } from '../../functions/ledger/index.ts'
import type { GateResult } from '../../schemas/evaluation.ts'
import type { Event, Override } from '../../schemas/event.ts'
import type { Db } from './db.ts'
import { HolonLedger } from './ledger.ts'
import type { Live } from './live.ts'

export function createdData(
  kernel: CompiledKernel,
  version: number,
  ledger: HolonLedger,
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
export function startLedger(db: Db, storage: DurableObjectStorage, l: Live, origin: string): void {
  const policy: VerificationPolicy = { level: 'full_audit', sample_rate: 1 }
  const meta = HolonLedger.newMeta(origin, policy)
  const at = new Date().toISOString()
  storage.transactionSync(() => {
    db.insertMany('meta', ['k', 'v'], meta)
    const ledger = new HolonLedger(db, l.holon, { ...l.meta, ...Object.fromEntries(meta) })
    const w = ledger.writer()
    const snapshot = {
      events: l.counts.events,
      aggregates: Object.fromEntries(l.kernel.aggregates.map((a, i) => [a.name, l.states[i]])),
      last_event: l.last?.event ?? null,
    }
    w.append('holon.created', createdData(l.kernel, l.version, ledger, policy, snapshot), at)
    w.seal(at)
  })
}
