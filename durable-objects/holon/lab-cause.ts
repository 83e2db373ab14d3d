// Kernel lab, root cause: the holon's attempted history read from SQLite, attribution, counterfactuals, rollback.
import { BudgetExceededError, type StepBudget } from '../../functions/budget/index.ts'
import {
  type CompiledKernel,
  checkKernelSource,
  compileKernel,
  type EventValue,
  type FoldState,
  foldValue,
  KernelCompileError,
} from '../../functions/kernel/index.ts'
import {
  attribute,
  causeBudget,
  counterfactual,
  finalOf,
  foldAll,
  type HistoryItem,
} from '../../functions/lab/cause/index.ts'
import type { Verdict } from '../../schemas/evaluation.ts'
import type { KernelSpec } from '../../schemas/kernel.ts'
import type {
  CauseDoc,
  CauseQuery,
  CounterfactualBody,
  CounterfactualDoc,
  RollbackDoc,
} from '../../schemas/lab-cause.ts'
import type { Db } from '../shared/db.ts'
import { budgetRefusal, fail, ok, type Reply } from '../shared/reply.ts'
import type { LedgerAppends, Sealed, SqlLedger } from '../shared/sql-ledger.ts'
import type { Live } from './live.ts'
import { EMPTY_FOLD } from './live.ts'
import { saveAggregates } from './store.ts'

/** Events in a default cause window (and before a refusal, the refused event included). */
export const CAUSE_WINDOW = 20

interface Deps {
  db: Db
  live: Readonly<Live>
  ledger: SqlLedger
}

const rangeError = (message: string) => fail({ code: 'ledger_range' as const, message })

/** Runs `f` on a fresh cause_steps budget; an exhausted budget or a bad kernel is a refusal, not an exception. */
function budgeted<T>(f: (budget: StepBudget) => Reply<T>): Reply<T> {
  try {
    return f(causeBudget())
  } catch (e) {
    if (e instanceof BudgetExceededError) return fail(budgetRefusal(e))
    if (e instanceof KernelCompileError) return fail({ code: 'kernel_invalid', issues: e.issues })
    throw e
  }
}

interface EventRow extends Record<string, SqlStorageValue> {
  seq: number
  body: string
  idx: number
}

/** Refuses (BudgetExceededError) before reading rows whose folding would not fit what is left of the budget. */
function refuseBeyond(budget: StepBudget, work: number): void {
  if (work > budget.limit - budget.spent) budget.spend(work)
}

/**
 * Committed events live at ledger index `at` (compensated only by a later rollback), in seq order, ledger index
 * `-1` for events older than the ledger. Refuses before reading when folding them would exceed the budget.
 */
function liveEventsAt(db: Db, at: number, budget: StepBudget, aggregates: number): EventRow[] {
  const n = Number(
    db.one<{ n: number }>(
      'SELECT count(*) AS n FROM events WHERE coalesce(ledger_index, -1) <= ? AND (compensated_by IS NULL OR compensated_by > ?)',
      at,
      at,
    )?.n ?? 0,
  )
  refuseBeyond(budget, n * Math.max(1, aggregates))
  return db.all<EventRow>(
    `SELECT seq, body, coalesce(ledger_index, -1) AS idx FROM events
     WHERE coalesce(ledger_index, -1) <= ? AND (compensated_by IS NULL OR compensated_by > ?) ORDER BY seq`,
    at,
    at,
  )
}

/** Kernels by version, compiled once per request. */
function kernels(db: Db, live: Readonly<Live>): (version: number) => CompiledKernel {
  const cache = new Map<number, CompiledKernel>([[live.version, live.kernel]])
  return (version) => {
    let k = cache.get(version)
    if (!k) {
      const row = db.one<{ spec: string }>('SELECT spec FROM kernels WHERE version = ?', version)
      k = row ? compileKernel(JSON.parse(row.spec) as KernelSpec, { stored: true }) : live.kernel
      cache.set(version, k)
    }
    return k
  }
}

