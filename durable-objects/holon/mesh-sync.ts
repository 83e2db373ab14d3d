// The holon's mesh phase synchronisation: the reading at each beat (peers' pulses from the registry through
// functions/phase), its mesh-sync memory in SQLite, and T_global reconstructed at a time from that memory.
import { globalOf, type MeshReading, meshStep } from '../../functions/phase/index.ts'
import type { MeshPulse } from '../../schemas/federation.ts'
import {
  type BeatMesh,
  type KairosReading,
  MeshConfig,
  type PulseConfig,
  type TemporalDoc,
} from '../../schemas/pulse.ts'
import type { Db } from '../shared/db.ts'
import type { MeshView } from './federation-calls.ts'

type Reconstructed = NonNullable<NonNullable<TemporalDoc['reconstructed']>['mesh']>

/** The mesh configuration of a stored pulse config (rows written before it existed take the defaults). */
export const meshConfigOf = (c: PulseConfig): MeshConfig => c.mesh ?? MeshConfig.parse({})

const finite = (x: number) => (Number.isFinite(x) ? x : 0)

/** The reading of one beat: peers whose next beat is at most timeout_ms overdue, and the bounded correction. */
export function meshReading(
  config: PulseConfig,
  view: MeshView | null,
  scheduledMs: number,
  nowMs: number,
  sync: KairosReading['sync'],
): BeatMesh | undefined {
  const m = meshConfigOf(config)
  if (!m.enabled) return undefined
  const pulses = (view?.pulses ?? []).filter((p) => p.next_at >= nowMs - m.timeout_ms)
  const r: MeshReading = meshStep(
    {
      next_at: scheduledMs,
      beat_at: nowMs,
      period_ms: config.period_ms,
      t_sync: sync,
      ...(m.coords && { coords: m.coords }),
    },
    pulses,
    { coupling: m.coupling, kappa: m.kappa, max_correction: m.max_correction },
    nowMs,
  )
  return {
    t_global: r.t_global,
    delta_phase: r.peers.reduce((a, p) => Math.max(a, p.delta_phase), 0),
    r: r.r,
    correction_ms: r.correction_ms,
    peers: r.peers.map((p, i) => {
      const pulse = pulses[i] as MeshView['pulses'][number]
      return { node: pulse.node, ...p, t_p: { re: finite(pulse.t_sync.re), im: finite(pulse.t_sync.im) } }
    }),
  }
}

/** What the holon reports after a beat (the node publishes it): its schedule, T_sync and model weight. */
export function meshPulse(
  holon: string,
  origin: string,
  config: PulseConfig,
  beatAtMs: number,
  nextAtMs: number,
  sync: KairosReading['sync'],
  mlWeight: number,
): MeshPulse | null {
  const m = meshConfigOf(config)
  if (!m.enabled) return null
  return {
    holon,
    origin,
    beat_at: beatAtMs,
    next_at: nextAtMs,
    period_ms: config.period_ms,
    t_sync: { re: finite(sync.re), im: finite(sync.im) },
    ...(m.coords && { coords: m.coords }),
    ml_weight: Math.min(10, Math.max(0, finite(mlWeight))),
  }
}

/** Mesh-sync memory: the peer T_P values, weights and offsets each beat coupled to. */
export class MeshSyncStore {
  private readonly db: Db

  constructor(db: Db) {
    this.db = db
  }

  add(beat: number, atMs: number, mesh: BeatMesh): void {
    this.db.insertMany(
      'mesh_sync',
      ['beat', 'at_ms', 'node', 'origin', 'holon', 'weight', 't_re', 't_im', 'offset'],
      mesh.peers.map((p) => [beat, atMs, p.node, p.origin, p.holon, p.weight, p.t_p.re, p.t_p.im, p.offset]),
      'ON CONFLICT DO NOTHING',
    )
  }

  /**
   * T_global at `atMs`: the coherence state then (`sync`, reconstructed from the KAIROS samples) with the peer
   * T_P values and weights of the last beat at or before `atMs`; undefined before the first mesh beat.
   */
  at(atMs: number, sync: KairosReading['sync']): Reconstructed | undefined {
    const last = this.db.one<{ beat: number; body: string }>(
      'SELECT beat, body FROM pulse_beats WHERE at_ms <= ? ORDER BY at_ms DESC, beat DESC LIMIT 1',
      atMs,
    )
    if (!last || !(JSON.parse(last.body) as { mesh?: unknown }).mesh) return undefined
    const peers = this.db
      .all<{ node: string; origin: string; holon: string; weight: number; t_re: number; t_im: number }>(
        'SELECT node, origin, holon, weight, t_re, t_im FROM mesh_sync WHERE beat = ? ORDER BY rowid',
        last.beat,
      )
      .map((r) => ({
        node: r.node,
        origin: r.origin,
        holon: r.holon,
        weight: r.weight,
        t_p: { re: r.t_re, im: r.t_im },
      }))
    const own = Math.hypot(sync.re, sync.im)
    return {
      beat: last.beat,
      t_global: globalOf(sync, peers),
      delta_phase: peers.reduce((a, p) => Math.max(a, Math.abs(own - Math.hypot(p.t_p.re, p.t_p.im))), 0),
      peers,
    }
  }
}
