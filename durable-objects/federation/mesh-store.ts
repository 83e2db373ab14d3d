// The registry's mesh rows: our own holons' latest beats (reported after each beat) and peers' pulses delivered
// by the bridge node, the latest per (node, holon); both expire, and refused deliveries are counted as drops.
import type { MeshPulse } from '../../schemas/federation.ts'
import type { Db } from '../shared/db.ts'

/** A pulse whose next beat is this overdue is gone (its holon stopped or its organisation left). */
export const MESH_TTL_MS = 60_000
/** A peer pulse no node has delivered for this long is gone (the nodes redeliver at their publishing rate). */
export const PEER_SILENCE_MS = 15_000
/** Clock skew tolerated between organisations (a beat further in the future is refused). */
export const MAX_SKEW_MS = 30_000
/** Pulses one view carries at most (the freshest). */
export const VIEW_LIMIT = 256
/** The node name of our own holons' pulses in a view. */
export const LOCAL = 'local'

export type ViewPulse = MeshPulse & { node: string; received_ms: number }
export type MeshDrop = 'own' | 'stale' | 'skew' | 'replay'

export class MeshStore {
  private readonly db: Db

  constructor(db: Db) {
    this.db = db
  }

  /** One of our holons beat: its report replaces the previous one. */
  report(p: MeshPulse, nowMs: number): void {
    this.db.run(
      'INSERT OR REPLACE INTO mesh_local (holon, next_at, pulse, at_ms) VALUES (?, ?, ?, ?)',
      p.holon,
      p.next_at,
      JSON.stringify(p),
      nowMs,
    )
  }

  /** A holon stopped its pulse: it no longer beats, so it no longer counts as a sibling's peer. */
  forget(holon: string): void {
    this.db.run('DELETE FROM mesh_local WHERE holon = ?', holon)
  }

  /** Our running holons' latest beats (a report whose next beat is long overdue belongs to a stopped pulse). */
  local(nowMs: number): MeshPulse[] {
    return this.db
      .all<{ pulse: string }>(
        'SELECT pulse FROM mesh_local WHERE next_at >= ? ORDER BY holon',
        nowMs - MESH_TTL_MS,
      )
      .map((r) => JSON.parse(r.pulse) as MeshPulse)
  }

  /**
   * Peers' pulses from one sending node. Our own organisation's echoes, long-overdue, future-dated and older
   * beats than the one held are refused and counted; the same beat again refreshes the peer's liveness.
   */
  receive(
    node: string,
    pulses: readonly MeshPulse[],
    ownOrigin: string,
    nowMs: number,
  ): { accepted: number; dropped: Partial<Record<MeshDrop, number>> } {
    const dropped: Partial<Record<MeshDrop, number>> = {}
    let accepted = 0
    const drop = (reason: MeshDrop) => {
      dropped[reason] = (dropped[reason] ?? 0) + 1
    }
    this.db.transaction(() => {
      for (const p of pulses) {
        if (p.origin === ownOrigin) drop('own')
        else if (p.next_at < nowMs - MESH_TTL_MS) drop('stale')
        else if (p.beat_at > nowMs + MAX_SKEW_MS) drop('skew')
        else {
          const prior = this.db.one<{ beat_at: number }>(
            'SELECT beat_at FROM mesh_peers WHERE node = ? AND holon = ?',
            node,
            p.holon,
          )
          if (prior && p.beat_at < prior.beat_at) drop('replay')
          else {
            this.db.run(
              `INSERT OR REPLACE INTO mesh_peers (node, holon, origin, beat_at, next_at, pulse, received_ms)
               VALUES (?, ?, ?, ?, ?, ?, ?)`,
              node,
              p.holon,
              p.origin,
              p.beat_at,
              p.next_at,
              JSON.stringify(p),
              nowMs,
            )
            accepted++
          }
        }
      }
      for (const [reason, n] of Object.entries(dropped)) {
        this.db.run(
          'INSERT INTO drops (reason, n) VALUES (?, ?) ON CONFLICT (reason) DO UPDATE SET n = n + excluded.n',
          `mesh_${reason}`,
          n,
        )
      }
      this.expire(nowMs)
    })
    return { accepted, dropped }
  }

  /** Every live pulse but the asking holon's own: sibling holons first, then peers, the freshest first. */
  view(holon: string, nowMs: number): ViewPulse[] {
    const local = this.db
      .all<{ pulse: string; at_ms: number }>(
        'SELECT pulse, at_ms FROM mesh_local WHERE holon != ? AND next_at >= ? ORDER BY at_ms DESC LIMIT ?',
        holon,
        nowMs - MESH_TTL_MS,
        VIEW_LIMIT,
      )
      .map((r) => ({ ...(JSON.parse(r.pulse) as MeshPulse), node: LOCAL, received_ms: r.at_ms }))
    const peers = this.db
      .all<{ node: string; pulse: string; received_ms: number }>(
        `SELECT node, pulse, received_ms FROM mesh_peers WHERE next_at >= ? AND received_ms >= ?
         ORDER BY received_ms DESC LIMIT ?`,
        nowMs - MESH_TTL_MS,
        nowMs - PEER_SILENCE_MS,
        VIEW_LIMIT - local.length,
      )
      .map((r) => ({ ...(JSON.parse(r.pulse) as MeshPulse), node: r.node, received_ms: r.received_ms }))
    return [...local, ...peers]
  }

  private expire(nowMs: number): void {
    this.db.run(
      'DELETE FROM mesh_peers WHERE next_at < ? OR received_ms < ?',
      nowMs - MESH_TTL_MS,
      nowMs - PEER_SILENCE_MS,
    )
  }
}
