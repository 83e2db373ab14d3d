// The orchestrator's rows: configuration, fleet, workloads, replicas, metric series and kept tick inputs.
import type { Health as HealthT } from '../../functions/mdp/index.ts'
import type { Assessed, ResolvedNode, TickInput } from '../../functions/orchestrator/index.ts'
import type { MetricsBatch, OrchestratorConfig, Replica, Workload } from '../../schemas/orchestrator.ts'
import type { Db } from '../shared/db.ts'

/** Tick inputs kept for replay: the newest ticks, at most this many and this many bytes (the newest always). */
export const KEPT_INPUTS = 48
export const KEPT_INPUT_BYTES = 32 * 1024 * 1024

export class OrchestratorStore {
  private readonly db: Db
  constructor(db: Db) {
    this.db = db
  }

  meta(key: string): string | undefined {
    return this.db.one<{ v: string }>('SELECT v FROM meta WHERE k = ?', key)?.v
  }
  metaAll(): Record<string, string> {
    return Object.fromEntries(
      this.db.all<{ k: string; v: string }>('SELECT k, v FROM meta').map((r) => [r.k, r.v]),
    )
  }
  setMeta(key: string, value: string): void {
    this.db.run('INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)', key, value)
  }
  deleteMeta(key: string): void {
    this.db.run('DELETE FROM meta WHERE k = ?', key)
  }

  config(): OrchestratorConfig | undefined {
    const c = this.meta('config')
    return c === undefined ? undefined : (JSON.parse(c) as OrchestratorConfig)
  }

