// The holon Durable Object: kernel versions, history, aggregates and ledger in SQLite, gated commits.
import { DurableObject } from 'cloudflare:workers'
import { BudgetExceededError } from '../../functions/budget/index.ts'
import {
  type CompiledKernel,
  compileKernel,
  KernelCompileError,
  kernelDigest,
} from '../../functions/kernel/index.ts'
import { inductionBudget } from '../../functions/lab/induction/index.ts'
import { beatMessage, hello } from '../../functions/live/index.ts'
import { type Explanation, explainEvent } from '../../functions/mcp/explain.ts'
import { PulseConfigError } from '../../functions/pulse/index.ts'
import type { RhizomeArtifact } from '../../functions/rhizome/index.ts'
import type { Attestation, AttestationList, AttestationOpening } from '../../schemas/attestation.ts'
import type { Event } from '../../schemas/event.ts'
import type { DryRun, EventsPage, HolonInfo, KernelInstall, StateDoc } from '../../schemas/holon.ts'
import type { KernelSpec } from '../../schemas/kernel.ts'
import type {
  CauseDoc,
  CauseQuery,
  CounterfactualBody,
  CounterfactualDoc,
  RollbackDoc,
} from '../../schemas/lab-cause.ts'
import type {
  InductionBody,
  OpenProposals,
  ProposalActivation,
  ProposalFiling,
  ProposalRejection,
} from '../../schemas/lab-induction.ts'
import type { StressJob, StressJobRequest } from '../../schemas/lab-stress.ts'
import {
  type Actor,
  type CheckpointDoc,
  type ConsistencyDoc,
  FULL_AUDIT,
  type InclusionDoc,
  type LedgerPage,
  type Receipt,
  type VerificationPolicy,
} from '../../schemas/ledger.ts'
import type { PulseBody, PulseDoc, TemporalDoc, WitnessPage } from '../../schemas/pulse.ts'
import { Db } from '../shared/db.ts'
import { migrate } from '../shared/migrations.ts'
import { budgetRefusal, fail, ok, type Reply } from '../shared/reply.ts'
import { type LedgerAppends, LedgerRangeError, type Sealed, SqlLedger } from '../shared/sql-ledger.ts'
import { holonArtifact } from './artifact.ts'
import * as attestation from './attestation.ts'
import { type CommitAnswer, type CommitOptions, commitEvents, gate, prepare, resultOf } from './commit.ts'
import { infoDoc, stateDoc } from './documents.ts'
import { createdData, startLedger } from './entry-data.ts'
import { announce, beatContext, forgetPulse, raiseAlert, reportPulse } from './federation-calls.ts'
import {
  type AnomalySeries,
  type AnomalySeriesQuery,
  type AnomalySeriesRefusal,
  anomalySeries,
} from './lab-anomaly.ts'
import { cause, counterfactualOf, rollback } from './lab-cause.ts'
import * as induction from './lab-induction.ts'
import { StressJobs } from './lab-stress.ts'
import * as docs from './ledger-docs.ts'
import { applyChange, type Live, loadLive } from './live.ts'
import { MIGRATIONS } from './migrations.ts'
import { HolonPulse } from './pulse.ts'
import { Rebuilder } from './rebuild.ts'
import { auditStatus, selfAudit } from './self-audit.ts'
import { changeMessage, LiveSockets } from './sockets.ts'
import { eventsPage, insertHolon } from './store.ts'
import * as temporal from './temporal.ts'

const now = () => new Date().toISOString()

