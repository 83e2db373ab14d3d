// The federation registry (one per deployment): local holons' artifacts to publish, pinned peer artifacts, drops.
import { DurableObject } from 'cloudflare:workers'
import {
  ArtifactError,
  type RhizomeAlert,
  type RhizomeArtifact,
  verifyAlert,
  verifyArtifact,
} from '../../functions/rhizome/index.ts'
import { FULL_AUDIT } from '../../schemas/ledger.ts'
import { Db } from '../shared/db.ts'
import { migrate } from '../shared/migrations.ts'
import { SqlLedger } from '../shared/sql-ledger.ts'
import { MIGRATIONS } from './migrations.ts'
import {
  type CosignatureIn,
  type FlagIn,
  recordCosignature,
  recordFlag,
  WitnessRecordError,
} from './witnessing.ts'

export type InboxOutcome =
  | 'accepted'
  | 'duplicate'
  | 'own'
  | 'replay'
  | 'key_mismatch'
  | 'conflict'
  | 'invalid'

export interface InboxResult {
  origin: string | null
  outcome: InboxOutcome
  detail?: string
  /** Ledger index of the import, when accepted. */
  ledger_index?: number
}

export interface PeerRow extends Record<string, SqlStorageValue> {
  origin: string
  verifier_key: string
  holon: string
  mvk_id: string
  kernel_version: number
  kernel_digest: string
  issued_at: string
  artifact: string
  received_at: string
  ledger_index: number
}

const now = () => new Date().toISOString()
const REGISTRY = 'federation'
/** A node's report counts this long (it reports every poll). */
const PRESENCE_TTL_MS = 60_000

