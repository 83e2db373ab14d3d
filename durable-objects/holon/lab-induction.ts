// The holon's side of MS-Beta induction: proposals from its stored history, filed as ledgered kernel versions.
import { BudgetExceededError, type StepBudget } from '../../functions/budget/index.ts'
import {
  type CompiledKernel,
  compileKernel,
  type EventValue,
  type FoldState,
  initialAggregates,
  step,
} from '../../functions/kernel/index.ts'
import { type Induction, induce, type Proposal, proposedSpec } from '../../functions/lab/induction/index.ts'
import { KernelSpec } from '../../schemas/kernel.ts'
import type { InductionBody, KernelProposal } from '../../schemas/lab-induction.ts'
import type { Db } from '../shared/db.ts'
import { budgetRefusal, fail, ok, type Reply } from '../shared/reply.ts'
import type { LedgerAppends } from '../shared/sql-ledger.ts'
import type { Live } from './live.ts'

/** Rows read per query while folding the history before the window (no whole-history array in memory). */
const PAGE = 2000

export interface Induced {
  induction: Induction
  events: number
  firstSeq: number
}

/** Aggregates under `kernel` after every event with seq <= `through`, folded page by page from the start. */
function foldPrefix(db: Db, kernel: CompiledKernel, through: number, budget: StepBudget): FoldState[] {
  let states = initialAggregates(kernel)
  for (let after = 0; after < through; ) {
    const rows = db.all<{ seq: number; body: string }>(
      'SELECT seq, body FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
      after,
      through,
      PAGE,
    )
    if (rows.length === 0) break
    for (const r of rows) states = step(kernel, states, JSON.parse(r.body) as EventValue, budget).states
    after = (rows.at(-1) as { seq: number }).seq
  }
  return states
}

/**
 * Induction over the last `max_events` committed events under the active kernel (the aggregates before the
 * window folded from the earlier history). Computes only: nothing is written. A spent budget is a refusal.
 */
export function induceFromHistory(
  db: Db,
  live: Live,
  body: InductionBody,
  budget: StepBudget,
): Reply<Induced> {
  const total = Number(db.one<{ n: number }>('SELECT coalesce(max(seq), 0) AS n FROM events')?.n ?? 0)
  const through = Math.max(0, total - body.max_events)
  try {
    const start = through > 0 ? foldPrefix(db, live.kernel, through, budget) : undefined
    const rows = db.all<{ seq: number; body: string }>(
      'SELECT seq, body FROM events WHERE seq > ? ORDER BY seq',
      through,
    )
    budget.spend(rows.length)
    const events = rows.map((r) => JSON.parse(r.body) as EventValue)
    const before =
      through > 0 ? db.one<{ body: string }>('SELECT body FROM events WHERE seq = ?', through) : undefined
    const firstSeq = rows[0]?.seq ?? through + 1
    const induction = induce(
      {
        kernel: live.kernel,
        events,
        start,
        level: body.level,
        coverage: body.coverage,
        first_seq: firstSeq,
        before: before && (JSON.parse(before.body) as EventValue),
      },
      budget,
    )
    return ok({ induction, events: events.length, firstSeq })
  } catch (e) {
    if (!(e instanceof BudgetExceededError)) throw e
    return fail(budgetRefusal(e))
  }
}

interface ProposalRow extends Record<string, SqlStorageValue> {
  version: number
  digest: string
  status: string
  base_version: number
  kind: string
  evidence: string
  ledger_index: number
  created_at: string
}

const SELECT_PROPOSALS = `SELECT k.version, k.digest, k.status, p.base_version, p.kind, p.evidence, p.ledger_index,
  p.created_at FROM kernel_proposals p JOIN kernels k ON k.version = p.version`

const proposalOf = (r: ProposalRow, duplicate = false): KernelProposal => {
  const evidence = JSON.parse(r.evidence) as Pick<KernelProposal, 'proposal' | 'simulation'>
  return {
    version: r.version,
    ledger_index: r.ledger_index,
    digest: r.digest,
    kind: r.kind as KernelProposal['kind'],
    base_version: r.base_version,
    proposal: evidence.proposal,
    simulation: evidence.simulation,
    created_at: r.created_at,
    duplicate,
  }
}

/** The kernel a proposal installs, validated like an author's (a candidate past 256 invariants is dropped). */
function compiledProposal(spec: KernelSpec, p: Proposal): CompiledKernel | undefined {
  const parsed = KernelSpec.safeParse(proposedSpec(spec, p))
  if (!parsed.success) return undefined
  try {
    return compileKernel(parsed.data)
  } catch {
    return undefined
  }
}

