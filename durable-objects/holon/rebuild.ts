// Kernel migration: a pending kernel's changed aggregates are refolded from history in bounded chunks.
import { type CompiledKernel, compileKernel, type FoldState, step } from '../../functions/kernel/index.ts'
import type { Rebuild } from '../../schemas/holon.ts'
import type { KernelSpec } from '../../schemas/kernel.ts'
import type { Db } from '../shared/db.ts'
import type { LedgerAppends } from '../shared/sql-ledger.ts'
import { EMPTY_FOLD as EMPTY } from './live.ts'

/**
 * The old kernel keeps gating commits while the new one's aggregates catch up; the switch happens in
 * the same transaction as the last chunk, so no commit is ever gated by half-built aggregates.
 */
export class Rebuilder {
  private cached?: { version: number; kernel: CompiledKernel }
  private isPending?: boolean

  private readonly db: Db
  private readonly chunk: number

  constructor(db: Db, chunk: number) {
    this.db = db
    this.chunk = chunk
  }

  private meta(k: string): number | undefined {
    const v = this.db.one<{ v: string }>('SELECT v FROM meta WHERE k = ?', k)?.v
    return v === undefined ? undefined : Number(v)
  }

  /**
   * Whether a rebuild is pending, remembered between calls: alarms ask on every beat, and a query
   * there was the beat path's heaviest line. Changed only by `start` and `runChunk`; `reset` after a
   * failed transaction makes the next call read SQLite again.
   */
  rebuilding(): boolean {
    this.isPending ??= this.meta('rebuild_version') !== undefined
    return this.isPending
  }

  reset(): void {
    this.isPending = undefined
  }

  progress(): Rebuild | undefined {
    const version = this.meta('rebuild_version')
    if (version === undefined) return undefined
    const total = Number(this.db.one<{ n: number }>('SELECT coalesce(max(seq), 0) AS n FROM events')?.n ?? 0)
    return { version, done: this.meta('rebuild_cursor') ?? 0, total }
  }

  /** Registers `next` as the pending kernel (replacing any earlier pending one). Call inside a transaction. */
  start(next: CompiledKernel, appends: LedgerAppends): { version: number; rebuilt: string[] } {
    const version = Number(this.db.one<{ v: number }>('SELECT max(version) AS v FROM kernels')?.v ?? 0) + 1
    const rebuilt = this.pend(next, version, appends.at)
    appends.append('kernel.proposed', {
      version,
      digest: next.digest,
      kernel: next.spec,
      dimensions: next.dimensions,
      rebuild: rebuilt,
    })
    return { version, rebuilt }
  }

  /**
   * Makes an already proposed version (status `proposed`, its `kernel.proposed` entry already in the ledger)
   * the pending kernel: no second entry, the same version. Undefined when no such proposal is open.
   */
  startProposed(version: number, appends: LedgerAppends): { version: number; rebuilt: string[] } | undefined {
    const row = this.db.one<{ spec: string }>(
      "SELECT spec FROM kernels WHERE version = ? AND status = 'proposed'",
      version,
    )
    if (!row) return undefined
    const next = compileKernel(JSON.parse(row.spec) as KernelSpec, { stored: true })
    return { version, rebuilt: this.pend(next, version, appends.at) }
  }

  /** The pending kernel's rows: its version row, the aggregates to refold and the cursor. */
  private pend(next: CompiledKernel, version: number, at: string): string[] {
    const digests = new Map(
      this.db
        .all<{ name: string; digest: string }>('SELECT name, digest FROM aggregates')
        .map((r) => [r.name, r.digest]),
    )
    const rebuilt = next.aggregates.filter((a) => digests.get(a.name) !== a.digest).map((a) => a.name)
    this.db.run("UPDATE kernels SET status = 'abandoned' WHERE status = 'pending'")
    this.db.run('DELETE FROM rebuild')
    this.db.run(
      `INSERT INTO kernels (version, digest, spec, status, created_at) VALUES (?, ?, ?, 'pending', ?)
       ON CONFLICT (version) DO UPDATE SET status = 'pending'`,
      version,
      next.digest,
      JSON.stringify(next.spec),
      at,
    )
    for (const name of rebuilt) {
      const a = next.aggregates.find((x) => x.name === name)
      this.db.run('INSERT INTO rebuild (name, digest, state) VALUES (?, ?, ?)', name, a?.digest ?? '', EMPTY)
    }
    this.db.run(
      "INSERT OR REPLACE INTO meta (k, v) VALUES ('rebuild_version', ?), ('rebuild_cursor', '0')",
      String(version),
    )
    this.cached = { version, kernel: next }
    this.isPending = true
    return rebuilt
  }

