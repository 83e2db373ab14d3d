// The federation registry (one per deployment): local holons' artifacts to publish, pinned peer artifacts, drops.
import { DurableObject } from 'cloudflare:workers'
import {
  admit,
  installationOf,
  MessageError,
  type PinnedOf,
  type RhizomeAlert,
  type RhizomeArtifact,
  readArtifact,
} from '../../functions/rhizome/index.ts'
import type { MeshPulse } from '../../schemas/federation.ts'
import { type Actor, FULL_AUDIT } from '../../schemas/ledger.ts'
import { Db } from '../shared/db.ts'
import { migrate } from '../shared/migrations.ts'
import { fail, ok, type Reply } from '../shared/reply.ts'
import { SqlLedger } from '../shared/sql-ledger.ts'
import { MeshStore, type ViewPulse } from './mesh-store.ts'
import { MIGRATIONS } from './migrations.ts'
import {
  conflicts,
  recordAlert,
  recordConflict,
  recordCosignature,
  recordFlag,
  WitnessRecordError,
} from './witnessing.ts'

type InboxOutcome =
  | 'accepted'
  | 'duplicate'
  | 'own'
  | 'replay'
  | 'key_mismatch'
  | 'conflict'
  | 'invalid'
  | 'malformed'

export interface InboxResult {
  origin: string | null
  outcome: InboxOutcome
  detail?: string
  /** Ledger index of the import, when accepted. */
  ledger_index?: number
}

interface PeerRow extends Record<string, SqlStorageValue> {
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

/** A witness message (alert, cosignature, flag) was kept, or refused (counted as a `witness_invalid` drop). */
export type WitnessReply = Reply<null, { code: 'witness_refused'; message: string }>

const now = () => new Date().toISOString()
const REGISTRY = 'federation'
/** A node's report counts this long (it reports every poll). */
const PRESENCE_TTL_MS = 60_000

export class FederationObject extends DurableObject<Env> {
  private readonly db: Db
  private readonly mesh: MeshStore
  private ledger?: SqlLedger

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.db = new Db(ctx.storage)
    this.mesh = new MeshStore(this.db)
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

  /** One of our holons beat (after the beat's transaction): the node publishes it to the mesh. */
  async reportPulse(p: MeshPulse): Promise<void> {
    this.mesh.report(p, Date.now())
  }

  /** A holon stopped its pulse (or switched its mesh off): its last report is withdrawn. */
  async forgetPulse(holon: string): Promise<void> {
    this.mesh.forget(holon)
  }

  /** Our running holons' latest beats: what the bridge node publishes. */
  async localPulses(): Promise<MeshPulse[]> {
    return this.mesh.local(Date.now())
  }

  /** Peers' pulses delivered by the bridge node; our own origin's echoes, stale, skewed and older beats are dropped. */
  async receivePhases(
    node: string,
    pulses: MeshPulse[],
  ): Promise<{ accepted: number; dropped: Record<string, number> }> {
    return this.mesh.receive(node, pulses, this.env.OMEGA_LEDGER_ORIGIN || 'omega.local', Date.now())
  }

  /** What a holon's alarm needs before a beat: live peer nodes, and every live pulse but its own. */
  async meshView(holon: string): Promise<{ live_peers: number; pulses: ViewPulse[] }> {
    return { live_peers: await this.livePeers(), pulses: this.mesh.view(holon, Date.now()) }
  }

  /**
   * Everything a holon's alarm reads before a beat, in one call (one round trip to this one object per beat, not
   * two): the verified peer alerts after its cursor with the node's presence, and the mesh's view.
   */
  async beatContext(
    holon: string,
    sinceId: number | null,
  ): Promise<{
    feed: Awaited<ReturnType<FederationObject['peerAlerts']>>
    view: Awaited<ReturnType<FederationObject['meshView']>>
  }> {
    return { feed: await this.peerAlerts(sinceId), view: await this.meshView(holon) }
  }

