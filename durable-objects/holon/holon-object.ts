// The holon Durable Object: kernel versions, event history and aggregates in SQLite, gated commits.
import { DurableObject } from 'cloudflare:workers'
import { canonicalJson, sha256Hex } from '../../functions/canonical/index.ts'
import {
  type CompiledKernel,
  compileKernel,
  gateBatch,
  KernelCompileError,
  kernelDigest,
} from '../../functions/kernel/index.ts'
import type { GateResult } from '../../schemas/evaluation.ts'
import type { Event, Override } from '../../schemas/event.ts'
import type {
  CommitReceipt,
  DryRun,
  EventResult,
  EventsPage,
  HolonInfo,
  KernelInstall,
  StateDoc,
} from '../../schemas/holon.ts'
import type { KernelSpec } from '../../schemas/kernel.ts'
import { Db } from './db.ts'
import { fail, ok, type Reply } from './failures.ts'
import { EVENT_COLUMNS, eventsPage } from './history.ts'
import { EMPTY_FOLD, evaluationOf, type Live, loadLive } from './live.ts'
import { migrate } from './migrations.ts'
import { Rebuilder } from './rebuild.ts'

type Incoming = { index: number; event: Event; body: string; digest: string }

const now = () => new Date().toISOString()
const resultOf = (r: GateResult, eventId: string, seq: number | null, duplicate: boolean): EventResult => ({
  event_id: eventId,
  seq,
  duplicate,
  ...r,
})