export class FederationObject extends DurableObject<Env> {
  private readonly db: Db
  private ledger?: SqlLedger

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.db = new Db(ctx.storage)
    ctx.blockConcurrencyWhile(async () => {
      this.db.transaction(() => migrate(ctx.storage.sql, MIGRATIONS))
      this.ledger = this.openLedger()
    })
  }

  /** The registry ledgers its imports like a holon ledgers its events, under its own key. */
  private openLedger(): SqlLedger {
    const meta = () =>
      Object.fromEntries(
        this.db.all<{ k: string; v: string }>('SELECT k, v FROM meta').map((r) => [r.k, r.v]),
      )
    if (!meta().origin) {
      const origin = `${this.env.OMEGA_LEDGER_ORIGIN || 'omega.local'}/${REGISTRY}`
      const rows = SqlLedger.newMeta(origin, FULL_AUDIT)
      this.db.transaction(() => this.db.insertMany('meta', ['k', 'v'], rows))
    }
    return new SqlLedger(this.db, REGISTRY, meta())
  }

  /** A local holon announces its current artifact: it replaces the previous one and is queued for publication. */
  async publish(artifact: RhizomeArtifact): Promise<number> {
    const text = JSON.stringify(artifact)
    let seq = 0
    this.ctx.storage.transactionSync(() => {
      this.db.run(
        'INSERT OR REPLACE INTO local_artifacts (holon, origin, artifact) VALUES (?, ?, ?)',
        artifact.holon,
        artifact.origin,
        text,
      )
      this.db.run("INSERT INTO outbox (kind, holon, payload) VALUES ('artifact', ?, ?)", artifact.holon, text)
      seq = Number(this.db.one<{ s: number }>('SELECT last_insert_rowid() AS s')?.s)
    })
    return seq
  }

  /** The node's report: how many live peers it currently syncs phase with. */
  async presence(node: string, livePeers: number): Promise<void> {
    this.db.run(
      'INSERT OR REPLACE INTO presence (node, live_peers, at_ms) VALUES (?, ?, ?)',
      node,
      livePeers,
      Date.now(),
    )
  }

  /** Live peer nodes known to this organisation: the freshest report of the last minute (0 when none). */
  async livePeers(): Promise<number> {
    const row = this.db.one<{ n: number }>(
      'SELECT max(live_peers) AS n FROM presence WHERE at_ms > ?',
      Date.now() - PRESENCE_TTL_MS,
    )
    return Number(row?.n ?? 0)
  }

  /** A local holon's ALERT or QUARANTINE decision, queued for peers. */
  async publishAlert(alert: RhizomeAlert): Promise<void> {
    this.db.run(
      "INSERT INTO outbox (kind, holon, payload) VALUES ('alert', ?, ?)",
      alert.holon,
      JSON.stringify(alert),
    )
  }

  /** A peer's alert, kept when it is signed with that origin's pinned key and newer than the last one. */
  async receiveAlert(alert: RhizomeAlert): Promise<{ ok: boolean; detail?: string }> {
    const peer = this.db.one<{ verifier_key: string }>(
      'SELECT verifier_key FROM peers WHERE origin = ?',
      alert.origin,
    )
    return this.guard(() => {
      if (!peer) throw new WitnessRecordError(`no pinned key for ${alert.origin}`)
      try {
        verifyAlert(alert, peer.verifier_key)
      } catch (e) {
        if (e instanceof ArtifactError) throw new WitnessRecordError(e.message)
        throw e
      }
      const last = this.db.one<{ t: string }>(
        'SELECT max(issued_at) AS t FROM alerts WHERE origin = ?',
        alert.origin,
      )?.t
      if (last && alert.issued_at <= last)
        throw new WitnessRecordError('not newer than the last alert from that origin')
      this.db.run(
        'INSERT INTO alerts (origin, issued_at, alert, received_at) VALUES (?, ?, ?, ?)',
        alert.origin,
        alert.issued_at,
        JSON.stringify(alert),
        now(),
      )
    })
  }

  async alerts(): Promise<RhizomeAlert[]> {
    return this.db
      .all<{ alert: string }>('SELECT alert FROM alerts ORDER BY id DESC LIMIT 200')
      .map((r) => JSON.parse(r.alert))
  }

  /** What the bridge node should publish after `cursor` (pull with a cursor: restarts and gaps cost nothing). */
  async outbox(
    cursor: number,
    limit: number,
  ): Promise<{
    messages: { seq: number; kind: 'artifact' | 'alert'; payload: RhizomeArtifact | RhizomeAlert }[]
    next_cursor: number
  }> {
    const rows = this.db.all<{ seq: number; kind: 'artifact' | 'alert'; payload: string }>(
      'SELECT seq, kind, payload FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
      cursor,
      limit,
    )
    return {
      messages: rows.map((r) => ({
        seq: r.seq,
        kind: r.kind,
        payload: JSON.parse(r.payload) as RhizomeArtifact | RhizomeAlert,
      })),
      next_cursor: rows.at(-1)?.seq ?? cursor,
    }
  }

  /** Every local holon's latest artifact: what a peer that joins late needs (catch-up). */
  async localArtifacts(): Promise<RhizomeArtifact[]> {
    return this.db
      .all<{ artifact: string }>('SELECT artifact FROM local_artifacts ORDER BY holon')
      .map((r) => JSON.parse(r.artifact))
  }

  /**
   * Verifies and records peer artifacts. The first key seen for an origin is pinned; a newer kernel
   * version or a newer issue of the same one is accepted and ledgered; anything else is dropped and
   * counted by reason. Imports never touch a local kernel.
   */
  async receive(artifacts: RhizomeArtifact[]): Promise<InboxResult[]> {
    const own = new Set(
      this.db.all<{ origin: string }>('SELECT origin FROM local_artifacts').map((r) => r.origin),
    )
    return artifacts.map((a) => {
      const result = this.judge(a, own)
      if (result.outcome !== 'accepted' && result.outcome !== 'duplicate' && result.outcome !== 'own') {
        this.db.run(
          'INSERT INTO drops (reason, n) VALUES (?, 1) ON CONFLICT (reason) DO UPDATE SET n = n + 1',
          result.outcome,
        )
      }
      return result
    })
  }

  private judge(a: RhizomeArtifact, own: ReadonlySet<string>): InboxResult {
    try {
      verifyArtifact(a)
    } catch (e) {
      if (e instanceof ArtifactError)
        return {
          origin: typeof a?.origin === 'string' ? a.origin : null,
          outcome: 'invalid',
          detail: e.message,
        }
      throw e
    }
    if (own.has(a.origin)) return { origin: a.origin, outcome: 'own' }
    const pinned = this.db.one<PeerRow>('SELECT * FROM peers WHERE origin = ?', a.origin)
    if (pinned) {
      if (pinned.verifier_key !== a.verifier_key) {
        return { origin: a.origin, outcome: 'key_mismatch', detail: `pinned key ${pinned.verifier_key}` }
      }
      if (
        a.kernel_version < pinned.kernel_version ||
        (a.kernel_version === pinned.kernel_version && a.issued_at < pinned.issued_at)
      ) {
        return {
          origin: a.origin,
          outcome: 'replay',
          detail: `older than version ${pinned.kernel_version} issued ${pinned.issued_at}`,
        }
      }
      if (a.kernel_version === pinned.kernel_version && a.kernel_digest !== pinned.kernel_digest) {
        return {
          origin: a.origin,
          outcome: 'conflict',
          detail: `two kernels signed as version ${a.kernel_version}`,
        }
      }
      if (a.issued_at === pinned.issued_at) return { origin: a.origin, outcome: 'duplicate' }
    }
    return { origin: a.origin, outcome: 'accepted', ledger_index: this.record(a) }
  }

  /** Ledgers an accepted artifact and pins it, in one ledger transaction; returns its ledger index. */
  private record(a: RhizomeArtifact): number {
    const ledger = this.ledger as SqlLedger
    return ledger.transact((appends) => {
      const index = appends.append('peer.artifact', { artifact: a })
      this.db.run(
        `INSERT OR REPLACE INTO peers (origin, verifier_key, holon, mvk_id, kernel_version, kernel_digest, issued_at, artifact, received_at, ledger_index)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        a.origin,
        a.verifier_key,
        a.holon,
        a.mvk_id,
        a.kernel_version,
        a.kernel_digest,
        a.issued_at,
        JSON.stringify(a),
        appends.at,
        index,
      )
      return index
    }).value
  }

  /** A witness's cosignature of one of our holons' checkpoints (verified before it is kept). */
  async cosign(c: CosignatureIn): Promise<{ ok: boolean; detail?: string }> {
    const local = this.db.one<{ artifact: string }>(
      'SELECT artifact FROM local_artifacts WHERE origin = ?',
      c.origin,
    )
    const key = local ? (JSON.parse(local.artifact) as RhizomeArtifact).verifier_key : undefined
    return this.guard(() => recordCosignature(this.db, c, key, now()))
  }

  /** Equivocation or inconsistency evidence about any origin we know, verified before it is kept. */
  async flag(f: FlagIn): Promise<{ ok: boolean; detail?: string }> {
    const local = this.db.one<{ artifact: string }>(
      'SELECT artifact FROM local_artifacts WHERE origin = ?',
      f.origin,
    )
    const peer = this.db.one<{ verifier_key: string }>(
      'SELECT verifier_key FROM peers WHERE origin = ?',
      f.origin,
    )
    const key = local ? (JSON.parse(local.artifact) as RhizomeArtifact).verifier_key : peer?.verifier_key
    return this.guard(() => recordFlag(this.db, f, key, now()))
  }

  private guard(f: () => unknown): { ok: boolean; detail?: string } {
    try {
      f()
      return { ok: true }
    } catch (e) {
      if (!(e instanceof WitnessRecordError)) throw e
      this.db.run(
        'INSERT INTO drops (reason, n) VALUES (?, 1) ON CONFLICT (reason) DO UPDATE SET n = n + 1',
        'witness_invalid',
      )
      return { ok: false, detail: e.message }
    }
  }

  async cosignatures(
    origin: string,
  ): Promise<{ size: number; root: string; witness: string; line: string; at: string }[]> {
    return this.db.all<{ size: number; root: string; witness: string; line: string; at: string }>(
      'SELECT size, root, witness, line, at FROM cosignatures WHERE origin = ? ORDER BY size DESC, witness',
      origin,
    )
  }

  async flags(): Promise<{ origin: string; reason: string; notes: string[]; detail: string; at: string }[]> {
    return this.db
      .all<{ origin: string; reason: string; notes: string; detail: string; at: string }>(
        'SELECT origin, reason, notes, detail, at FROM flags ORDER BY id',
      )
      .map((r) => ({ ...r, notes: JSON.parse(r.notes) as string[] }))
  }

  async peers(): Promise<{
    artifacts: RhizomeArtifact[]
    received: { origin: string; received_at: string; ledger_index: number }[]
  }> {
    const rows = this.db.all<PeerRow>('SELECT * FROM peers ORDER BY origin')
    return {
      artifacts: rows.map((r) => JSON.parse(r.artifact) as RhizomeArtifact),
      received: rows.map((r) => ({
        origin: r.origin,
        received_at: r.received_at,
        ledger_index: r.ledger_index,
      })),
    }
  }

  async stats(): Promise<{
    peers: number
    drops: Record<string, number>
    ledger: { origin: string; size: number; verifier_key: string }
  }> {
    const ledger = this.ledger as SqlLedger
    return {
      peers: Number(this.db.one<{ n: number }>('SELECT count(*) AS n FROM peers')?.n ?? 0),
      drops: Object.fromEntries(
        this.db.all<{ reason: string; n: number }>('SELECT reason, n FROM drops').map((r) => [r.reason, r.n]),
      ),
      ledger: { origin: ledger.origin, size: ledger.size, verifier_key: ledger.verifierKey },
    }
  }
}
