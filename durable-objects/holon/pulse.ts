// The holon's pulse shell: loads controller state, runs the pure beat, stores and ledgers what it produced.
import type { Kairos } from '../../functions/kairos/index.ts'
import {
  type BeatInputs,
  checkConfig,
  type Dimension,
  initialMemory,
  runBeat,
  THREAT_ALERT,
} from '../../functions/pulse/index.ts'
import type { MeshPulse } from '../../schemas/federation.ts'
import {
  type BeatSnapshot,
  type KairosReading,
  type PulseBody,
  PulseConfig,
  type PulseDoc,
} from '../../schemas/pulse.ts'
import type { Db } from '../shared/db.ts'
import type { LedgerAppends } from '../shared/sql-ledger.ts'
import type { MeshView } from './federation-calls.ts'
import type { Live } from './live.ts'
import { MeshSyncStore, meshPulse, meshReading } from './mesh-sync.ts'
import { type PulseRow, PulseStore } from './pulse-store.ts'

const dimsOf = (l: Live): Dimension[] =>
  l.kernel.invariants.map((i) => ({
    invariant: i.name,
    threshold: i.spec.threshold,
    weight: i.spec.weight ?? 1,
  }))

export class HolonPulse {
  readonly store: PulseStore
  readonly meshSync: MeshSyncStore
  private row: PulseRow
  private engine?: Kairos

  constructor(db: Db) {
    this.store = new PulseStore(db)
    this.meshSync = new MeshSyncStore(db)
    this.row = this.store.load()
  }

  get quarantined(): boolean {
    return this.row.memory.quarantine.active
  }

  get config(): PulseConfig {
    return this.row.config
  }

  get running(): boolean {
    return this.row.running
  }

  /** Live peer nodes the organisation's federation node reports (set before each beat; 0 when alone). */
  livePeers = 0

  /** The mesh as the registry saw it just before this beat (set before each beat; null: alone). */
  mesh: MeshView | null = null

  /** P of T_Lambda: live peer nodes known to the holon, itself included (1 when alone). */
  peers(): number {
    return 1 + this.livePeers
  }

  private kairos(): Kairos {
    this.engine ??= this.store.rebuildKairos(this.row.config.kairos).engine
    return this.engine
  }

  /** The controller row is the source of truth in SQLite; an alarm re-reads it before deciding a beat is due. */
  reload(): void {
    this.row = this.store.load()
  }

  /** Drops in-memory state after a failed transaction; it is reloaded from SQLite. */
  reset(): void {
    this.row = this.store.load()
    this.engine = undefined
  }

  /** Next alarm time the pulse needs, or null when stopped. */
  nextAt(): number | null {
    return this.row.running ? this.row.next_at : null
  }

  due(nowMs: number): boolean {
    return this.row.running && this.row.next_at !== null && this.row.next_at <= nowMs
  }

  /** Applies a configuration / start / stop; throws PulseConfigError. Call inside a transaction. */
  configure(body: PulseBody, nowMs: number, appends: LedgerAppends): PulseRow {
    const prev = this.row
    const { kairos, mesh, ...rest } = body.config ?? {}
    const config = PulseConfig.parse({
      ...prev.config,
      ...rest,
      kairos: { ...prev.config.kairos, ...kairos },
      mesh: { ...prev.config.mesh, ...mesh },
    })
    checkConfig(config, this.peers())
    const running = body.running ?? prev.running
    let memory =
      body.config?.ml_weight !== undefined || body.config?.bias !== undefined
        ? { ...prev.memory, model: initialMemory(config).model }
        : prev.memory
    // Stopping the pulse lifts its quarantine: nothing would be left watching to lift it later.
    const lifted = !running && memory.quarantine.active
    if (lifted) memory = { ...memory, quarantine: { active: false, quiet: 0 } }
    const starting = running && !prev.running
    const next: PulseRow = {
      ...prev,
      config,
      memory,
      running,
      // A (re)started pulse looks only at what happens from now on.
      seen_seq: starting ? this.store.maxSeq('events') : prev.seen_seq,
      seen_rejection: starting ? this.store.maxSeq('rejections') : prev.seen_rejection,
      next_at: !running
        ? null
        : body.first_beat_at !== undefined
          ? Math.max(nowMs, body.first_beat_at)
          : prev.running && prev.next_at !== null
            ? prev.next_at
            : nowMs + config.period_ms,
    }
    this.store.save(next)
    appends.append('pulse.configured', { config, running })
    if (lifted)
      appends.append('pulse.quarantine', { beat: prev.beat, active: false, reason: 'pulse stopped' })
    return next
  }

  /** After the configuring transaction committed. */
  adopt(row: PulseRow): void {
    const kairosChanged = JSON.stringify(row.config.kairos) !== JSON.stringify(this.row.config.kairos)
    this.row = row
    if (kairosChanged) this.engine = undefined
  }

  /** A KAIROS sample at a commit (only while the pulse runs). Call inside the commit's transaction. */
  sampleCommit(phi: readonly number[], atMs: number): void {
    if (!this.row.running) return
    const engine = this.kairos() // (re)built from the rows before this sample is stored
    const n = this.store.nextSample()
    this.store.addSample(n, atMs, 'commit', phi)
    engine.sample(phi, n)
  }

