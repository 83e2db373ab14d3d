// The holon's attestations: its aggregates committed under Poseidon (blinding kept here, never in the ledger).
import {
  ATTESTATION_ENTRY,
  circuitId,
  commitment,
  evaluateStatement,
  type KernelStatement,
  kernelStatement,
  OpeningError,
  openingFor,
  randomBlinding,
  StatementError,
} from '../../functions/attestation/index.ts'
import { aggView, score } from '../../functions/kernel/index.ts'
import type { Attestation, AttestationOpening } from '../../schemas/attestation.ts'
import type { Db } from '../shared/db.ts'
import { fail, ok, type Reply } from '../shared/reply.ts'
import type { LedgerAppends } from '../shared/sql-ledger.ts'
import type { Live } from './live.ts'

export interface Prepared {
  statement: KernelStatement
  opening: ReturnType<typeof openingFor>
  commitment: bigint
}

/**
 * The statement and a fresh opening of the current aggregates, or every reason it cannot be proved: an
 * invariant outside the circuit's class, a value out of its range, an invariant the gate finds violated, or one
 * the gate passes in doubles but that fails exactly on the committed values (a boundary or an infinity).
 */
export function prepare(live: Live, invariants?: readonly string[]): Reply<Prepared> {
  let statement: KernelStatement
  try {
    statement = kernelStatement(live.kernel.spec, invariants)
  } catch (e) {
    if (e instanceof StatementError) return fail({ code: 'attestation_refused', refusals: e.refusals })
    throw e
  }
  const agg = aggView(live.kernel, live.states)
  let opening: Prepared['opening']
  try {
    opening = openingFor(statement, agg, randomBlinding())
  } catch (e) {
    if (e instanceof OpeningError)
      return fail({ code: 'attestation_refused', refusals: [{ subject: '*', reason: e.message }] })
    throw e
  }
  const evaluation = score(live.kernel, agg, {})
  const exact = evaluateStatement(statement, opening)
  const refusals = statement.invariants.flatMap(({ name, threshold }, i) => {
    const v = evaluation.violations.find((x) => x.invariant === name)
    if (v) return [{ subject: name, reason: `violated now: score ${v.score} < threshold ${threshold}` }]
    if (!exact[i])
      return [
        {
          subject: name,
          reason:
            'the gate passes it in floating point, but it fails exactly on the committed values (a boundary case, or an infinity the statement does not model)',
        },
      ]
    return []
  })
  if (refusals.length) return fail({ code: 'attestation_refused', refusals })
  return ok({ statement, opening, commitment: commitment(opening) })
}

interface Row extends Record<string, SqlStorageValue> {
  ledger_index: number
  doc: string
  opening: string
}

/** Appends the `attestation.committed` entry and keeps the opening. Call inside the ledger's transaction. */
export function record(db: Db, live: Live, p: Prepared, appends: LedgerAppends): Attestation {
  const data = {
    circuit: circuitId('kernel'),
    kernel_version: live.version,
    kernel_digest: live.kernel.digest,
    events: live.counts.events,
    commitment: p.commitment.toString(),
    invariants: p.statement.invariants.map((i) => i.name),
    slots: p.statement.slots,
  }
  const index = appends.append(ATTESTATION_ENTRY, data)
  const doc: Attestation = {
    holon: live.holon,
    ledger_index: index,
    ...data,
    invariants: p.statement.invariants,
    at: appends.at,
  }
  const opening = {
    values: p.opening.values.map(String),
    present: p.opening.present,
    blinding: p.opening.blinding.toString(),
  }
  db.run(
    'INSERT INTO attestations (ledger_index, doc, opening) VALUES (?, ?, ?)',
    index,
    JSON.stringify(doc),
    JSON.stringify(opening),
  )
  return doc
}

export const list = (db: Db): Attestation[] =>
  db.all<Row>('SELECT doc FROM attestations ORDER BY ledger_index').map((r) => JSON.parse(r.doc))

/** The secret opening with the kernel the statement is built from (admin only, at the edge). */
export function opening(db: Db, index: number): Reply<AttestationOpening> {
  const r = db.one<Row>('SELECT doc, opening FROM attestations WHERE ledger_index = ?', index)
  if (!r) return fail({ code: 'attestation_not_found', index })
  const doc = JSON.parse(r.doc) as Attestation
  const k = db.one<{ spec: string }>('SELECT spec FROM kernels WHERE version = ?', doc.kernel_version)
  return ok({ ...doc, kernel: JSON.parse(k?.spec ?? '{}'), ...JSON.parse(r.opening) })
}
