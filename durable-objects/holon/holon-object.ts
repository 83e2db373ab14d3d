// The holon Durable Object: kernel versions, event history and aggregates in SQLite, gated commits.
import { DurableObject } from 'cloudflare:workers'
import { canonicalJson, sha256Hex } from '../../functions/canonical/index.ts'
import {
  type CompiledKernel,
  compileKernel,
  currentState,
  type EventValue,
  type FoldState,
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
import { migrate } from './migrations.ts'
import { Rebuilder } from './rebuild.ts'

/** What the object keeps in memory between requests; always equal to what SQLite holds. */
interface Live {
  holon: string
  createdAt: string
  version: number
  kernel: CompiledKernel
  states: FoldState[]
  last?: { id: string; event: EventValue; at: string }
  counts: { events: number; rejections: number; overrides: number }
}

type Incoming = { index: number; event: Event; body: string; digest: string }

const now = () => new Date().toISOString()

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
      this.live = this.load()
    })
  }

  /** Rebuilds the in-memory view from SQLite (start-up, and after a kernel switch). */
  private load(): Live | undefined {
    const meta = Object.fromEntries(
      this.db.all<{ k: string; v: string }>('SELECT k, v FROM meta').map((r) => [r.k, r.v]),
    )
    if (!meta.holon) return undefined
    const k = this.db.one<{ version: number; spec: string }>(
      "SELECT version, spec FROM kernels WHERE status = 'active'",
    )
    if (!k) throw new Error('holon has no active kernel')
    const kernel = compileKernel(JSON.parse(k.spec) as KernelSpec)
    const stored = new Map(
      this.db
        .all<{ name: string; state: string }>('SELECT name, state FROM aggregates')
        .map((r) => [r.name, r.state]),
    )
    const states = kernel.aggregates.map(
      (a) => JSON.parse(stored.get(a.name) ?? '{"n":0,"v":0,"c":0}') as FoldState,
    )
    const last = this.db.one<{ id: string; body: string; committed_at: string }>(
      'SELECT id, body, committed_at FROM events ORDER BY seq DESC LIMIT 1',
    )
    const count = (q: string) => Number(this.db.one<{ n: number }>(q)?.n ?? 0)
    return {
      holon: meta.holon,
      createdAt: meta.created_at ?? '',
      version: k.version,
      kernel,
      states,
      last: last && { id: last.id, event: JSON.parse(last.body) as EventValue, at: last.committed_at },
      counts: {
        events: count('SELECT count(*) AS n FROM events'),
        rejections: count('SELECT count(*) AS n FROM rejections'),
        overrides: count('SELECT count(*) AS n FROM events WHERE override_reason IS NOT NULL'),
      },
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

  async create(holon: string, spec: KernelSpec): Promise<Reply<{ created: boolean; info: HolonInfo }>> {
    if (this.live) {
      if (this.live.kernel.digest === kernelDigest(spec))
        return ok({ created: false, info: this.infoOf(this.live) })
      return fail({ code: 'holon_exists', kernel_version: this.live.version })
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
      for (const a of kernel.aggregates) {
        this.db.run(
          'INSERT INTO aggregates (name, digest, state) VALUES (?, ?, ?)',
          a.name,
          a.digest,
          '{"n":0,"v":0,"c":0}',
        )
      }
    })
    this.live = this.load()
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
      ...currentState(l.kernel, l.states, l.last?.event),
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
    const done = this.rebuilder.runChunk(now())
    if (done) this.live = this.load()
    else await this.ctx.storage.setAlarm(Date.now())
    const progress = this.rebuilder.progress()
    return ok({
      version: started.version,
      status: done ? 'active' : 'rebuilding',
      rebuilt_aggregates: started.rebuilt,
      ...(progress && { rebuild: progress }),
    })
  }

  override async alarm(): Promise<void> {
    if (!this.rebuilder.progress()) return
    if (this.rebuilder.runChunk(now())) this.live = this.load()
    else await this.ctx.storage.setAlarm(Date.now())
  }

  /** Dry run: the verdict for each event in order, as if committed; stores nothing. */
  async evaluate(events: Event[]): Promise<Reply<DryRun>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    const out = gateBatch(l.kernel, l.states, l.last?.event, events, false)
    const results = out.results.map((r, i) => this.resultOf(r, (events[i] as Event).id, null, false))
    return ok({ holon: l.holon, kernel_version: l.version, admitted: out.rejected === undefined, results })
  }

  private resultOf(r: GateResult, eventId: string, seq: number | null, duplicate: boolean): EventResult {
    return { event_id: eventId, seq, duplicate, ...r }
  }

  /**
   * Gates and commits a batch all-or-nothing. Events already committed with the same content are
   * answered from the history (idempotent retries); the rest is gated in order. A refusal stores
   * only its rejection record; a success stores events and aggregates in one transaction.
   */
  async commit(events: Event[], override: Override | null): Promise<Reply<CommitReceipt>> {
    const l = this.live
    if (!l) return fail({ code: 'holon_not_found' })
    const results: (EventResult | undefined)[] = []
    const fresh: Incoming[] = []
    for (const [index, event] of events.entries()) {
      const body = canonicalJson(event)
      const digest = sha256Hex(body)
      const seen = this.db.one<{ seq: number; digest: string; result: string }>(
        'SELECT seq, digest, result FROM events WHERE id = ?',
        event.id,
      )
      if (!seen) {
        fresh.push({ index, event, body, digest })
        results.push(undefined)
      } else if (seen.digest !== digest) {
        return fail({ code: 'idempotency_conflict', index, event_id: event.id })
      } else {
        results.push(this.resultOf(JSON.parse(seen.result) as GateResult, event.id, seen.seq, true))
      }
    }
    const out = gateBatch(
      l.kernel,
      l.states,
      l.last?.event,
      fresh.map((f) => f.event),
      override !== null,
    )
    const at = now()
    if (out.rejected !== undefined) {
      const bad = fresh[out.rejected] as Incoming
      const result = out.results[out.rejected] as GateResult
      this.ctx.storage.transactionSync(() => {
        this.db.run(
          'INSERT INTO rejections (event_id, digest, kernel_version, verdict, torsion, result, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          bad.event.id,
          bad.digest,
          l.version,
          result.verdict,
          result.torsion,
          JSON.stringify(result),
          at,
        )
      })
      l.counts.rejections++
      return fail({ code: 'inadmissible', index: bad.index, event_id: bad.event.id, result })
    }
    const base = l.counts.events
    let overrides = 0
    this.ctx.storage.transactionSync(() => {
      fresh.forEach((f, i) => {
        const r = out.results[i] as GateResult
        const overridden = r.verdict === 'admit_override'
        if (overridden) overrides++
        this.db.run(
          `INSERT INTO events (seq, id, body, digest, kernel_version, verdict, torsion, result, override_reason, committed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          base + i + 1,
          f.event.id,
          f.body,
          f.digest,
          l.version,
          r.verdict,
          r.torsion,
          JSON.stringify(r),
          overridden ? JSON.stringify(override) : null,
          at,
        )
        results[f.index] = this.resultOf(r, f.event.id, base + i + 1, false)
      })
      if (fresh.length > 0) {
        l.kernel.aggregates.forEach((a, i) => {
          this.db.run('UPDATE aggregates SET state = ? WHERE name = ?', JSON.stringify(out.states[i]), a.name)
        })
      }
    })
    if (fresh.length > 0) {
      const newest = fresh.at(-1) as Incoming
      l.states = out.states
      l.last = { id: newest.event.id, event: newest.event, at }
      l.counts.events += fresh.length
      l.counts.overrides += overrides
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
    if (!this.live) return fail({ code: 'holon_not_found' })
    const rows = this.db.all<{
      seq: number
      body: string
      kernel_version: number
      verdict: string
      torsion: number
      override_reason: string | null
      committed_at: string
    }>(
      `SELECT seq, body, kernel_version, verdict, torsion, override_reason, committed_at
       FROM events WHERE seq > ? ORDER BY seq LIMIT ?`,
      after,
      limit + 1,
    )
    const page = rows.slice(0, limit)
    return ok({
      events: page.map((r) => ({
        seq: r.seq,
        event: JSON.parse(r.body) as Event,
        kernel_version: r.kernel_version,
        verdict: r.verdict,
        torsion: r.torsion,
        override: r.override_reason === null ? null : (JSON.parse(r.override_reason) as Override),
        committed_at: r.committed_at,
      })),
      next_cursor: rows.length > limit ? String(page.at(-1)?.seq) : null,
    })
  }
}