  private pending(version: number): CompiledKernel {
    if (this.cached?.version !== version) {
      const row = this.db.one<{ spec: string }>('SELECT spec FROM kernels WHERE version = ?', version)
      this.cached = {
        version,
        kernel: compileKernel(JSON.parse(row?.spec ?? 'null') as KernelSpec, { stored: true }),
      }
    }
    return this.cached.kernel
  }

  /** Folds the next chunk of history; activates the pending kernel when history is exhausted. Call inside a transaction. */
  runChunk(appends: LedgerAppends): boolean {
    const version = this.meta('rebuild_version')
    if (version === undefined) {
      this.isPending = false
      return true
    }
    const cursor = this.meta('rebuild_cursor') ?? 0
    const kernel = this.pending(version)
    const rows = this.db.all<{ name: string; state: string }>('SELECT name, state FROM rebuild')
    const names = new Set(rows.map((r) => r.name))
    const sub: CompiledKernel = { ...kernel, aggregates: kernel.aggregates.filter((a) => names.has(a.name)) }
    const saved = new Map(rows.map((r) => [r.name, r.state]))
    let states = sub.aggregates.map((a) => JSON.parse(saved.get(a.name) ?? EMPTY) as FoldState)
    const events = this.db.all<{ seq: number; body: string }>(
      'SELECT seq, body FROM events WHERE seq > ? AND compensated_by IS NULL ORDER BY seq LIMIT ?',
      cursor,
      this.chunk,
    )
    for (const e of events) states = step(sub, states, JSON.parse(e.body)).states
    const done = events.length < this.chunk
    sub.aggregates.forEach((a, i) => {
      this.db.run('UPDATE rebuild SET state = ? WHERE name = ?', JSON.stringify(states[i]), a.name)
    })
    const reached = events.at(-1)?.seq ?? cursor
    this.db.run("UPDATE meta SET v = ? WHERE k = 'rebuild_cursor'", String(reached))
    if (appends.due(`rebuild:${version}:${reached}`)) {
      appends.append('rebuild.progress', { version, done: reached, total: this.progress()?.total ?? reached })
    }
    if (done) {
      this.activate(kernel, version, appends.at)
      this.isPending = false
      appends.append('kernel.activated', { version, digest: kernel.digest })
    }
    return done
  }

  private activate(kernel: CompiledKernel, version: number, at: string): void {
    const current = new Map(
      this.db
        .all<{ name: string; state: string }>('SELECT name, state FROM aggregates')
        .map((r) => [r.name, r.state]),
    )
    const rebuilt = new Map(
      this.db
        .all<{ name: string; state: string }>('SELECT name, state FROM rebuild')
        .map((r) => [r.name, r.state]),
    )
    this.db.run("UPDATE kernels SET status = 'superseded' WHERE status = 'active'")
    this.db.run("UPDATE kernels SET status = 'active', activated_at = ? WHERE version = ?", at, version)
    this.db.run('DELETE FROM aggregates')
    for (const a of kernel.aggregates) {
      const state = rebuilt.get(a.name) ?? current.get(a.name) ?? EMPTY
      this.db.run('INSERT INTO aggregates (name, digest, state) VALUES (?, ?, ?)', a.name, a.digest, state)
    }
    this.db.run('DELETE FROM rebuild')
    this.db.run("DELETE FROM meta WHERE k IN ('rebuild_version', 'rebuild_cursor')")
  }
}