  /** A local holon's ALERT or QUARANTINE decision, queued for peers. */
  async publishAlert(alert: RhizomeAlert): Promise<void> {
    this.db.run(
      "INSERT INTO outbox (kind, holon, payload) VALUES ('alert', ?, ?)",
      alert.holon,
      JSON.stringify(alert),
    )
  }

  /** A peer's alert, kept when exactly what was received is signed with that origin's pinned key and is newer. */
  async receiveAlert(alert: unknown): Promise<WitnessReply> {
    return this.guard(() =>
      recordAlert(this.db, alert, (origin) => this.pinnedPeer(origin)?.verifier_key, now()),
    )
  }

  async alerts(): Promise<RhizomeAlert[]> {
    return this.db
      .all<{ alert: string }>('SELECT alert FROM alerts ORDER BY id DESC LIMIT 200')
      .map((r) => JSON.parse(r.alert))
  }

  /**
   * What a holon's beat needs from the registry: the verified peer alerts after `sinceId` (null: none,
   * only the cursor, so a pulse starts with what arrives from now on), each with the sender's pinned
   * artifact (null when unknown) for the compatibility weight; and the live peers of the freshest node
   * report of the last minute, null when no node reported (not the same as a report of 0 peers).
   */
  async peerAlerts(
    sinceId: number | null,
    limit = 100,
  ): Promise<{
    alerts: { id: number; alert: RhizomeAlert; artifact: RhizomeArtifact | null }[]
    next_id: number
    live_peers: number | null
  }> {
    const rows =
      sinceId === null
        ? []
        : this.db.all<{ id: number; alert: string; artifact: string | null }>(
            `SELECT a.id, a.alert, p.artifact FROM alerts a LEFT JOIN peers p ON p.origin = a.origin
             WHERE a.id > ? ORDER BY a.id LIMIT ?`,
            sinceId,
            limit,
          )
    const last = Number(this.db.one<{ n: number | null }>('SELECT max(id) AS n FROM alerts')?.n ?? 0)
    const presence = this.db.one<{ n: number | null }>(
      'SELECT max(live_peers) AS n FROM presence WHERE at_ms > ?',
      Date.now() - PRESENCE_TTL_MS,
    )
    return {
      alerts: rows.map((r) => ({
        id: r.id,
        alert: JSON.parse(r.alert) as RhizomeAlert,
        artifact: r.artifact === null ? null : (JSON.parse(r.artifact) as RhizomeArtifact),
      })),
      next_id: sinceId === null ? last : (rows.at(-1)?.id ?? sinceId),
      live_peers: presence?.n === null || presence?.n === undefined ? null : Number(presence.n),
    }
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
  async receive(artifacts: RhizomeArtifact[], by?: Actor): Promise<InboxResult[]> {
    const own = new Set(
      this.db.all<{ origin: string }>('SELECT origin FROM local_artifacts').map((r) => r.origin),
    )
    return artifacts.map((a) => {
      const result = this.judge(a, own, by)
      if (result.outcome !== 'accepted' && result.outcome !== 'duplicate' && result.outcome !== 'own') {
        this.db.run(
          'INSERT INTO drops (reason, n) VALUES (?, 1) ON CONFLICT (reason) DO UPDATE SET n = n + 1',
          result.outcome,
        )
      }
      return result
    })
  }

  /** Reads the artifact strictly (pure core), then applies the pin and replay rule shared with the node. */
  private judge(json: unknown, own: ReadonlySet<string>, by?: Actor): InboxResult {
    let a: RhizomeArtifact
    try {
      a = readArtifact(json)
    } catch (e) {
      if (!(e instanceof MessageError)) throw e
      const origin = (json as { origin?: unknown } | null)?.origin
      return {
        origin: typeof origin === 'string' ? origin : null,
        outcome: e.reason === 'malformed' ? 'malformed' : 'invalid',
        detail: e.message,
      }
    }
    const conflict = (reason: 'key_mismatch' | 'origin_collision', detail: string) =>
      recordConflict(this.db, { origin: a.origin, reason, verifier_key: a.verifier_key, detail }, now())
    if (own.has(a.origin)) {
      if (this.localArtifact(a.origin)?.verifier_key === a.verifier_key)
        return { origin: a.origin, outcome: 'own' }
      // Another installation signs one of our holons' origins: same ledger origin, a different organisation.
      conflict('origin_collision', 'one of our own holon origins, signed with another key')
      return { origin: a.origin, outcome: 'key_mismatch', detail: 'our own origin, signed with another key' }
    }
    const { outcome, detail } = admit(a, this.pinnedPeer(a.origin))
    if (outcome === 'key_mismatch') conflict('key_mismatch', detail ?? 'not the pinned key')
    if (outcome !== 'accepted') return { origin: a.origin, outcome, ...(detail && { detail }) }
    const ours = this.env.OMEGA_LEDGER_ORIGIN || 'omega.local'
    if (installationOf(a.origin) === ours)
      conflict(
        'origin_collision',
        `a peer uses our ledger origin ${ours} (set OMEGA_LEDGER_ORIGIN per installation)`,
      )
    return { origin: a.origin, outcome: 'accepted', ledger_index: this.record(a, by) }
  }

  /** Ledgers an accepted artifact and pins it, in one ledger transaction; returns its ledger index. */
  private record(a: RhizomeArtifact, by?: Actor): number {
    const ledger = this.ledger as SqlLedger
    return ledger.transact(
      (appends) => {
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
      },
      undefined,
      by,
    ).value
  }

  /** A witness's cosignature of one of our holons' checkpoints (verified, over what was received, before it is kept). */
  async cosign(c: unknown): Promise<WitnessReply> {
    return this.guard(() => recordCosignature(this.db, c, (origin) => this.localArtifact(origin), now()))
  }

  /** Equivocation or inconsistency evidence about any origin we know, verified before it is kept. */
  async flag(f: unknown): Promise<WitnessReply> {
    const known: PinnedOf = (origin) => this.localArtifact(origin) ?? this.pinnedPeer(origin)
    return this.guard(() => recordFlag(this.db, f, known, now()))
  }

  /** The current artifact of one of our own holons, by its ledger origin. */
  private localArtifact(origin: string): RhizomeArtifact | undefined {
    const row = this.db.one<{ artifact: string }>(
      'SELECT artifact FROM local_artifacts WHERE origin = ?',
      origin,
    )
    return row && (JSON.parse(row.artifact) as RhizomeArtifact)
  }

  /** The pinned record of a peer origin (its key, holon and latest accepted artifact). */
  private pinnedPeer(origin: string): PeerRow | undefined {
    return this.db.one<PeerRow>('SELECT * FROM peers WHERE origin = ?', origin)
  }

  private guard(f: () => unknown): WitnessReply {
    try {
      f()
      return ok(null)
    } catch (e) {
      if (!(e instanceof WitnessRecordError)) throw e
      this.db.run(
        'INSERT INTO drops (reason, n) VALUES (?, 1) ON CONFLICT (reason) DO UPDATE SET n = n + 1',
        'witness_invalid',
      )
      return fail({ code: 'witness_refused', message: e.message })
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
    conflicts: ReturnType<typeof conflicts>
    ledger: { origin: string; size: number; verifier_key: string }
  }> {
    const ledger = this.ledger as SqlLedger
    return {
      peers: Number(this.db.one<{ n: number }>('SELECT count(*) AS n FROM peers')?.n ?? 0),
      drops: Object.fromEntries(
        this.db.all<{ reason: string; n: number }>('SELECT reason, n FROM drops').map((r) => [r.reason, r.n]),
      ),
      conflicts: conflicts(this.db),
      ledger: { origin: ledger.origin, size: ledger.size, verifier_key: ledger.verifierKey },
    }
  }
}
