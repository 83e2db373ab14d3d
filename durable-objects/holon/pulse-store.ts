// The pulse's rows in SQLite: controller state, beat snapshots, KAIROS samples and witness entries.
import { Kairos, samplesToRebuild } from '../../functions/kairos/index.ts'
import { initialMemory, type PulseMemory } from '../../functions/pulse/index.ts'
import { type BeatSnapshot, type KairosConfig, PulseConfig, type WitnessPage } from '../../schemas/pulse.ts'
import type { Db } from '../shared/db.ts'

export interface PulseRow {
  running: boolean
  /** the last applied beat: a re-delivered alarm finds next_at in the future and applies nothing */
  beat: number
  next_at: number | null
  config: PulseConfig
  memory: PulseMemory
  /** last event seq / rejection seq the pulse has looked at */
  seen_seq: number
  seen_rejection: number
  collapsed: boolean
}

type Stored = {
  running: number
  beat: number
  next_at: number | null
  config: string
  memory: string
  seen_seq: number
  seen_rejection: number
  collapsed: number
}

export class PulseStore {
  private readonly db: Db

  constructor(db: Db) {
    this.db = db
  }

  load(): PulseRow {
    const r = this.db.one<Stored>('SELECT * FROM pulse WHERE id = 1')
    if (!r) {
      const config = PulseConfig.parse({})
      return {
        running: false,
        beat: 0,
        next_at: null,
        config,
        memory: initialMemory(config),
        seen_seq: this.maxSeq('events'),
        seen_rejection: this.maxSeq('rejections'),
        collapsed: false,
      }
    }
    return {
      running: r.running === 1,
      beat: r.beat,
      next_at: r.next_at,
      config: JSON.parse(r.config) as PulseConfig,
      memory: JSON.parse(r.memory) as PulseMemory,
      seen_seq: r.seen_seq,
      seen_rejection: r.seen_rejection,
      collapsed: r.collapsed === 1,
    }
  }

  save(p: PulseRow): void {
    this.db.run(
      `INSERT OR REPLACE INTO pulse (id, running, beat, next_at, config, memory, seen_seq, seen_rejection, collapsed)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)`,
      p.running ? 1 : 0,
      p.beat,
      p.next_at,
      JSON.stringify(p.config),
      JSON.stringify(p.memory),
      p.seen_seq,
      p.seen_rejection,
      p.collapsed ? 1 : 0,
    )
  }

  maxSeq(table: 'events' | 'rejections'): number {
    return Number(this.db.one<{ n: number | null }>(`SELECT max(seq) AS n FROM ${table}`)?.n ?? 0)
  }

  /** What the gate saw after the given seqs: violations of committed and refused events, refusals, overrides. */
  since(seq: number, rejection: number) {
    const e = this.db.one<{ v: number | null; o: number | null }>(
      `SELECT sum(json_array_length(result, '$.violations')) AS v, sum(override_reason IS NOT NULL) AS o
       FROM events WHERE seq > ?`,
      seq,
    )
    const r = this.db.one<{ n: number; v: number | null }>(
      "SELECT count(*) AS n, sum(json_array_length(result, '$.violations')) AS v FROM rejections WHERE seq > ?",
      rejection,
    )
    return {
      violations: Number(e?.v ?? 0) + Number(r?.v ?? 0),
      rejections: Number(r?.n ?? 0),
      overrides: Number(e?.o ?? 0),
    }
  }

  nextSample(): number {
    return Number(this.db.one<{ n: number | null }>('SELECT max(n) AS n FROM kairos_samples')?.n ?? 0) + 1
  }

  addSample(n: number, atMs: number, source: 'beat' | 'commit', phi: readonly number[]): void {
    this.db.run(
      'INSERT INTO kairos_samples (n, at_ms, source, phi) VALUES (?, ?, ?, ?)',
      n,
      atMs,
      source,
      JSON.stringify(phi),
    )
  }

  /** A KAIROS engine replayed from the samples at or before `atMs`: exactly the live engine's windows then. */
  rebuildKairos(
    config: KairosConfig,
    atMs = Number.MAX_SAFE_INTEGER,
  ): { engine: Kairos; lastAt: number | null } {
    const rows = this.db
      .all<{ n: number; at_ms: number; phi: string }>(
        'SELECT n, at_ms, phi FROM kairos_samples WHERE at_ms <= ? ORDER BY n DESC LIMIT ?',
        atMs,
        samplesToRebuild(config),
      )
      .reverse()
    const engine = new Kairos(config)
    for (const r of rows) engine.sample(JSON.parse(r.phi) as number[], r.n)
    const before = Number(
      this.db.one<{ c: number }>('SELECT count(*) AS c FROM kairos_samples WHERE at_ms <= ?', atMs)?.c,
    )
    engine.skip(before - rows.length)
    return { engine, lastAt: rows.at(-1)?.at_ms ?? null }
  }

  addBeat(s: BeatSnapshot, atMs: number): void {
    this.db.run(
      'INSERT INTO pulse_beats (beat, at_ms, body) VALUES (?, ?, ?)',
      s.beat,
      atMs,
      JSON.stringify(s),
    )
  }

  lastBeat(): BeatSnapshot | null {
    const r = this.db.one<{ body: string }>('SELECT body FROM pulse_beats ORDER BY beat DESC LIMIT 1')
    return r ? (JSON.parse(r.body) as BeatSnapshot) : null
  }

  beats(fromMs: number, toMs: number, limit: number): BeatSnapshot[] {
    return this.db
      .all<{ body: string }>(
        'SELECT body FROM pulse_beats WHERE at_ms >= ? AND at_ms <= ? ORDER BY beat LIMIT ?',
        fromMs,
        toMs,
        limit,
      )
      .map((r) => JSON.parse(r.body) as BeatSnapshot)
  }

  witness(from: number, limit: number): WitnessPage {
    const rows = this.db.all<{ idx: number; body: string }>(
      "SELECT idx, body FROM ledger WHERE kind LIKE 'witness.%' AND idx >= ? ORDER BY idx LIMIT ?",
      from,
      limit + 1,
    )
    const entries = rows.slice(0, limit).map((r) => {
      const e = JSON.parse(r.body) as { kind: string; at: string; data: Record<string, unknown> }
      return { index: r.idx, kind: e.kind, at: e.at, data: e.data }
    })
    const more = rows[limit]
    return { entries, next_cursor: more ? String(more.idx) : null }
  }
}
