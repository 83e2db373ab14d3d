// Committing events: idempotency, the gate, one transaction for events, aggregates and ledger entries, receipts.
import { canonicalJson, sha256Hex } from '../../functions/canonical/index.ts'
import { gateBatch } from '../../functions/kernel/index.ts'
import type { Receipt } from '../../functions/ledger/index.ts'
import type { GateResult } from '../../schemas/evaluation.ts'
import type { Event, Override } from '../../schemas/event.ts'
import type { CommitReceipt, EventResult } from '../../schemas/holon.ts'
import type { Db } from './db.ts'
import { eventData } from './entry-data.ts'
import { fail, ok, type Reply } from './failures.ts'
import { EVENT_COLUMNS } from './history.ts'
import type { HolonLedger, LedgerWriter } from './ledger.ts'
import { evaluationOf, type Live } from './live.ts'
import type { HolonPulse } from './pulse.ts'

export interface CommitDeps {
  db: Db
  live: Live
  ledger: HolonLedger
  pulse: HolonPulse
  /** Runs its argument in one storage transaction with a ledger writer, then seals a checkpoint. */
  ledgered: <T>(f: (w: LedgerWriter) => T) => { value: T; w: LedgerWriter }
}

type Incoming = { index: number; event: Event; body: string; digest: string }

const now = () => new Date().toISOString()

export const resultOf = (
  r: GateResult,
  eventId: string,
  seq: number | null,
  duplicate: boolean,
  receipt: Receipt | null,
): EventResult => ({ event_id: eventId, seq, duplicate, ...r, receipt })

/**
 * Gates and commits a batch all-or-nothing. Events already committed with the same content are
 * answered from the history (idempotent retries); the rest is gated in order. A refusal stores only
 * its rejection record; a success stores events, aggregates and ledger entries in one transaction.
 * Either way the ledger gets an entry and the caller a receipt.
 */
export function commitEvents(
  d: CommitDeps,
  events: Event[],
  override: Override | null,
): Reply<CommitReceipt> {
  const { live: l, ledger } = d
  const prior = new Map(
    d.db
      .whereIn<{ id: string; seq: number; digest: string; result: string; ledger_index: number }>(
        'SELECT id, seq, digest, result, ledger_index FROM events WHERE id IN',
        events.map((e) => e.id),
      )
      .map((r) => [r.id, r]),
  )
  const results: (EventResult | undefined)[] = []
  const fresh: Incoming[] = []
  for (const [index, event] of events.entries()) {
    const body = canonicalJson(event)
    const digest = sha256Hex(body)
    const seen = prior.get(event.id)
    if (seen && seen.digest !== digest)
      return fail({ code: 'idempotency_conflict', index, event_id: event.id })
    results.push(
      seen &&
        resultOf(JSON.parse(seen.result), event.id, seen.seq, true, ledger.receiptFor(seen.ledger_index)),
    )
    if (!seen) fresh.push({ index, event, body, digest })
  }
  const batch = fresh.map((f) => f.event)
  const out = gateBatch(
    l.kernel,
    l.states,
    l.last?.event,
    batch,
    override !== null,
    l.current,
    d.pulse.quarantined,
  )
  if (out.rejected !== undefined)
    return reject(d, fresh[out.rejected] as Incoming, out.results[out.rejected] as GateResult)
  const base = l.counts.events
  const at = now()
  const { value: sealed, w } = d.ledgered((w) => {
    const entries = fresh.map((f, i) => {
      const r = out.results[i] as GateResult
      const overridden = r.verdict === 'admit_override'
      return w.append('event.committed', eventData(l.version, f.event, r, overridden ? override : null), at)
    })
    const rows = fresh.map((f, i): SqlStorageValue[] => {
      const r = out.results[i] as GateResult
      const reason = r.verdict === 'admit_override' ? JSON.stringify(override) : null
      const index = (entries[i] as { entry: { index: number } }).entry.index
      return [
        base + i + 1,
        f.event.id,
        f.body,
        f.digest,
        l.version,
        r.verdict,
        r.torsion,
        JSON.stringify(r),
        reason,
        at,
        index,
      ]
    })
    d.db.insertMany('events', [...EVENT_COLUMNS, 'ledger_index'], rows)
    if (fresh.length > 0) {
      l.kernel.aggregates.forEach((a, i) => {
        d.db.run('UPDATE aggregates SET state = ? WHERE name = ?', JSON.stringify(out.states[i]), a.name)
      })
      d.pulse.sampleCommit((out.results.at(-1) as GateResult).state_vector, Date.parse(at))
    }
    return entries
  })
  const read = ledger.reader(w.created)
  fresh.forEach((f, i) => {
    const s = sealed[i] as (typeof sealed)[number]
    const receipt = ledger.receipt(w, s.entry.index, s, read)
    results[f.index] = resultOf(out.results[i] as GateResult, f.event.id, base + i + 1, false, receipt)
  })
  if (fresh.length > 0) {
    const newest = fresh.at(-1) as Incoming
    l.states = out.states
    l.last = { id: newest.event.id, event: newest.event, at }
    l.current = evaluationOf(out.results.at(-1) as GateResult)
    l.counts.events += fresh.length
    l.counts.overrides += out.results.filter((r) => r.verdict === 'admit_override').length
  }
  return ok({
    holon: l.holon,
    kernel_version: l.version,
    committed: fresh.length,
    duplicates: events.length - fresh.length,
    results: results as EventResult[],
  })
}

/** Records a refusal (rejection row + ledger entry) and answers it with the entry's receipt. */
function reject(d: CommitDeps, bad: Incoming, result: GateResult): Reply<never> {
  const { live: l, ledger } = d
  const at = now()
  const { value: sealed, w } = d.ledgered((w) => {
    const s = w.append('event.rejected', eventData(l.version, bad.event, result, null), at)
    d.db.insertMany(
      'rejections',
      ['event_id', 'digest', 'kernel_version', 'verdict', 'torsion', 'result', 'at', 'ledger_index'],
      [
        [
          bad.event.id,
          bad.digest,
          l.version,
          result.verdict,
          result.torsion,
          JSON.stringify(result),
          at,
          s.entry.index,
        ],
      ],
    )
    return s
  })
  l.counts.rejections++
  const receipt = ledger.receipt(w, sealed.entry.index, sealed, ledger.reader(w.created))
  return fail({
    code: 'inadmissible',
    index: bad.index,
    event_id: bad.event.id,
    result,
    receipt,
    quarantined: d.pulse.quarantined,
  })
}
