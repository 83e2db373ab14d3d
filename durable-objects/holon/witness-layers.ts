// The four witnessing layers (BecomingONE §10) in the holon's ledger: micro per commit call, meso per beat,
// macro per collapse change, meta over the witness record itself; each at its interval and verification level.
import { META_MAX_ENTRIES, witnessDigest } from '../../functions/kairos/index.ts'
import type { KairosReading, WitnessingConfig, WitnessLayer } from '../../schemas/pulse.ts'
import type { LedgerAppends } from '../shared/sql-ledger.ts'
import type { PulseStore } from './pulse-store.ts'

/** When each layer last wrote (epoch ms), read from the ledger once per object life. */
interface WitnessClock {
  micro: number | null
  meso: number | null
  /** the last witness.meta entry's time, null before the first */
  metaAt: number | null
  /** the last witness entry a witness.meta covered (-1: none) */
  metaTo: number
  /** the last witness.meta stopped at META_MAX_ENTRIES: the next one is due at once */
  metaCapped: boolean
  /** the first witness entry's time (the meta interval runs from it until the first meta) */
  firstAt: number | null
}

/** A KAIROS reading as a witness records a phase: T_sync, its argument, delta_phase, collapse. */
const phaseOf = (r: KairosReading) => ({
  sync: r.sync,
  arg: Math.atan2(r.sync.im, r.sync.re),
  delta_phase: r.delta_phase,
  collapse: r.collapse,
})

const elapsed = (last: number | null, nowMs: number, interval: number): boolean =>
  last === null || nowMs - last >= interval

export class WitnessLayers {
  private readonly store: PulseStore
  private clock?: WitnessClock

  constructor(store: PulseStore) {
    this.store = store
  }

  /** Drops the clocks after a failed transaction; they are read from the ledger again. */
  reset(): void {
    this.clock = undefined
  }

  /** micro: the commit call's input and output phase, the coherence change and the seqs. */
  micro(
    appends: LedgerAppends,
    w: WitnessingConfig,
    atMs: number,
    call: {
      sample: number
      first_seq: number
      last_seq: number
      before: KairosReading
      after: KairosReading
    },
  ): void {
    const clock = this.read()
    if (!on(w, 'micro') || !elapsed(clock.micro, atMs, w.micro_interval_ms)) return
    if (!appends.due(`micro:${call.sample}`)) return
    appends.append('witness.micro', {
      sample: call.sample,
      first_seq: call.first_seq,
      last_seq: call.last_seq,
      input: phaseOf(call.before),
      output: phaseOf(call.after),
      coherence_change: call.after.sync.abs - call.before.sync.abs,
    })
    clock.micro = atMs
    clock.firstAt ??= atMs
  }

  /** meso: the transducer states at a beat. */
  meso(
    appends: LedgerAppends,
    w: WitnessingConfig,
    nowMs: number,
    beat: number,
    sample: number,
    k: KairosReading,
    extra?: Record<string, unknown>,
  ) {
    const clock = this.read()
    if (!on(w, 'meso') || !elapsed(clock.meso, nowMs, w.meso_interval_ms)) return
    if (!appends.due(`witness:${beat}`)) return
    appends.append('witness.state', { beat, sample, ...k, ...extra })
    clock.meso = nowMs
    clock.firstAt ??= nowMs
  }

  /** macro: a change of the collapse flag at a beat. */
  macro(
    appends: LedgerAppends,
    w: WitnessingConfig,
    nowMs: number,
    beat: number,
    sample: number,
    k: KairosReading,
    threshold: number,
  ): void {
    if (!on(w, 'macro') || !appends.due(`collapse:${beat}`)) return
    appends.append('witness.collapse', {
      beat,
      sample,
      collapse: k.collapse,
      sync_power: k.sync_power,
      coherence_threshold: threshold,
    })
    this.read().firstAt ??= nowMs
  }

  /**
   * meta (W = G[W]): at its interval, the count, index range and SHA3-256 digest of the hashes of the
   * witness entries after the last meta's range (that meta included, so metas chain). Covers what the
   * ledger holds before this transaction, at most META_MAX_ENTRIES at a time.
   */
  meta(appends: LedgerAppends, w: WitnessingConfig, nowMs: number): void {
    if (!on(w, 'meta')) return
    const clock = this.read()
    const since = clock.metaAt ?? clock.firstAt
    if (since === null) return
    if (!clock.metaCapped && nowMs - since < w.meta_interval_ms) return
    const covered = this.store.witnessHashes(clock.metaTo, META_MAX_ENTRIES)
    // only earlier metas since the last one: nothing new to witness
    if (covered.every((e) => e.kind === 'witness.meta')) return
    const d = witnessDigest(covered)
    if (!d || !appends.due(`meta:${d.to_index}`)) return
    appends.append('witness.meta', { ...d, previous_to_index: clock.metaTo })
    clock.metaAt = nowMs
    clock.metaTo = d.to_index
    clock.metaCapped = d.count >= META_MAX_ENTRIES
  }

  private read(): WitnessClock {
    if (this.clock) return this.clock
    const meta = this.store.lastWitness('witness.meta')
    this.clock = {
      micro: this.store.lastWitness('witness.micro')?.at ?? null,
      meso: this.store.lastWitness('witness.state')?.at ?? null,
      metaAt: meta?.at ?? null,
      metaTo: meta ? Number(meta.data.to_index) : -1,
      metaCapped: meta ? Number(meta.data.count) >= META_MAX_ENTRIES : false,
      firstAt: this.store.firstWitnessAt(),
    }
    return this.clock
  }
}

const on = (w: WitnessingConfig, layer: WitnessLayer) => w.layers.includes(layer)