export class HolonObject extends DurableObject<Env> {
  private readonly db: Db
  private readonly rebuilder: Rebuilder
  private live?: Live

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.db = new Db(ctx.storage.sql)
    this.rebuilder = new Rebuilder(this.db, ctx.storage, Number(env.OMEGA_REBUILD_CHUNK ?? 2000))
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.transactionSync(() => migrate(ctx.storage.sql))
      this.live = loadLive(this.db)
    })
  }

  private compile(spec: KernelSpec): Reply<CompiledKernel> {
    try {
      return ok(compileKernel(spec))
    } catch (e) {
      if (e instanceof KernelCompileError) return fail({ code: 'kernel_invalid', issues: e.issues })
      throw e
    }
  }

  async create(holon: string, spec: KernelSpec): Promise<Reply<{ created: boolean; info: HolonInfo }>> {
    if (this.live) {
      if (this.live.kernel.digest !== kernelDigest(spec)) {
        return fail({ code: 'holon_exists', kernel_version: this.live.version })
      }
      return ok({ created: false, info: this.infoOf(this.live) })
    }
    const compiled = this.compile(spec)
    if (!compiled.ok) return compiled
    const at = now()
    const kernel = compiled.value
    this.ctx.storage.transactionSync(() => {
      this.db.run('INSERT INTO meta (k, v) VALUES (?, ?), (?, ?)', 'holon', holon, 'created_at', at)
      this.db.run(
        "INSERT INTO kernels (version, digest, spec, status, created_at, activated_at) VALUES (1, ?, ?, 'active', ?, ?)",
        kernel.digest,
        JSON.stringify(spec),
        at,
        at,
      )
      const rows = kernel.aggregates.map((a) => [a.name, a.digest, EMPTY_FOLD])
      this.db.insertMany('aggregates', ['name', 'digest', 'state'], rows)
    })
    this.live = loadLive(this.db)
    return ok({ created: true, info: this.infoOf(this.live as Live) })
  }

  async info(): Promise<Reply<HolonInfo>> {
    return this.live ? ok(this.infoOf(this.live)) : fail({ code: 'holon_not_found' })
  }

  private infoOf(l: Live): HolonInfo {
    const pending = this.rebuilder.progress()
    return {
      id: l.holon,
      created_at: l.createdAt,
      kernel: l.kernel.spec,
      kernel_version: l.version,
      kernel_digest: l.kernel.digest,
      events: l.counts.events,
      rejections: l.counts.rejections,
      overrides: l.counts.overrides,
      ...(pending && { pending_kernel: pending }),
    }
  }

  async state(): Promise<Reply<StateDoc>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    const pending = this.rebuilder.progress()
    return ok({
      holon: l.holon,
      kernel_id: l.kernel.spec.id,
      kernel_version: l.version,
      gate: l.kernel.gate,
      ...l.current,
      timestamp: now(),
      events: l.counts.events,
      last_event_id: l.last?.id ?? null,
      last_committed_at: l.last?.at ?? null,
      ...(pending && { pending_kernel: pending }),
    })
  }

  /** Installs a kernel version; changed aggregates are rebuilt from history in bounded chunks. */
  async installKernel(spec: KernelSpec): Promise<Reply<KernelInstall>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    const compiled = this.compile(spec)
    if (!compiled.ok) return compiled
    if (compiled.value.digest === l.kernel.digest && !this.rebuilder.progress()) {
      return ok({ version: l.version, status: 'unchanged', rebuilt_aggregates: [] })
    }
    const started = this.rebuilder.start(compiled.value, now())
    const done = await this.rebuildStep()
    const progress = this.rebuilder.progress()
    return ok({
      version: started.version,
      status: done ? 'active' : 'rebuilding',
      rebuilt_aggregates: started.rebuilt,
      ...(progress && { rebuild: progress }),
    })
  }

  /** One bounded chunk of a kernel rebuild; schedules the next one on the alarm. */
  private async rebuildStep(): Promise<boolean> {
    const done = this.rebuilder.runChunk(now())
    if (done) this.live = loadLive(this.db)
    else await this.ctx.storage.setAlarm(Date.now())
    return done
  }

  /** Alarms are at-least-once: a chunk is idempotent because its cursor moves in the same transaction. */
  override async alarm(): Promise<void> {
    if (this.rebuilder.progress()) await this.rebuildStep()
  }

  /** Dry run: the verdict for each event in order, as if committed; stores nothing. */
  async evaluate(events: Event[]): Promise<Reply<DryRun>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    const out = gateBatch(l.kernel, l.states, l.last?.event, events, false, l.current)
    const results = out.results.map((r, i) => resultOf(r, (events[i] as Event).id, null, false))
    return ok({ holon: l.holon, kernel_version: l.version, admitted: out.rejected === undefined, results })
  }

  /**
   * Gates and commits a batch all-or-nothing. Events already committed with the same content are
   * answered from the history (idempotent retries); the rest is gated in order. A refusal stores
   * only its rejection record; a success stores events and aggregates in one transaction.
   */
  async commit(events: Event[], override: Override | null): Promise<Reply<CommitReceipt>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    const prior = new Map(
      this.db
        .whereIn<{ id: string; seq: number; digest: string; result: string }>(
          'SELECT id, seq, digest, result FROM events WHERE id IN',
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
      results.push(seen && resultOf(JSON.parse(seen.result) as GateResult, event.id, seen.seq, true))
      if (!seen) fresh.push({ index, event, body, digest })
    }
    const batch = fresh.map((f) => f.event)
    const out = gateBatch(l.kernel, l.states, l.last?.event, batch, override !== null, l.current)
    const at = now()
    if (out.rejected !== undefined) {
      const bad = fresh[out.rejected] as Incoming
      const result = out.results[out.rejected] as GateResult
      this.db.insertMany(
        'rejections',
        ['event_id', 'digest', 'kernel_version', 'verdict', 'torsion', 'result', 'at'],
        [[bad.event.id, bad.digest, l.version, result.verdict, result.torsion, JSON.stringify(result), at]],
      )
      l.counts.rejections++
      return fail({ code: 'inadmissible', index: bad.index, event_id: bad.event.id, result })
    }
    const base = l.counts.events
    const rows = fresh.map((f, i): SqlStorageValue[] => {
      const r = out.results[i] as GateResult
      results[f.index] = resultOf(r, f.event.id, base + i + 1, false)
      const reason = r.verdict === 'admit_override' ? JSON.stringify(override) : null
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
      ]
    })
    if (fresh.length > 0) {
      this.ctx.storage.transactionSync(() => {
        this.db.insertMany('events', EVENT_COLUMNS, rows)
        l.kernel.aggregates.forEach((a, i) => {
          this.db.run('UPDATE aggregates SET state = ? WHERE name = ?', JSON.stringify(out.states[i]), a.name)
        })
      })
      const newest = fresh.at(-1) as Incoming
      l.states = out.states
      l.last = { id: newest.event.id, event: newest.event, at }
      l.current = evaluationOf(out.results.at(-1) as GateResult)
      l.counts.events += fresh.length
      l.counts.overrides += rows.filter((r) => r[8] !== null).length
    }
    return ok({
      holon: l.holon,
      kernel_version: l.version,
      committed: fresh.length,
      duplicates: events.length - fresh.length,
      results: results as EventResult[],
    })
  }

  async events(after: number, limit: number): Promise<Reply<EventsPage>> {
    return this.live ? ok(eventsPage(this.db, after, limit)) : fail({ code: 'holon_not_found' })
  }
}
