// Committing events: idempotency, the gate, one ledger transaction for events, aggregates and entries, receipts.
import { BudgetExceededError } from '../../functions/budget/index.ts'
import { sha256HexNative } from '../../functions/canonical/index.ts'
import type { Dissipation } from '../../functions/kairos/index.ts'
import { type BatchOutcome, type GateBatchOptions, gateBatch } from '../../functions/kernel/index.ts'
import { type Actor, canonicalRecord, type Receipt, type SealedEntry } from '../../functions/ledger/index.ts'
import type { GateResult } from '../../schemas/evaluation.ts'
import type { Event, Override } from '../../schemas/event.ts'
import type { CommitReceipt, EventResult, MinimalCommit, MinimalResult } from '../../schemas/holon.ts'
import type { Db } from '../shared/db.ts'
import { budgetRefusal, fail, ok, type Reply } from '../shared/reply.ts'
import type { LedgerAppends, Sealed, SqlLedger } from '../shared/sql-ledger.ts'
import { eventData } from './entry-data.ts'
import { evaluationOf, type Live, type LiveChange } from './live.ts'
import type { HolonPulse } from './pulse.ts'
import { type CommittedEvent, insertEvents, insertRejection, priorEvents, saveAggregates } from './store.ts'

interface CommitDeps {
  db: Db
  live: Readonly<Live>
  ledger: SqlLedger
  pulse: HolonPulse
  /** The ledger's transaction (the object resets its pulse if it fails). */
  transact: <T>(f: (appends: LedgerAppends) => T) => Sealed<T>
}

/** What a commit answers, and what it changed in the live view (the object applies it). */
interface CommitOutcome {
  reply: Reply<CommitReceipt | MinimalCommit>
  change?: LiveChange
}

/** A successful commit as it crosses RPC: the answer's JSON text (CommitReceipt or MinimalCommit). */
export interface CommitAnswer {
  committed: number
  json: string
}

export interface CommitOptions {
  override: Override | null
  /**
   * `Prefer: return=minimal`: per event only its id, seq, verdict, torsion and ledger index, and the
   * checkpoint once; no receipts are built (a receipt is ~1.9 kB of the answer per event).
   */
  minimal: boolean
  /** Who commits (the worker passes the credential's tenant and key id); absent: the holon's `system`. */
  by?: Actor
}

/** An event with its canonical text (hashed once, embedded in its ledger entry) and that text's SHA-256. */
export interface Prepared {
  event: Event
  body: string
  digest: string
}

/** An event not committed before. */
interface Incoming extends Prepared {
  position: number
}

/**
 * Canonical text and digest of each event, before the synchronous commit: the digest by the runtime's
 * native SHA-256, which only an async call reaches (nothing here reads the object's state).
 */
export const prepare = (events: readonly Event[]): Promise<Prepared[]> =>
  Promise.all(
    events.map(async (event) => {
      // canonicalRecord = canonicalJson for objects (test/ledger/canonical-record.test.ts), faster on primitive members.
      const body = canonicalRecord(event)
      return { event, body, digest: await sha256HexNative(body) }
    }),
  )

/** An event's line in a `Prefer: return=minimal` answer. */
const minimalOf = (
  eventId: string,
  seq: number,
  duplicate: boolean,
  { verdict, torsion }: Pick<MinimalResult, 'verdict' | 'torsion'>,
  ledgerIndex: number,
): MinimalResult => ({ event_id: eventId, seq, duplicate, verdict, torsion, ledger_index: ledgerIndex })

export const resultOf = (
  result: GateResult,
  eventId: string,
  seq: number | null,
  duplicate: boolean,
  receipt: Receipt | null,
): EventResult => ({ event_id: eventId, seq, duplicate, ...result, receipt })

/** The gate, with a work budget exceeded answered as a refusal (errors lose their class across RPC). */
export function gate(
  live: Readonly<Live>,
  events: readonly Event[],
  options: GateBatchOptions,
): Reply<BatchOutcome> {
  try {
    return ok(
      gateBatch(live.kernel, live.states, events, {
        last: live.last?.event,
        known: live.current,
        ...options,
      }),
    )
  } catch (e) {
    if (!(e instanceof BudgetExceededError)) throw e
    return fail(budgetRefusal(e))
  }
}

/**
 * Gates and commits a batch all-or-nothing. Events already committed with the same content are
 * answered from the history (idempotent retries); the rest is gated in order. A refusal stores only
 * its rejection record; a success stores events, aggregates and ledger entries in one transaction.
 * Either way the ledger gets an entry and the caller a receipt.
 */
