// The holon's KAIROS rebuild from SQLite (the last sample of each of the last steps, plus the one before)
// equals an engine fed every stored sample, at any time: a property over random bursts, gaps and grids.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PulseStore } from '../../durable-objects/holon/pulse-store.ts'
import { Kairos } from '../../functions/kairos/index.ts'
import type { KernelInput } from '../../schemas/kernel.ts'
import { KairosConfig } from '../../schemas/pulse.ts'
import { createHolon } from '../support/http.ts'

const kernel: KernelInput = {
  id: 'kairos-store',
  invariants: { A: { score: '1.0', threshold: 0.5 } },
  gate: { on_torsion: 'reject', admit_improving: false },
}

describe('PulseStore.rebuildKairos', () => {
  it('equals the full replay of the stored samples, at the end and at any earlier time', async () => {
    const id = await createHolon(kernel)
    await runInDurableObject(env.HOLON.getByName(id), async (o, s) => {
      const store = (o as unknown as { pulse: { store: PulseStore } }).pulse.store
      await fc.assert(
        fc.property(
          fc.constantFrom(1, 250, 1000, 60_000),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 2, max: 6 }),
          fc.integer({ min: 2, max: 12 }),
          fc.array(
            fc.tuple(
              fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 2 }),
              fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 40 })),
            ),
            { minLength: 1, maxLength: 120 },
          ),
          fc.double({ min: 0, max: 1, noNaN: true }),
          (scale, tau, emissary, master, steps, cut) => {
            const c = KairosConfig.parse({
              tau,
              omega: 1.7,
              tau_scale_ms: scale,
              master_window: master,
              emissary_window: emissary,
            })
            s.storage.sql.exec('DELETE FROM kairos_samples')
            const rows: { phi: number[]; at: number }[] = []
            // samples land 0 to 40 steps apart at a third of a step's resolution: bursts, neighbours, gaps
            let at = 1_700_000_000_000 - (1_700_000_000_000 % scale)
            for (const [phi, gap] of steps) {
              at += Math.floor((gap * scale) / 3)
              rows.push({ phi, at })
              store.addSample(at, 'commit', phi)
            }
            for (const atMs of [
              Number.MAX_SAFE_INTEGER,
              rows[Math.min(rows.length - 1, Math.floor(cut * rows.length))]?.at as number,
            ]) {
              const full = new Kairos(c)
              for (const r of rows) if (r.at <= atMs) full.sample(r.phi, r.at)
              const { engine, lastAt } = store.rebuildKairos(c, atMs)
              const a = engine.reading()
              const b = full.reading()
              expect(a.samples).toBe(b.samples)
              expect(lastAt).toBe(rows.filter((r) => r.at <= atMs).at(-1)?.at ?? null)
              for (const key of ['master', 'emissary', 'sync'] as const) {
                expect(Math.abs(a[key].re - b[key].re)).toBeLessThan(1e-9)
                expect(Math.abs(a[key].im - b[key].im)).toBeLessThan(1e-9)
              }
              expect(a.collapse).toBe(b.collapse)
            }
          },
        ),
        { numRuns: 40 },
      )
    })
  })
})
