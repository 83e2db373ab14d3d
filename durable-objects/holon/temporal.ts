// Read documents of the pulse: the status block of /state and the temporal memory with reconstruction.
import type { TemporalDoc } from '../../schemas/pulse.ts'
import type { HolonPulse } from './pulse.ts'

export function status(p: HolonPulse) {
  const d = p.doc('')
  const last = d.last
  return {
    running: d.running,
    beat: d.beat,
    decision: last?.decision ?? null,
    threat: last?.cores.entropy.threat ?? null,
    alert: d.alert,
    quarantined: d.quarantined,
    coherence: last ? last.kairos.sync.abs : null,
  }
}

/** Beat snapshots in [from, to]; with `at`, the KAIROS state at that time replayed from the stored samples. */
export function temporalDoc(
  p: HolonPulse,
  holon: string,
  fromMs: number,
  toMs: number,
  limit: number,
  atMs?: number,
): TemporalDoc {
  const doc: TemporalDoc = { holon, snapshots: p.store.beats(fromMs, toMs, limit) }
  if (atMs !== undefined) {
    const { engine, lastAt } = p.store.rebuildKairos(p.config.kairos, atMs)
    const kairos = engine.reading()
    const mesh = p.meshSync.at(atMs, kairos.sync)
    doc.reconstructed = {
      at: new Date(atMs).toISOString(),
      last_sample_at: lastAt === null ? null : new Date(lastAt).toISOString(),
      kairos,
      ...(mesh && { mesh }),
    }
  }
  return doc
}