  nodes(): ResolvedNode[] {
    return this.db.all<{ doc: string }>('SELECT doc FROM nodes ORDER BY id').map((r) => JSON.parse(r.doc))
  }
  ids(table: 'nodes' | 'workloads'): Set<string> {
    return new Set(this.db.all<{ id: string }>(`SELECT id FROM ${table}`).map((r) => r.id))
  }
  count(table: 'nodes' | 'workloads' | 'replicas'): number {
    return Number(this.db.one<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)?.n ?? 0)
  }
  replaceNodes(nodes: readonly ResolvedNode[]): void {
    this.db.run('DELETE FROM nodes')
    this.db.insertMany(
      'nodes',
      ['id', 'doc'],
      nodes.map((n) => [n.id, JSON.stringify(n)]),
    )
  }

  workloads(): Workload[] {
    return this.db.all<{ doc: string }>('SELECT doc FROM workloads ORDER BY id').map((r) => JSON.parse(r.doc))
  }
  lastChange(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const r of this.db.all<{ id: string; last_change: number | null }>(
      'SELECT id, last_change FROM workloads',
    ))
      if (r.last_change !== null) out[r.id] = r.last_change
    return out
  }
  upsertWorkloads(ws: readonly Workload[]): void {
    this.db.insertMany(
      'workloads',
      ['id', 'doc'],
      ws.map((w) => [w.id, JSON.stringify(w)]),
      'ON CONFLICT (id) DO UPDATE SET doc = excluded.doc',
    )
  }
  removeWorkloads(ids: readonly string[]): void {
    for (const id of ids) {
      this.db.run('DELETE FROM workloads WHERE id = ?', id)
      this.db.run('DELETE FROM replicas WHERE workload = ?', id)
      this.db.run('DELETE FROM demand WHERE workload = ?', id)
    }
  }
  markChanged(ids: readonly string[], tick: number): void {
    for (const id of ids) this.db.run('UPDATE workloads SET last_change = ? WHERE id = ?', tick, id)
  }

  replicas(): Replica[] {
    return this.db
      .all<{ workload: string; slot: number; node: string; coordinates: string; since_tick: number }>(
        'SELECT workload, slot, node, coordinates, since_tick FROM replicas ORDER BY workload, slot',
      )
      .map((r) => ({ ...r, coordinates: JSON.parse(r.coordinates) }))
  }
  replaceReplicas(rs: readonly Replica[]): void {
    this.db.run('DELETE FROM replicas')
    this.db.insertMany(
      'replicas',
      ['workload', 'slot', 'node', 'coordinates', 'since_tick'],
      rs.map((r) => [r.workload, r.slot, r.node, JSON.stringify(r.coordinates), r.since_tick]),
    )
  }

  /** Folds samples into per-step aggregates; steps older than the retention are dropped. */
  addSamples(batch: MetricsBatch, stepMs: number, nowMs: number, retention: number): number {
    const stepOf = (at: string | undefined) =>
      Math.floor((at === undefined ? nowMs : Date.parse(at)) / stepMs)
    let newest = Number.NEGATIVE_INFINITY
    for (const s of batch.workloads) {
      const step = stepOf(s.at)
      newest = Math.max(newest, step)
      this.db.run(
        `INSERT INTO demand (workload, step, rate_sum, n, latency_max, errors) VALUES (?, ?, ?, 1, ?, ?)
         ON CONFLICT (workload, step) DO UPDATE SET rate_sum = rate_sum + excluded.rate_sum, n = n + 1,
           latency_max = max(coalesce(latency_max, excluded.latency_max), coalesce(excluded.latency_max, latency_max)),
           errors = errors + excluded.errors`,
        s.workload,
        step,
        s.request_rate,
        s.latency_ms ?? null,
        s.errors ?? 0,
      )
    }
    for (const s of batch.nodes) {
      const step = stepOf(s.at)
      newest = Math.max(newest, step)
      this.db.run(
        `INSERT INTO node_obs (node, step, health, utilisation) VALUES (?, ?, ?, ?)
         ON CONFLICT (node, step) DO UPDATE SET health = coalesce(excluded.health, health),
           utilisation = coalesce(excluded.utilisation, utilisation)`,
        s.node,
        step,
        s.health ?? null,
        s.utilisation ?? null,
      )
      if (s.health) this.setHealth(s.node, s.health)
    }
    if (Number.isFinite(newest)) {
      this.db.run('DELETE FROM demand WHERE step <= ?', newest - retention)
      this.db.run('DELETE FROM node_obs WHERE step <= ?', newest - retention)
    }
    return batch.workloads.length + batch.nodes.length
  }

  /** A node's current health follows its newest sample. */
  private setHealth(node: string, health: HealthT): void {
    const row = this.db.one<{ doc: string }>('SELECT doc FROM nodes WHERE id = ?', node)
    if (!row) return
    const doc = JSON.parse(row.doc) as ResolvedNode
    if (doc.health !== health)
      this.db.run('UPDATE nodes SET doc = ? WHERE id = ?', JSON.stringify({ ...doc, health }), node)
  }

  /** Mean request rate per step for each workload up to `step`, gaps carried forward, at most `retention` steps. */
  series(
    step: number,
    retention: number,
  ): { demand: Record<string, number[]>; latency: Record<string, number | null> } {
    const demand: Record<string, number[]> = {}
    const latency: Record<string, number | null> = {}
    const rows = this.db.all<{ workload: string; step: number; mean: number; latency_max: number | null }>(
      'SELECT workload, step, rate_sum / n AS mean, latency_max FROM demand WHERE step > ? AND step <= ? ORDER BY workload, step',
      step - retention,
      step,
    )
    let i = 0
    while (i < rows.length) {
      const w = (rows[i] as (typeof rows)[number]).workload
      const out: number[] = []
      let prevStep = (rows[i] as (typeof rows)[number]).step
      let lastLatency: number | null = null
      for (; i < rows.length && (rows[i] as (typeof rows)[number]).workload === w; i++) {
        const r = rows[i] as (typeof rows)[number]
        for (let s = prevStep + 1; s < r.step; s++) out.push(out[out.length - 1] as number)
        out.push(r.mean)
        prevStep = r.step
        lastLatency = r.latency_max
      }
      demand[w] = out
      latency[w] = prevStep === step || prevStep === step - 1 ? lastLatency : null
    }
    return { demand, latency }
  }

  /** Health per step of each node (carried forward), ending with its current health; newest utilisation. */
  health(
    nodes: readonly ResolvedNode[],
    step: number,
    retention: number,
  ): { health: Record<string, HealthT[]>; utilisation: Record<string, number | null> } {
    const health: Record<string, HealthT[]> = {}
    const utilisation: Record<string, number | null> = {}
    for (const n of nodes) {
      health[n.id] = []
      utilisation[n.id] = null
    }
    const rows = this.db.all<{
      node: string
      step: number
      health: HealthT | null
      utilisation: number | null
    }>(
      'SELECT node, step, health, utilisation FROM node_obs WHERE step > ? AND step <= ? ORDER BY node, step',
      step - retention,
      step,
    )
    const last = new Map<string, number>()
    for (const r of rows) {
      const seq = health[r.node]
      if (!seq) continue
      const prev = last.get(r.node)
      if (r.health) {
        if (prev !== undefined)
          for (let s = prev + 1; s < r.step; s++) seq.push(seq[seq.length - 1] as HealthT)
        seq.push(r.health)
        last.set(r.node, r.step)
      }
      if (r.utilisation !== null) utilisation[r.node] = r.utilisation
    }
    for (const n of nodes) {
      const seq = health[n.id] as HealthT[]
      if (seq[seq.length - 1] !== n.health) seq.push(n.health)
    }
    return { health, utilisation }
  }

  /** A chunked tick's assessed workloads, kept until the tick finishes. */
  keepAssessed(tick: number, assessed: readonly Assessed[]): void {
    this.db.insertMany(
      'tick_work',
      ['tick', 'workload', 'assessed'],
      assessed.map((a) => [tick, a.plan.workload, JSON.stringify(a)]),
    )
  }
  assessed(tick: number): Assessed[] {
    return this.db
      .all<{ assessed: string }>('SELECT assessed FROM tick_work WHERE tick = ? ORDER BY rowid', tick)
      .map((r) => JSON.parse(r.assessed))
  }
  dropRunning(tick: number): void {
    this.db.run('DELETE FROM tick_work WHERE tick = ?', tick)
    this.deleteMeta('running')
    this.deleteMeta('running_by')
  }

  /** `ledgerIndex`: the tick's ledger entry, when the verification level ledgered it. */
  keepInputs(input: TickInput, planDigest: string, ledgerIndex: number | null = null): void {
    const text = JSON.stringify(input)
    this.db.run(
      'INSERT OR REPLACE INTO tick_inputs (tick, inputs, plan_digest, bytes, ledger_index) VALUES (?, ?, ?, ?, ?)',
      input.tick,
      text,
      planDigest,
      text.length,
      ledgerIndex,
    )
    this.db.run(
      `DELETE FROM tick_inputs WHERE tick < ? AND tick IN (
         SELECT tick FROM (SELECT tick, sum(bytes) OVER (ORDER BY tick DESC) AS total,
                                  row_number() OVER (ORDER BY tick DESC) AS n FROM tick_inputs)
         WHERE total > ? OR n > ?)`,
      input.tick,
      KEPT_INPUT_BYTES,
      KEPT_INPUTS,
    )
  }
  inputs(tick: number): { inputs: TickInput; plan_digest: string; ledger_index: number | null } | undefined {
    const r = this.db.one<{ inputs: string; plan_digest: string; ledger_index: number | null }>(
      'SELECT inputs, plan_digest, ledger_index FROM tick_inputs WHERE tick = ?',
      tick,
    )
    return r && { inputs: JSON.parse(r.inputs), plan_digest: r.plan_digest, ledger_index: r.ledger_index }
  }
  keptTicks(): number[] {
    return this.db.all<{ tick: number }>('SELECT tick FROM tick_inputs ORDER BY tick').map((r) => r.tick)
  }
}
