// The Emissary's suggestion, one test per branch, and the meta witness digest against a direct hash.
import { describe, expect, it } from 'vitest'
import { dissipating, suggest, watched, witnessDigest } from '../../functions/kairos/index.ts'
import { sha3_256 } from '../../functions/merkle/index.ts'
import { KairosConfig, type KairosReading } from '../../schemas/pulse.ts'

const reading = (master: number, emissary: number, collapse = false): KairosReading => {
  const sync = { re: (master + emissary) / 2, im: 0, abs: Math.abs(master + emissary) / 2 }
  return {
    samples: 10,
    master: { re: master, im: 0, abs: Math.abs(master) },
    emissary: { re: emissary, im: 0, abs: Math.abs(emissary) },
    delta_phase: Math.abs(Math.abs(master) - Math.abs(emissary)),
    sync,
    sync_power: sync.abs ** 2,
    collapse,
  }
}
const on = KairosConfig.parse({ gate: 'dissipate' })
const off = KairosConfig.parse({})
const scores = [
  { invariant: 'Quality', score: 0.9, threshold: 0.5 },
  { invariant: 'Budget', score: 0.62, threshold: 0.6 },
  { invariant: 'Carbon', score: 0.8, threshold: 0.7 },
]
const ctx = { running: true, scores }

describe('suggest', () => {
  it('hold: incoherent while the gate dissipates, with the numbers that say why', () => {
    const s = suggest(reading(0.9, 0.3), on, ctx)
    expect(s.action).toBe('hold')
    expect(s.reason).toContain('delta_phase 0.6 > delta 0.1')
    expect(s.reason).toContain('I_c 0.95')
    expect(dissipating(reading(0.9, 0.3), on, true)).toBe(true)
  })

  it('realign: the same incoherence with the gate off, or with the pulse stopped', () => {
    expect(suggest(reading(0.9, 0.3), off, ctx).action).toBe('realign')
    const stopped = suggest(reading(0.9, 0.3), on, { ...ctx, running: false })
    expect(stopped.action).toBe('realign')
    expect(stopped.reason).toContain('the pulse is stopped')
    expect(dissipating(reading(0.9, 0.3), on, false)).toBe(false)
  })

  it('delta is the threshold: a gap at or below phase_threshold is not incoherent', () => {
    const wide = KairosConfig.parse({ gate: 'dissipate', phase_threshold: 0.7 })
    expect(suggest(reading(0.9, 0.3), wide, ctx).action).toBe('watch')
    expect(suggest(reading(0.9, 0.8), on, ctx).action).toBe('watch')
    expect(suggest(reading(0.9, 0.79), on, ctx).action).toBe('hold')
  })

  it('proceed: collapsed (even when the moduli differ by more than delta)', () => {
    expect(suggest(reading(1, 0.95, true), on, ctx).action).toBe('proceed')
    expect(suggest(reading(1, 0.8, true), on, ctx)).toMatchObject({ action: 'proceed' })
    expect(dissipating(reading(1, 0.8, true), on, true)).toBe(false)
  })

  it('watch: the invariant nearest its threshold when none is violated', () => {
    expect(suggest(reading(0.5, 0.5), on, ctx)).toMatchObject({ action: 'watch', invariant: 'Budget' })
  })

  it('watch: the most urgent violated invariant first', () => {
    const violated = [
      { invariant: 'A', score: 0.45, threshold: 0.5 }, // urgency 0.1
      { invariant: 'B', score: 0.3, threshold: 0.6 }, // urgency 0.5
      { invariant: 'C', score: 0.61, threshold: 0.6 },
    ]
    const s = suggest(reading(0.5, 0.5), off, { running: true, scores: violated })
    expect(s).toMatchObject({ action: 'watch', invariant: 'B' })
    expect(s.reason).toContain('violated')
    expect(watched([])).toBeNull()
    expect(suggest(reading(0.5, 0.5), off, { running: true, scores: [] }).invariant).toBeUndefined()
  })
})

describe('witnessDigest', () => {
  it('is SHA3-256 over the 32-byte hashes in order, with count and index range', () => {
    const hashes = ['11', '22', 'ab'].map((b) => b.repeat(32))
    const d = witnessDigest(hashes.map((hash, i) => ({ index: 10 + 3 * i, hash })))
    const bytes = Uint8Array.from(
      hashes.flatMap((h) =>
        Array.from({ length: 32 }, (_, i) => Number.parseInt(h.slice(2 * i, 2 * i + 2), 16)),
      ),
    )
    const expected = Array.from(sha3_256(bytes), (b) => b.toString(16).padStart(2, '0')).join('')
    expect(d).toEqual({ count: 3, from_index: 10, to_index: 16, digest: expected })
    // SHA3-256 of the empty string (FIPS 202), so the hash is the standard one
    expect(Array.from(sha3_256(new Uint8Array()), (b) => b.toString(16).padStart(2, '0')).join('')).toBe(
      'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a',
    )
    expect(witnessDigest([])).toBeNull()
  })
})