export function commitEvents(deps: CommitDeps, events: Prepared[], options: CommitOptions): CommitOutcome {
  const { live, ledger } = deps
  const { override, minimal } = options
  const prior = priorEvents(
    deps.db,
    events.map((e) => e.event.id),
  )
  const results: (EventResult | MinimalResult | undefined)[] = []
  const fresh: Incoming[] = []
  for (const [position, { event, body, digest }] of events.entries()) {
    const seen = prior.get(event.id)
    if (seen && seen.digest !== digest)
      return { reply: fail({ code: 'idempotency_conflict', index: position, event_id: event.id }) }
    if (!seen) {
      results.push(undefined)
      fresh.push({ position, event, body, digest })
    } else if (minimal) {
      results.push(minimalOf(event.id, seen.seq, true, seen, seen.ledger_index))
    } else {
      const receipt = ledger.receiptFor(seen.ledger_index)
      results.push(resultOf(JSON.parse(seen.result), event.id, seen.seq, true, receipt))
    }
  }
  // KAIROS incoherence under `gate: 'dissipate'` needs an override like quarantine (null when it does not act)
  const dissipating = deps.pulse.dissipation()
  const gated = gate(
    live,
    fresh.map((f) => f.event),
    { override: override !== null, quarantined: deps.pulse.quarantined, dissipating: dissipating !== null },
  )
  if (!gated.ok) return { reply: gated }
  const outcome = gated.value
  if (outcome.rejected !== undefined) {
    const refused = fresh[outcome.rejected] as Incoming
    return reject(deps, refused, outcome.results[outcome.rejected] as GateResult, dissipating)
  }
  const firstSeq = live.counts.events + 1
  const sealed = deps.transact((appends) => {
    const committed = fresh.map((incoming, i): CommittedEvent => {
      const result = outcome.results[i] as GateResult
      const reason = result.verdict === 'admit_override' ? override : null
      const ledgerIndex = appends.append(
        'event.committed',
        eventData(live.version, incoming.event, result, reason),
        { event: incoming.body },
      )
      return {
        ...incoming,
        seq: firstSeq + i,
        kernelVersion: live.version,
        result,
        override: reason,
        at: appends.at,
        ledgerIndex,
      }
    })
    insertEvents(deps.db, committed)
    if (fresh.length > 0) {
      saveAggregates(deps.db, live.kernel, outcome.states)
      deps.pulse.sampleCommit(
        (outcome.results.at(-1) as GateResult).state_vector,
        Date.parse(appends.at),
        appends,
        {
          first: firstSeq,
          last: firstSeq + fresh.length - 1,
        },
      )
    }
    return appends.at
  })
  // receipts for the events only, not for the witness entries sealed after them
  const receipts = minimal
    ? []
    : ledger.receipts({ ...sealed, entries: sealed.entries.slice(0, fresh.length) })
  fresh.forEach((incoming, i) => {
    const result = outcome.results[i] as GateResult
    const seq = firstSeq + i
    results[incoming.position] = minimal
      ? minimalOf(incoming.event.id, seq, false, result, (sealed.entries[i] as SealedEntry).entry.index)
      : resultOf(result, incoming.event.id, seq, false, receipts[i] ?? null)
  })
  const newest = fresh.at(-1)
  const change: LiveChange | undefined = newest && {
    kind: 'committed',
    states: outcome.states,
    last: { id: newest.event.id, event: newest.event, at: sealed.value },
    current: evaluationOf(outcome.results.at(-1) as GateResult),
    events: fresh.length,
    overrides: outcome.results.filter((r) => r.verdict === 'admit_override').length,
  }
  const head = {
    holon: live.holon,
    kernel_version: live.version,
    committed: fresh.length,
    duplicates: events.length - fresh.length,
  }
  if (minimal) {
    const checkpoint = sealed.checkpoint ?? ledger.latestCheckpoint()
    return { reply: ok({ ...head, checkpoint, results: results as MinimalResult[] }), change }
  }
  return { reply: ok({ ...head, results: results as EventResult[] }), change }
}

/** Records a refusal (rejection row + ledger entry) and answers it with the entry's receipt. */
function reject(
  deps: CommitDeps,
  refused: Incoming,
  result: GateResult,
  dissipating: Dissipation | null,
): CommitOutcome {
  const { live } = deps
  const sealed = deps.transact((appends) => {
    const ledgerIndex = appends.append(
      'event.rejected',
      eventData(live.version, refused.event, result, null),
      { event: refused.body },
    )
    insertRejection(deps.db, {
      event: refused.event,
      digest: refused.digest,
      kernelVersion: live.version,
      result,
      at: appends.at,
      ledgerIndex,
    })
  })
  const [receipt] = deps.ledger.receipts(sealed)
  return {
    reply: fail({
      code: 'inadmissible',
      index: refused.position,
      event_id: refused.event.id,
      result,
      receipt: receipt as Receipt,
      quarantined: deps.pulse.quarantined,
      dissipating,
    }),
    change: { kind: 'rejected' },
  }
}