/**
 * Files each proposal as a `proposed` kernel version with its `kernel.proposed` entry (the full kernel, as
 * installs record it, plus `origin: 'induction'` and the evidence). One already open with the same kernel
 * is answered, not filed again. Never touches the active kernel. Call inside the ledger's transaction.
 */
export function fileProposals(
  db: Db,
  live: Live,
  induced: Induction,
  appends: LedgerAppends,
): KernelProposal[] {
  const all: { kind: KernelProposal['kind']; p: Proposal & { simulation: KernelProposal['simulation'] } }[] =
    [
      ...induced.thresholds.map((p) => ({ kind: 'threshold' as const, p })),
      ...induced.candidates.map((p) => ({ kind: 'candidate' as const, p })),
    ]
  const out: KernelProposal[] = []
  for (const { kind, p } of all) {
    const { simulation, ...proposal } = p
    const kernel = compiledProposal(live.kernel.spec, proposal)
    if (!kernel) continue
    const open = db.one<ProposalRow>(
      `${SELECT_PROPOSALS} WHERE k.status = 'proposed' AND k.digest = ?`,
      kernel.digest,
    )
    if (open) {
      out.push(proposalOf(open, true))
      continue
    }
    const version = Number(db.one<{ v: number }>('SELECT max(version) AS v FROM kernels')?.v ?? 0) + 1
    const evidence = { proposal, simulation }
    const ledgerIndex = appends.append('kernel.proposed', {
      version,
      digest: kernel.digest,
      kernel: kernel.spec,
      dimensions: kernel.dimensions,
      origin: 'induction',
      base_version: live.version,
      kind,
      ...evidence,
    })
    db.run(
      "INSERT INTO kernels (version, digest, spec, status, created_at) VALUES (?, ?, ?, 'proposed', ?)",
      version,
      kernel.digest,
      JSON.stringify(kernel.spec),
      appends.at,
    )
    db.run(
      `INSERT INTO kernel_proposals (version, origin, base_version, kind, evidence, ledger_index, created_at)
       VALUES (?, 'induction', ?, ?, ?, ?, ?)`,
      version,
      live.version,
      kind,
      JSON.stringify(evidence),
      ledgerIndex,
      appends.at,
    )
    out.push({
      version,
      ledger_index: ledgerIndex,
      digest: kernel.digest,
      kind,
      base_version: live.version,
      proposal,
      simulation,
      created_at: appends.at,
      duplicate: false,
    })
  }
  return out
}

/** Proposals still waiting for a decision, oldest first. */
export const openProposals = (db: Db): KernelProposal[] =>
  db
    .all<ProposalRow>(`${SELECT_PROPOSALS} WHERE k.status = 'proposed' ORDER BY k.version`)
    .map((r) => proposalOf(r))

/**
 * Whether `version` is an open induced proposal made under the kernel active now. Activating one made under
 * an older kernel would silently undo the installs since: it is refused (induce again instead); rejecting it
 * is allowed (`activating` false).
 */
export function openProposal(db: Db, live: Live, version: number, activating = true): Reply<KernelProposal> {
  const r = db.one<ProposalRow>(`${SELECT_PROPOSALS} WHERE k.version = ?`, version)
  if (!r) return fail({ code: 'proposal_not_found', version })
  if (r.status !== 'proposed')
    return fail({
      code: 'proposal_closed',
      version,
      message: `kernel version ${version} is ${r.status}, no longer open`,
    })
  if (activating && r.base_version !== live.version)
    return fail({
      code: 'proposal_closed',
      version,
      message: `kernel version ${version} was induced under version ${r.base_version}; version ${live.version} is active now (induce again)`,
    })
  return ok(proposalOf(r))
}

/** The admin's decision, ledgered as `kernel.decided` and kept with the proposal. Call inside the transaction. */
export function decide(
  db: Db,
  version: number,
  decision: 'activated' | 'rejected',
  reason: string,
  appends: LedgerAppends,
): number {
  if (decision === 'rejected') db.run("UPDATE kernels SET status = 'abandoned' WHERE version = ?", version)
  db.run(
    'UPDATE kernel_proposals SET decision = ?, reason = ?, decided_at = ? WHERE version = ?',
    decision,
    reason,
    appends.at,
    version,
  )
  return appends.append('kernel.decided', { version, decision, reason })
}