/** GET .../lab/cause: the torsion change over (from, to], or the refusal at ledger index `refusal`. */
export function cause(deps: Deps, q: CauseQuery): Reply<CauseDoc> {
  const { db, live, ledger } = deps
  const size = ledger.size
  return budgeted<CauseDoc>((budget) => {
    if (q.refusal !== undefined) {
      const row = db.one<{ kind: string; body: string }>(
        'SELECT kind, body FROM ledger WHERE idx = ?',
        q.refusal,
      )
      if (row?.kind !== 'event.rejected')
        return rangeError(`ledger entry ${q.refusal} is not an event.rejected entry (ledger size ${size})`)
      const data = (JSON.parse(row.body) as { data: { event: EventValue; kernel_version: number } }).data
      const kernel = kernels(db, live)(Number(data.kernel_version))
      const prior = liveEventsAt(db, q.refusal, budget, kernel.aggregates.length)
      const split = Math.max(0, prior.length - (CAUSE_WINDOW - 1))
      const windowRows = prior.slice(split)
      return ok({
        holon: live.holon,
        kernel_version: Number(data.kernel_version),
        from: split > 0 ? (prior[split - 1] as EventRow).idx : 0,
        to: q.refusal,
        refusal: q.refusal,
        ...run(kernel, prior.slice(0, split), windowRows, { idx: q.refusal, event: data.event }, q, budget),
      })
    }
    const to = q.to ?? size - 1
    if (to >= size) return rangeError(`to ${to} is beyond the ledger (size ${size})`)
    if (q.from !== undefined && q.from > to) return rangeError(`from ${q.from} is after to ${to}`)
    const rows = liveEventsAt(db, to, budget, live.kernel.aggregates.length)
    const split =
      q.from === undefined
        ? Math.max(0, rows.length - CAUSE_WINDOW)
        : rows.findLastIndex((r) => r.idx <= (q.from as number)) + 1
    const from = q.from ?? (split > 0 ? (rows[split - 1] as EventRow).idx : 0)
    return ok({
      holon: live.holon,
      kernel_version: live.version,
      from,
      to,
      ...run(live.kernel, rows.slice(0, split), rows.slice(split), undefined, q, budget),
    })
  })
}

function run(
  kernel: CompiledKernel,
  before: EventRow[],
  window: EventRow[],
  refused: { idx: number; event: EventValue } | undefined,
  q: CauseQuery,
  budget: StepBudget,
) {
  const start = foldAll(
    kernel,
    before.map((r) => JSON.parse(r.body) as EventValue),
    budget,
  )
  const events = window.map((r) => JSON.parse(r.body) as EventValue)
  const indices = window.map((r) => r.idx)
  if (refused) {
    events.push(refused.event)
    indices.push(refused.idx)
  }
  const last = before.at(-1)
  return attribute(kernel, start, events, budget, {
    last: last && (JSON.parse(last.body) as EventValue),
    indices,
    samples: q.samples,
    seed: q.seed,
  })
}

/** The attempted history in ledger order: committed events (compensated ones marked) and refusals. */
export function history(db: Db, budget: StepBudget, aggregates: number): HistoryItem[] {
  const n = Number(
    db.one<{ n: number }>('SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM rejections) AS n')
      ?.n ?? 0,
  )
  refuseBeyond(budget, n * Math.max(1, aggregates))
  const committed = db
    .all<{
      seq: number
      body: string
      idx: number
      verdict: string
      torsion: number
      kernel_version: number
      compensated_by: number | null
    }>(
      `SELECT seq, body, coalesce(ledger_index, -1) AS idx, verdict, torsion, kernel_version, compensated_by
       FROM events ORDER BY seq`,
    )
    .map(
      (r): HistoryItem => ({
        index: r.idx,
        seq: r.seq,
        event: JSON.parse(r.body) as EventValue,
        verdict: r.verdict as Verdict,
        torsion: r.torsion,
        kernel_version: r.kernel_version,
        compensated: r.compensated_by !== null,
      }),
    )
  const rejected = db
    .all<{ idx: number; body: string; verdict: string; torsion: number; kernel_version: number }>(
      `SELECT r.ledger_index AS idx, l.body AS body, r.verdict, r.torsion, r.kernel_version
       FROM rejections r JOIN ledger l ON l.idx = r.ledger_index ORDER BY r.ledger_index`,
    )
    .map(
      (r): HistoryItem => ({
        index: r.idx,
        seq: null,
        event: (JSON.parse(r.body) as { data: { event: EventValue } }).data.event,
        verdict: r.verdict as Verdict,
        torsion: r.torsion,
        kernel_version: r.kernel_version,
      }),
    )
  return [...committed, ...rejected].sort((a, b) => a.index - b.index || (a.seq ?? 0) - (b.seq ?? 0))
}

