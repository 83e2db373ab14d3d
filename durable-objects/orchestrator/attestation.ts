// Placement attestations: each replica's point and its workload's affinity committed under Poseidon, the
// openings kept here, so `npm run prove` can show d(replica, affinity) <= max_distance without the coordinates.
import {
  circuitId,
  PlacementAttestError,
  type PlacementWitnessInput,
  placementHolds,
  placementStatement,
} from '../../functions/attestation/index.ts'
import { MAX_ATTESTED_PLACEMENTS } from '../../schemas/attestation.ts'
import type { Db } from '../shared/db.ts'
import { fail, ok, type Reply } from '../shared/reply.ts'
import type { LedgerAppends } from '../shared/sql-ledger.ts'
import type { OrchestratorRefusal } from './refusals.ts'
import type { OrchestratorStore } from './store.ts'

export interface PlacementAttestBody {
  max_distance: number
  workloads?: string[]
}

interface Item {
  workload: string
  slot: number
  node: string
  statement: ReturnType<typeof placementStatement>
}

/** One statement per current replica of the workloads, or every reason some cannot be proved. */
export function prepare(
  store: OrchestratorStore,
  body: PlacementAttestBody,
): Reply<Item[], OrchestratorRefusal> {
  const config = store.config()
  if (!config) return fail({ code: 'orchestrator_not_found' })
  const kappa = config.config.geometry.curvature
  const workloads = new Map(store.workloads().map((w) => [w.id, w]))
  const wanted = body.workloads ?? [...workloads.keys()].filter((id) => workloads.get(id)?.affinity)
  const unknown = wanted.filter((id) => !workloads.has(id))
  if (unknown.length) return fail({ code: 'unknown_ids', kind: 'workload', ids: unknown })
  const refusals: { workload: string; reason: string }[] = []
  const items: Item[] = []
  for (const id of wanted) {
    const affinity = workloads.get(id)?.affinity
    const replicas = store.replicas().filter((r) => r.workload === id)
    if (!affinity) refusals.push({ workload: id, reason: 'it has no affinity point' })
    else if (replicas.length === 0) refusals.push({ workload: id, reason: 'it has no replicas placed' })
    else
      for (const r of replicas) {
        try {
          const statement = placementStatement(r.coordinates, affinity, body.max_distance, kappa)
          const [qn, qd] = statement.publicSignals.slice(2).map(BigInt) as [bigint, bigint]
          if (placementHolds(statement.rounded.U, statement.rounded.V, qn, qd))
            items.push({ workload: id, slot: r.slot, node: r.node, statement })
          else
            refusals.push({
              workload: id,
              reason: `replica ${r.slot} on ${r.node} is farther than ${body.max_distance}`,
            })
        } catch (e) {
          if (!(e instanceof PlacementAttestError)) throw e
          refusals.push({ workload: id, reason: `replica ${r.slot} on ${r.node}: ${e.message}` })
        }
      }
  }
  if (wanted.length === 0) refusals.push({ workload: '*', reason: 'no workload has an affinity point' })
  if (items.length > MAX_ATTESTED_PLACEMENTS)
    refusals.push({
      workload: '*',
      reason: `${items.length} replicas; one attestation commits at most ${MAX_ATTESTED_PLACEMENTS}`,
    })
  if (refusals.length)
    return fail({
      code: 'attestation_refused',
      refusals: refusals.map((r) => ({ subject: r.workload, reason: r.reason })),
    })
  return ok(items)
}

/** Appends the `attestation.committed` entry (commitments only) and keeps the openings. In the transaction. */
export function record(
  db: Db,
  store: OrchestratorStore,
  body: PlacementAttestBody,
  items: Item[],
  appends: LedgerAppends,
) {
  const data = {
    circuit: circuitId('placement'),
    tick: Number(store.meta('tick') ?? 0),
    max_distance: body.max_distance,
    curvature: store.config()?.config.geometry.curvature ?? 1,
    placements: items.map((i) => ({
      workload: i.workload,
      slot: i.slot,
      node: i.node,
      replica: i.statement.publicSignals[0] as string,
      affinity: i.statement.publicSignals[1] as string,
    })),
  }
  const index = appends.append('attestation.committed', data)
  const doc = { orchestrator: store.meta('id') as string, ledger_index: index, ...data, at: appends.at }
  db.run(
    'INSERT INTO attestations (ledger_index, doc, opening) VALUES (?, ?, ?)',
    index,
    JSON.stringify(doc),
    JSON.stringify(items.map((i) => i.statement.witness)),
  )
  return doc
}

export type PlacementAttestation = ReturnType<typeof record>

export function opening(
  db: Db,
  index: number,
): Reply<PlacementAttestation & { witnesses: PlacementWitnessInput[] }, OrchestratorRefusal> {
  const r = db.one<{ doc: string; opening: string }>(
    'SELECT doc, opening FROM attestations WHERE ledger_index = ?',
    index,
  )
  if (!r) return fail({ code: 'attestation_not_found', index })
  return ok({ ...JSON.parse(r.doc), witnesses: JSON.parse(r.opening) })
}
