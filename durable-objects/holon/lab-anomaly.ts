// Kernel lab, anomaly detection: the numeric series of a holon's recent committed events (torsion, an event
// member, or what an aggregate folds), read for the worker to run the detector on (functions/lab/anomaly).
import { BudgetExceededError } from '../../functions/budget/index.ts'
import { type CompiledKernel, celValue } from '../../functions/kernel/index.ts'
import { anomalyBudget } from '../../functions/lab/anomaly/index.ts'
import type { Db } from '../shared/db.ts'
import { budgetRefusal, fail, ok, type Reply } from '../shared/reply.ts'

export interface AnomalySeriesQuery {
  field?: string
  aggregate?: string
  limit: number
}

export interface AnomalySeries {
  source: string
  /** events read */
  events: number
  /** the points that gave a number, oldest first */
  seq: number[]
  committed_at: string[]
  values: number[]
}

export type AnomalySeriesRefusal =
  | { code: 'holon_not_found' }
  | { code: 'unknown_aggregate'; aggregate: string; known: string[] }
  | ReturnType<typeof budgetRefusal>

interface Row extends Record<string, SqlStorageValue> {
  seq: number
  body: string
  torsion: number
  committed_at: string
}

const numberOf = (v: unknown): number | null => {
  const x = typeof v === 'bigint' ? Number(v) : v
  return typeof x === 'number' && Number.isFinite(x) ? x : null
}

function member(event: unknown, path: readonly string[]): number | null {
  let v = event
  for (const p of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, p)) return null
    v = (v as Record<string, unknown>)[p]
  }
  return numberOf(v)
}

/** The newest `limit` events' values, oldest first; events without a number at the source are skipped. */
export function anomalySeries(
  db: Db,
  kernel: CompiledKernel,
  q: AnomalySeriesQuery,
): Reply<AnomalySeries, AnomalySeriesRefusal> {
  const agg = q.aggregate === undefined ? undefined : kernel.aggregates.find((a) => a.name === q.aggregate)
  if (q.aggregate !== undefined && !agg)
    return fail({
      code: 'unknown_aggregate',
      aggregate: q.aggregate,
      known: kernel.aggregates.map((a) => a.name),
    })
  const field = q.field ?? 'torsion'
  const rows = db
    .all<Row>('SELECT seq, body, torsion, committed_at FROM events ORDER BY seq DESC LIMIT ?', q.limit)
    .reverse()
  const out: AnomalySeries = {
    source: agg ? `aggregate.${agg.name}` : field === 'torsion' ? 'torsion' : `event.${field}`,
    events: rows.length,
    seq: [],
    committed_at: [],
    values: [],
  }
  const path = field.split('.')
  const budget = anomalyBudget()
  try {
    for (const r of rows) {
      let x: number | null
      if (agg) {
        const vars = { event: celValue(JSON.parse(r.body)) }
        try {
          if (agg.where && !agg.where(vars, budget)) continue
          x = agg.expr ? numberOf(agg.expr(vars, budget)) : 1
        } catch (e) {
          if (e instanceof BudgetExceededError) throw e
          x = null // the aggregate skipped this event too (its expression failed on it)
        }
      } else x = field === 'torsion' ? r.torsion : member(JSON.parse(r.body), path)
      if (x === null) continue
      out.seq.push(r.seq)
      out.committed_at.push(r.committed_at)
      out.values.push(x)
    }
  } catch (e) {
    if (e instanceof BudgetExceededError) return fail(budgetRefusal(e))
    throw e
  }
  return ok(out)
}