/** POST .../lab/counterfactual: the history replayed without some events or under another kernel; a dry run. */
export function counterfactualOf(deps: Deps, body: CounterfactualBody): Reply<CounterfactualDoc> {
  const { db, live } = deps
  return budgeted<CounterfactualDoc>((budget) => {
    const versionOf = kernels(db, live)
    let kernel = live.kernel
    let label: CounterfactualDoc['kernel'] = 'as_gated'
    if (body.kernel_version !== undefined) {
      if (!db.one('SELECT version FROM kernels WHERE version = ?', body.kernel_version))
        return rangeError(`the holon has no kernel version ${body.kernel_version}`)
      kernel = versionOf(body.kernel_version)
      label = body.kernel_version
    } else if (body.kernel) {
      checkKernelSource(body.kernel) // an inline kernel is compiled per request: its source is bounded
      kernel = compileKernel(body.kernel)
      label = 'inline'
    }
    const items = history(db, budget, Math.max(kernel.aggregates.length, live.kernel.aggregates.length))
    const cf = counterfactual(
      {
        kernel,
        history: items,
        without: new Set(body.without ?? []),
        kernelOf: label === 'as_gated' ? versionOf : undefined,
        current: live.kernel,
        from: body.from,
        to: body.to,
      },
      budget,
    )
    return ok({ holon: live.holon, kernel: label, ...cf })
  })
}

/** Seq ranges [first, last] of a sorted list of seqs. */
function ranges(seqs: readonly number[]): [number, number][] {
  const out: [number, number][] = []
  for (const s of seqs) {
    const top = out.at(-1)
    if (top && top[1] === s - 1) top[1] = s
    else out.push([s, s])
  }
  return out
}

/**
 * POST .../rollback: compensates every live committed event after ledger index `toIndex` with one
 * `holon.rolled_back` entry; the aggregates become the fold of the kept events under the current kernel.
 * History is never rewritten: the events stay, marked `compensated_by` the entry's index. A pending kernel
 * rebuild restarts from the first event, since its partial folds may hold compensated events.
 */
export function rollback(
  deps: Deps & { transact: <T>(f: (appends: LedgerAppends) => T) => Sealed<T> },
  toIndex: number,
  reason: string,
): Reply<RollbackDoc> {
  const { db, live, ledger } = deps
  if (toIndex >= ledger.size)
    return rangeError(`to_index ${toIndex} is beyond the ledger (size ${ledger.size})`)
  return budgeted<RollbackDoc>((budget) => {
    const k = live.kernel
    const gone = db
      .all<{ seq: number }>(
        'SELECT seq FROM events WHERE ledger_index > ? AND compensated_by IS NULL ORDER BY seq',
        toIndex,
      )
      .map((r) => r.seq)
    const valuesOf = (states: readonly FoldState[]) =>
      Object.fromEntries(
        k.aggregates.map((a, i) => [a.name, foldValue(a.spec, states[i] as FoldState) ?? null]),
      )
    if (gone.length === 0) {
      return ok({
        holon: live.holon,
        to_index: toIndex,
        ledger_index: null,
        compensated: [],
        events: 0,
        aggregates: valuesOf(live.states),
        torsion: live.current.torsion,
        message: `no live event was committed after ledger index ${toIndex}: nothing compensated, no entry written`,
      })
    }
    const kept = liveEventsAt(db, toIndex, budget, k.aggregates.length).map(
      (r) => JSON.parse(r.body) as EventValue,
    )
    const states = foldAll(k, kept, budget)
    const compensated = ranges(gone)
    const sealed = deps.transact((appends) => {
      const index = appends.append('holon.rolled_back', {
        to_index: toIndex,
        reason,
        compensated,
        aggregates: Object.fromEntries(k.aggregates.map((a, i) => [a.name, states[i]])),
        events: gone.length,
      })
      db.run(
        'UPDATE events SET compensated_by = ? WHERE ledger_index > ? AND compensated_by IS NULL',
        index,
        toIndex,
      )
      saveAggregates(db, k, states)
      if (db.one("SELECT v FROM meta WHERE k = 'rebuild_version'")) {
        db.run('UPDATE rebuild SET state = ?', EMPTY_FOLD)
        db.run("UPDATE meta SET v = '0' WHERE k = 'rebuild_cursor'")
      }
      return index
    })
    const final = finalOf(k, states, kept.at(-1), budget)
    return ok({
      holon: live.holon,
      to_index: toIndex,
      ledger_index: sealed.value,
      compensated,
      events: gone.length,
      aggregates: final.aggregates,
      torsion: final.torsion,
      message: `${gone.length} event(s) compensated; aggregates are the fold of the kept events`,
    })
  })
}
