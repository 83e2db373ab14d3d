// The pulse's rows in SQLite: controller state, beat snapshots, KAIROS samples and witness entries.
import { Kairos, stepOf, stepsToRebuild, type WitnessHash } from '../../functions/kairos/index.ts'
import { initialMemory, type PulseMemory } from '../../functions/pulse/index.ts'
import {
  type BeatSnapshot,
  type KairosConfig,
  PulseConfig,
  readPulseConfig,
  type WitnessPage,
} from '../../schemas/pulse.ts'
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
      config: readPulseConfig(JSON.parse(r.config)),
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

  /**
   * Stores a KAIROS sample and returns its number and time. Times are kept non-decreasing in sample order
   * (a clock that went back is held at the latest time), so a time range of rows is a range of samples.
   */
  addSample(atMs: number, source: 'beat' | 'commit', phi: readonly number[]): { n: number; at: number } {
    const last = this.db.one<{ n: number | null; at: number | null }>(
      'SELECT max(n) AS n, max(at_ms) AS at FROM kairos_samples',
    )
    const n = Number(last?.n ?? 0) + 1
    const at = Math.max(atMs, Number(last?.at ?? 0))
    this.db.run(
      'INSERT INTO kairos_samples (n, at_ms, source, phi) VALUES (?, ?, ?, ?)',
      n,
      at,
      source,
      JSON.stringify(phi),
    )
    return { n, at }
  }

  /**
   * A KAIROS engine replayed from the samples at or before `atMs`: exactly the live engine's windows then
   * (up to rounding). Only the last `stepsToRebuild` grid steps before the latest sample's matter, and of
   * each step only its last sample (a burst reads as its final state), plus the state just before them.
   */
  rebuildKairos(
    config: KairosConfig,
    atMs = Number.MAX_SAFE_INTEGER,
  ): { engine: Kairos; lastAt: number | null } {
    const engine = new Kairos(config)
    const lastAt = this.db.one<{ at: number | null }>(
      'SELECT max(at_ms) AS at FROM kairos_samples WHERE at_ms <= ?',
      atMs,
    )?.at
    if (lastAt === null || lastAt === undefined) return { engine, lastAt: null }
    const fromMs = (stepOf(config, lastAt) - stepsToRebuild(config)) * config.tau_scale_ms
    const rows = this.db.all<{ n: number; at_ms: number; phi: string }>(
      `SELECT n, at_ms, phi FROM kairos_samples WHERE n IN (
         SELECT max(n) FROM kairos_samples WHERE at_ms >= ?1 AND at_ms <= ?2 GROUP BY CAST(at_ms / ?3 AS INTEGER)
         UNION ALL SELECT max(n) FROM kairos_samples WHERE at_ms < ?1)
       ORDER BY n`,
      fromMs,
      atMs,
      config.tau_scale_ms,
    )
    for (const r of rows) engine.sample(JSON.parse(r.phi) as number[], r.at_ms)
    const before = Number(
      this.db.one<{ c: number }>('SELECT count(*) AS c FROM kairos_samples WHERE at_ms <= ?', atMs)?.c,
    )
    engine.skip(before - rows.length)
    return { engine, lastAt }
  }

  /** The latest witness entry of a kind: its index, time and data (the witness layers' clocks). */
  lastWitness(kind: string): { index: number; at: number; data: Record<string, unknown> } | null {
    const r = this.db.one<{ idx: number; body: string }>(
      "SELECT idx, body FROM ledger WHERE kind LIKE 'witness.%' AND kind = ? ORDER BY idx DESC LIMIT 1",
      kind,
    )
    if (!r) return null
    const e = JSON.parse(r.body) as { at: string; data: Record<string, unknown> }
    return { index: r.idx, at: Date.parse(e.at), data: e.data }
  }

  /** The time of the first witness entry, null when there is none. */
  firstWitnessAt(): number | null {
    const r = this.db.one<{ body: string }>(
      "SELECT body FROM ledger WHERE kind LIKE 'witness.%' ORDER BY idx LIMIT 1",
    )
    return r ? Date.parse((JSON.parse(r.body) as { at: string }).at) : null
  }

  /** Witness entries after index `after`, in order, with their entry hashes (the meta witness digest). */
  witnessHashes(after: number, limit: number): (WitnessHash & { kind: string })[] {
    return this.db.all<{ index: number; hash: string; kind: string }>(
      'SELECT idx AS "index", digest AS hash, kind FROM ledger WHERE kind LIKE \'witness.%\' AND idx > ? ORDER BY idx LIMIT ?',
      after,
      limit,
    )
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