  /** One beat: computed by the pure controller, stored and ledgered in the caller's transaction. */
  beat(l: Live, appends: LedgerAppends, nowMs: number): { row: PulseRow; snapshot: BeatSnapshot } {
    const prev = this.row
    const number = prev.beat + 1
    const { kairos, sample } = this.sampleBeat(l, nowMs)
    const out = runBeat(prev.config, prev.memory, this.beatInputs(l, prev, number, appends.at, kairos))
    const mesh = meshReading(prev.config, this.mesh, this.scheduledAt(prev, nowMs), nowMs, kairos.sync)
    const s: BeatSnapshot = mesh ? { ...out.snapshot, mesh } : out.snapshot
    this.store.addBeat(s, nowMs)
    if (mesh) this.meshSync.add(number, nowMs, mesh)
    const next: PulseRow = {
      ...prev,
      beat: number,
      next_at: this.nextBeatAt(prev, nowMs, mesh?.correction_ms ?? 0),
      memory: out.memory,
      seen_seq: this.store.maxSeq('events'),
      seen_rejection: this.store.maxSeq('rejections'),
      collapsed: kairos.collapse,
    }
    this.store.save(next)
    this.ledgerBeat(appends, s, out.quarantineChanged)
    this.witnessBeat(appends, prev, number, sample, kairos, s.mesh)
    return { row: next, snapshot: s }
  }

  /** What the holon reports to the mesh after the beat `snapshot` (null when its mesh is off or it stopped). */
  meshPulse(holon: string, origin: string, snapshot: BeatSnapshot, beatAtMs: number): MeshPulse | null {
    const r = this.row
    if (!r.running || r.next_at === null) return null
    const sync = snapshot.kairos.sync
    return meshPulse(holon, origin, r.config, beatAtMs, r.next_at, sync, r.memory.model.w)
  }

  /** KAIROS: the beat's own sample of the state vector, then the reading. */
  private sampleBeat(l: Live, nowMs: number): { kairos: KairosReading; sample: number } {
    const engine = this.kairos() // (re)built from the rows before this sample is stored
    const n = this.store.nextSample()
    this.store.addSample(n, nowMs, 'beat', l.current.state_vector)
    engine.sample(l.current.state_vector, n)
    return { kairos: engine.reading(), sample: n }
  }

  /** What the pure controller sees at this beat. */
  private beatInputs(l: Live, prev: PulseRow, number: number, at: string, kairos: KairosReading): BeatInputs {
    return {
      beat: number,
      at,
      peers: this.peers(),
      evaluation: l.current,
      dims: dimsOf(l),
      since: this.store.since(prev.seen_seq, prev.seen_rejection),
      kairos,
    }
  }

  /** One period after the scheduled beat; missed beats are skipped, not replayed in a burst. */
  private scheduledAt(prev: PulseRow, nowMs: number): number {
    const period = prev.config.period_ms
    const scheduled = (prev.next_at ?? nowMs) + period
    return scheduled > nowMs ? scheduled : nowMs + period
  }

  /**
   * The next beat: the scheduled one moved earlier by the mesh's bounded Kuramoto correction (later when it is
   * negative), so that this holon's beats lock with its peers'. Alone, the correction is 0.
   */
  private nextBeatAt(prev: PulseRow, nowMs: number, correctionMs: number): number {
    const scheduled = this.scheduledAt(prev, nowMs)
    const next = Math.round(scheduled - correctionMs)
    return next > nowMs ? next : scheduled
  }

  /** The beat, the Arbiter's decision and quarantine changes in the ledger. */
  private ledgerBeat(appends: LedgerAppends, s: BeatSnapshot, quarantineChanged: boolean): void {
    if (appends.due(`beat:${s.beat}`)) appends.append('pulse.beat', s as unknown as Record<string, unknown>)
    if (s.decision !== 'NONE') {
      appends.append('pulse.decision', {
        beat: s.beat,
        decision: s.decision,
        threat: s.cores.entropy.threat,
        weighted: s.weighted,
        genome: s.genome,
        repair: s.cores.regen.recommendations,
      })
    }
    if (quarantineChanged) {
      appends.append('pulse.quarantine', {
        beat: s.beat,
        active: s.quarantine.active,
        threat: s.cores.entropy.threat,
      })
    }
  }

  /** Witness entries of the beat: the transducer state, and the collapse when it changed. */
  private witnessBeat(
    appends: LedgerAppends,
    prev: PulseRow,
    number: number,
    sample: number,
    kairos: KairosReading,
    mesh?: BeatSnapshot['mesh'],
  ): void {
    if (appends.due(`witness:${number}`)) {
      appends.append('witness.state', {
        beat: number,
        sample,
        ...kairos,
        ...(mesh && { mesh: { t_global: mesh.t_global, delta_phase: mesh.delta_phase, r: mesh.r } }),
      })
    }
    if (kairos.collapse !== prev.collapsed && appends.due(`collapse:${number}`)) {
      appends.append('witness.collapse', {
        beat: number,
        sample,
        collapse: kairos.collapse,
        sync_power: kairos.sync_power,
        i_c: prev.config.kairos.i_c,
      })
    }
  }

  doc(holon: string): PulseDoc {
    const last = this.store.lastBeat()
    return {
      holon,
      running: this.row.running,
      beat: this.row.beat,
      next_beat_at: this.nextAt() === null ? null : new Date(this.nextAt() as number).toISOString(),
      config: this.row.config,
      alert: last !== null && last.cores.entropy.threat >= THREAT_ALERT,
      quarantined: this.quarantined,
      last,
    }
  }
}