export class HolonObject extends DurableObject<Env> {
  private readonly db: Db
  private readonly rebuilder: Rebuilder
  private live?: Live
  private ledger?: SqlLedger
  private issued?: { key: string; artifact: RhizomeArtifact }
  private pulse!: HolonPulse
  private readonly sockets: LiveSockets
  private readonly stressJobs: StressJobs

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.sockets = new LiveSockets(ctx)
    this.db = new Db(ctx.storage)
    this.rebuilder = new Rebuilder(this.db, Number(env.OMEGA_REBUILD_CHUNK ?? 2000))
    this.stressJobs = new StressJobs(this.db)
    ctx.blockConcurrencyWhile(async () => {
      this.db.transaction(() => migrate(ctx.storage.sql, MIGRATIONS))
      const live = loadLive(this.db)
      if (live && !live.meta.origin) startLedger(this.db, live, this.originOf(live.holon))
      this.reload()
      this.pulse = new HolonPulse(this.db)
    })
  }

  private originOf(holon: string): string {
    return `${this.env.OMEGA_LEDGER_ORIGIN || 'omega.local'}/holons/${holon}`
  }

  private reload(): Live | undefined {
    this.live = loadLive(this.db)
    this.ledger = this.live && new SqlLedger(this.db, this.live.holon, this.live.meta)
    return this.live
  }

  /** The ledger's transaction; a failed one also drops the pulse's and rebuilder's memory (reloaded from SQLite). */
  private transact<T>(f: (appends: LedgerAppends) => T, at?: string, by?: Actor): Sealed<T> {
    try {
      return (this.ledger as SqlLedger).transact(f, at, by)
    } catch (e) {
      this.pulse.reset()
      this.rebuilder.reset()
      throw e
    }
  }

  private compile(spec: KernelSpec): Reply<CompiledKernel> {
    try {
      return ok(compileKernel(spec))
    } catch (e) {
      if (e instanceof KernelCompileError) return fail({ code: 'kernel_invalid', issues: e.issues })
      throw e
    }
  }

  async create(
    holon: string,
    spec: KernelSpec,
    policy: VerificationPolicy = FULL_AUDIT,
    by?: Actor,
  ): Promise<Reply<{ created: boolean; info: HolonInfo }>> {
    if (this.live) {
      if (this.live.kernel.digest !== kernelDigest(spec)) {
        return fail({ code: 'holon_exists', kernel_version: this.live.version })
      }
      return ok({ created: false, info: this.infoOf(this.live) })
    }
    const compiled = this.compile(spec)
    if (!compiled.ok) return compiled
    const kernel = compiled.value
    const at = now()
    const meta: [string, string][] = [
      ['holon', holon],
      ['created_at', at],
      // The owner tenant: what the ledger records for the object's own entries (beats, rebuild chunks).
      ['tenant', by?.tenant ?? 'default'],
      ...SqlLedger.newMeta(this.originOf(holon), policy),
    ]
    const ledger = new SqlLedger(this.db, holon, Object.fromEntries(meta))
    ledger.transact(
      (appends) => {
        insertHolon(this.db, meta, kernel, at)
        appends.append('holon.created', createdData(kernel, 1, ledger, policy))
      },
      at,
      by,
    )
    const info = this.infoOf(this.reload() as Live)
    await this.announce()
    return ok({ created: true, info })
  }

  /** The signed rhizome artifact, on request. */
  async artifact(): Promise<Reply<RhizomeArtifact>> {
    if (!this.live || !this.ledger) return fail({ code: 'holon_not_found' })
    // Signing costs ~1 ms: an open read re-signs only when the kernel or the ledger moved.
    const key = `${this.live.version}:${this.ledger.size}`
    if (this.issued?.key !== key)
      this.issued = { key, artifact: holonArtifact(this.live, this.ledger, now()) }
    return ok(this.issued.artifact)
  }

  private async announce(): Promise<void> {
    if (this.live && this.ledger) await announce(this.env, holonArtifact(this.live, this.ledger, now()))
  }

  async info(): Promise<Reply<HolonInfo>> {
    return this.live ? ok(this.infoOf(this.live)) : fail({ code: 'holon_not_found' })
  }

  private infoOf(live: Live): HolonInfo {
    return infoDoc(live, this.ledger as SqlLedger, this.rebuilder.progress())
  }

  async state(): Promise<Reply<StateDoc>> {
    const live = this.live
    if (!live) return fail({ code: 'holon_not_found' })
    return ok(
      stateDoc(
        live,
        this.rebuilder.progress(),
        temporal.status(this.pulse, auditStatus(this.ctx.storage.kv)),
        now(),
      ),
    )
  }

  /** Installs a kernel version; changed aggregates are rebuilt from history in bounded chunks. */
  async installKernel(spec: KernelSpec, by?: Actor): Promise<Reply<KernelInstall>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    const compiled = this.compile(spec)
    if (!compiled.ok) return compiled
    if (compiled.value.digest === l.kernel.digest && !this.rebuilder.progress()) {
      return ok({ version: l.version, status: 'unchanged', rebuilt_aggregates: [] })
    }
    const { value: started } = this.transact(
      (appends) => this.rebuilder.start(compiled.value, appends),
      undefined,
      by,
    )
    return ok(await this.rebuildStarted(started.version, started.rebuilt))
  }

  /** After a kernel version became pending: its first rebuild chunk now, the rest on the alarm. */
  private async rebuildStarted(version: number, rebuilt: string[]): Promise<KernelInstall> {
    const done = await this.rebuildStep()
    await this.schedule()
    const progress = this.rebuilder.progress()
    return {
      version,
      status: done ? 'active' : 'rebuilding',
      rebuilt_aggregates: rebuilt,
      ...(progress && { rebuild: progress }),
    }
  }

  /** One bounded chunk of a kernel rebuild; the caller schedules the next one on the alarm. */
  private async rebuildStep(): Promise<boolean> {
    const { value: done } = this.transact((appends) => this.rebuilder.runChunk(appends))
    if (done) {
      this.reload()
      await this.announce()
    }
    return done
  }

  /**
   * One alarm serves a pending rebuild (due now), the pulse (due at its next beat) and a kernel-lab stress job
   * (due now while running): the earliest.
   */
  private async schedule(): Promise<void> {
    const stressing = this.stressJobs.running() ? Date.now() : null
    const times = [this.rebuilder.rebuilding() ? Date.now() : null, this.pulse.nextAt(), stressing].filter(
      (t): t is number => t !== null,
    )
    if (times.length === 0) await this.ctx.storage.deleteAlarm()
    else await this.ctx.storage.setAlarm(Math.min(...times))
  }

  /**
   * Alarms are at-least-once: a rebuild chunk is idempotent because its cursor moves in the same
   * transaction, and a beat because the beat counter and the next beat time move in the beat's own
   * transaction (a re-delivered alarm finds the next beat not yet due).
   */
  override async alarm(): Promise<void> {
    if (this.live && this.rebuilder.rebuilding()) await this.rebuildStep()
    const nowMs = Date.now()
    this.pulse.reload()
    if (this.live && this.pulse.due(nowMs)) {
      // The node's presence (P), the verified peer alerts since the last beat and the mesh's pulses.
      const { feed, view } = await beatContext(this.env, this.live.holon, this.pulse.alertCursor())
      // Read after the await: a pulse reconfiguration or a kernel activation may have landed meanwhile.
      const { live: l, ledger } = this
      if (l && ledger && this.pulse.due(nowMs)) {
        this.pulse.feed = feed
        this.pulse.mesh = view
        const at = new Date(nowMs).toISOString()
        const { value } = this.transact((appends) => this.pulse.beat(l, appends, nowMs), at)
        this.pulse.adopt(value.row)
        // The beat's self-audit: the next chunk of the holon's own ledger against its stored tree. It
        // reads and reports; a failure of its own must not fail the alarm (the beat is already stored).
        try {
          selfAudit(this.db, this.ctx.storage.kv, ledger)
        } catch (e) {
          console.error('ledger self-audit failed', e)
        }
        this.sockets.broadcast(() => beatMessage(l.holon, value.snapshot))
        const origin = this.env.OMEGA_LEDGER_ORIGIN || 'omega.local'
        const report = this.pulse.meshPulse(l.holon, origin, value.snapshot, nowMs)
        if (report) await reportPulse(this.env, report)
        await raiseAlert(this.env, ledger, l.holon, value.snapshot, at)
      }
    }
    // after the beat: a due beat waits for at most one stress chunk (about 200 ms of work)
    if (this.live && this.stressJobs.running()) this.stressJobs.runChunk(now())
    await this.schedule()
  }

  /** Starts, stops or configures the pulse (admin). */
  async configurePulse(body: PulseBody, by?: Actor): Promise<Reply<PulseDoc>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    try {
      const nowMs = Date.now()
      const { value } = this.transact(
        (appends) => this.pulse.configure(body, nowMs, appends),
        new Date(nowMs).toISOString(),
        by,
      )
      this.pulse.adopt(value)
      if (!value.running || value.config.mesh?.enabled === false) await forgetPulse(this.env, l.holon)
    } catch (e) {
      if (e instanceof PulseConfigError)
        return fail({ code: 'pulse_config', pointer: e.pointer, message: e.message })
      throw e
    }
    await this.schedule()
    return ok(this.pulse.doc(l.holon, l))
  }

  async pulseDoc(): Promise<Reply<PulseDoc>> {
    return this.live ? ok(this.pulse.doc(this.live.holon, this.live)) : fail({ code: 'holon_not_found' })
  }

  async temporal(fromMs: number, toMs: number, limit: number, atMs?: number): Promise<Reply<TemporalDoc>> {
    const l = this.live
    return l
      ? ok(temporal.temporalDoc(this.pulse, l.holon, fromMs, toMs, limit, atMs))
      : fail({ code: 'holon_not_found' })
  }

  async witness(from: number, limit: number): Promise<Reply<WitnessPage>> {
    return this.live ? ok(this.pulse.store.witness(from, limit)) : fail({ code: 'holon_not_found' })
  }

  /** Dry run: the verdict for each event in order, as if committed; stores nothing. */
  async evaluate(events: Event[]): Promise<Reply<DryRun>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    const gated = gate(l, events, {
      quarantined: this.pulse.quarantined,
      dissipating: this.pulse.dissipation() !== null,
    })
    if (!gated.ok) return gated
    const results = gated.value.results.map((r, i) => resultOf(r, (events[i] as Event).id, null, false, null))
    return ok({
      holon: l.holon,
      kernel_version: l.version,
      admitted: gated.value.rejected === undefined,
      results,
    })
  }

  /** Why the gate would refuse `event` and the nearest change that admits it (MCP explain_refusal); a dry run. */
  async explain(event: Event): Promise<Reply<Explanation>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    const options = { known: l.current, last: l.last?.event, quarantined: this.pulse.quarantined }
    try {
      return ok(explainEvent(l.kernel, l.states, event, options))
    } catch (e) {
      if (!(e instanceof BudgetExceededError)) throw e
      return fail(budgetRefusal(e))
    }
  }

  /**
   * Gates and commits a batch all-or-nothing (see commit.ts); the ledger gets an entry and the caller a
   * receipt (or, minimal, the entry's index). The answer travels as its JSON text: the worker sends it as
   * is instead of structured-cloning ~2 kB of receipt per event across RPC and serialising it again.
   */
  async commit(events: Event[], options: CommitOptions): Promise<Reply<CommitAnswer>> {
    if (!this.live) return fail({ code: 'holon_not_found' })
    const prepared = await prepare(events)
    // Read after the await: another call (a kernel activation) may have replaced them meanwhile.
    const { live, ledger, db, pulse } = this
    if (!live || !ledger) return fail({ code: 'holon_not_found' })
    const transact = <T>(f: (appends: LedgerAppends) => T) => this.transact(f, undefined, options.by)
    const { reply, change } = commitEvents({ db, live, ledger, pulse, transact }, prepared, options)
    if (change) applyChange(live, change)
    if (change) this.sockets.broadcast(() => changeMessage(live.holon, reply, change))
    return reply.ok ? ok({ committed: reply.value.committed, json: JSON.stringify(reply.value) }) : reply
  }

  /** The live channel (GET /v1/holons/{id}/live): the worker forwards the WebSocket upgrade here. */
  override async fetch(request: Request): Promise<Response> {
    const { live: l, ledger } = this
    const beat = temporal.status(this.pulse, null).beat
    return this.sockets.upgrade(request, l && ledger && hello(l.holon, l.counts.events, ledger.size, beat))
  }

  // The live channel's socket events (hibernation API: the object may have been evicted meanwhile).
  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    this.sockets.message(ws, message)
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    this.sockets.closed(ws, code, reason)
  }

  override webSocketError(ws: WebSocket): void {
    this.sockets.closed(ws, 1011, 'socket error')
  }

  /** The receipt of any entry against the latest checkpoint (a minimal writer's receipts, later). */
  async receipt(index: number): Promise<Reply<Receipt>> {
    return this.read((ledger) => ledger.receiptFor(index))
  }

  async events(after: number, limit: number): Promise<Reply<EventsPage>> {
    return this.live ? ok(eventsPage(this.db, after, limit)) : fail({ code: 'holon_not_found' })
  }

  /** Read-side ledger calls: an unknown holon or an out-of-range index is a refusal, not an exception. */
  private read<T>(f: (ledger: SqlLedger) => T): Reply<T> {
    if (!this.ledger) return fail({ code: 'holon_not_found' })
    try {
      return ok(f(this.ledger))
    } catch (e) {
      if (e instanceof LedgerRangeError) return fail({ code: 'ledger_range', message: e.message })
      throw e
    }
  }

  async ledgerPage(from: number, limit: number): Promise<Reply<LedgerPage>> {
    return this.read((ledger) => docs.page(ledger, from, limit))
  }

  async checkpoint(size?: number): Promise<Reply<CheckpointDoc>> {
    return this.read((ledger) => docs.checkpoint(ledger, size))
  }

  async inclusion(index: number, size?: number): Promise<Reply<InclusionDoc>> {
    return this.read((ledger) => docs.inclusion(ledger, index, size))
  }

  async consistency(from: number, to?: number): Promise<Reply<ConsistencyDoc>> {
    return this.read((ledger) => docs.consistency(ledger, from, to))
  }

  async exportLedger(from: number, to?: number): Promise<Reply<ReadableStream<Uint8Array>>> {
    return this.read((ledger) => ledger.exportStream(from, to ?? ledger.size))
  }

  // --- kernel lab: cause ---
  /** Root cause of a torsion change between two ledger indices, or of a refusal (lab-cause.ts); reads only. */
  async labCause(q: CauseQuery): Promise<Reply<CauseDoc>> {
    const { live, ledger, db } = this
    return live && ledger ? cause({ db, live, ledger }, q) : fail({ code: 'holon_not_found' })
  }

  /** The attempted history replayed without some events or under another kernel; changes nothing. */
  async labCounterfactual(body: CounterfactualBody): Promise<Reply<CounterfactualDoc>> {
    const { live, ledger, db } = this
    return live && ledger ? counterfactualOf({ db, live, ledger }, body) : fail({ code: 'holon_not_found' })
  }

  /** Ledgered compensation of every live event after `toIndex` (admin); the live view is reloaded after it. */
  async rollback(toIndex: number, reason: string, by?: Actor): Promise<Reply<RollbackDoc>> {
    const { live, ledger, db } = this
    if (!live || !ledger) return fail({ code: 'holon_not_found' })
    const transact = <T>(f: (appends: LedgerAppends) => T) => this.transact(f, undefined, by)
    const reply = rollback({ db, live, ledger, transact }, toIndex, reason)
    if (reply.ok && reply.value.ledger_index !== null) this.reload()
    return reply
  }

  // --- kernel lab: stress ---
  /** Starts a stress search against the active kernel and the current state (replacing a running one). */
  async labStressStart(req: StressJobRequest): Promise<Reply<StressJob>> {
    if (!this.live) return fail({ code: 'holon_not_found' })
    const r = this.stressJobs.start(this.live, req, now())
    await this.schedule()
    return r
  }

  async labStressGet(): Promise<Reply<StressJob | null>> {
    return this.live ? ok(this.stressJobs.doc()) : fail({ code: 'holon_not_found' })
  }

  async labStressCancel(): Promise<Reply<StressJob | null>> {
    if (!this.live) return fail({ code: 'holon_not_found' })
    const doc = this.stressJobs.cancel(now())
    await this.schedule()
    return ok(doc)
  }

  // --- kernel lab: anomaly ---
  /** The numeric series of the recent committed events the worker runs the anomaly detector on (read-only). */
  async labAnomalySeries(q: AnomalySeriesQuery): Promise<Reply<AnomalySeries, AnomalySeriesRefusal>> {
    return this.live ? anomalySeries(this.db, this.live.kernel, q) : fail({ code: 'holon_not_found' })
  }

  // --- kernel lab: induction ---
  /** Files proposals induced from the stored history as `proposed` kernel versions (write); never activates. */
  async proposeKernels(body: InductionBody, by?: Actor): Promise<Reply<ProposalFiling>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    const budget = inductionBudget()
    const induced = induction.induceFromHistory(this.db, l, body, budget)
    if (!induced.ok) return induced
    const { value: proposals } = this.transact(
      (appends) => induction.fileProposals(this.db, l, induced.value.induction, appends),
      undefined,
      by,
    )
    const { events, firstSeq } = induced.value
    const head = { holon: l.holon, kernel_version: l.version, events, first_seq: firstSeq }
    return ok({ ...head, coverage: body.coverage, level: body.level, steps: budget.spent, proposals })
  }

  async kernelProposals(): Promise<Reply<OpenProposals>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    return ok({ holon: l.holon, kernel_version: l.version, proposals: induction.openProposals(this.db) })
  }

  /** Activates an open proposal through the kernel path (pending, refold, `kernel.activated`) under its version. */
  async activateProposal(version: number, reason: string, by?: Actor): Promise<Reply<ProposalActivation>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    const open = induction.openProposal(this.db, l, version)
    if (!open.ok) return open
    const { value } = this.transact(
      (appends) => ({
        started: this.rebuilder.startProposed(version, appends),
        index: induction.decide(this.db, version, 'activated', reason, appends),
      }),
      undefined,
      by,
    )
    const started = await this.rebuildStarted(version, value.started?.rebuilt ?? [])
    return ok({ ...started, ledger_index: value.index })
  }

  async rejectProposal(version: number, reason: string, by?: Actor): Promise<Reply<ProposalRejection>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    const open = induction.openProposal(this.db, l, version, false)
    if (!open.ok) return open
    const { value } = this.transact(
      (appends) => induction.decide(this.db, version, 'rejected', reason, appends),
      undefined,
      by,
    )
    return ok({ version, status: 'abandoned', ledger_index: value })
  }
  // --- attestation (issue 15) ---
  /** Commits the current aggregates for a zero-knowledge proof (write); refuses, writing nothing, if unprovable. */
  async attest(invariants: readonly string[] | undefined, by?: Actor): Promise<Reply<Attestation>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    const p = attestation.prepare(l, invariants)
    if (!p.ok) return p
    return ok(
      this.transact((appends) => attestation.record(this.db, l, p.value, appends), undefined, by).value,
    )
  }

  async attestations(): Promise<Reply<AttestationList>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    return ok({ holon: l.holon, attestations: attestation.list(this.db) })
  }

  async attestationOpening(index: number): Promise<Reply<AttestationOpening>> {
    if (!this.live) return fail({ code: 'holon_not_found' })
    return attestation.opening(this.db, index)
  }
}
