// The cause and counterfactual endpoints in workerd: attribution of a torsion rise and of a refusal, what-if
// replays without events or under another kernel, the budget, and that nothing changes.
import { describe, expect, it } from 'vitest'
import type { KernelInput } from '../../schemas/kernel.ts'
import { ADMIN, call, commit, createHolon, state } from '../support/http.ts'

const flagged: KernelInput = {
  id: 'quality',
  aggregates: { good: { fold: 'sum', expr: 'event.good' }, n: { fold: 'count' } },
  invariants: {
    Quality: { score: 'agg.n == 0 ? 1.0 : agg.good / agg.n', threshold: 0.8, weight: 2 },
    Volume: { score: 'agg.n < 100.0 ? 1.0 : 0.0', threshold: 1 },
  },
  gate: { on_torsion: 'flag', admit_improving: false },
}
const strict: KernelInput = { ...flagged, gate: { on_torsion: 'reject', admit_improving: false } }
const ev = (id: string, good: number) => ({ id, good })

const cause = (id: string, query = '') => call('GET', `/v1/holons/${id}/lab/cause${query}`)
const whatIf = (id: string, body: unknown) => call('POST', `/v1/holons/${id}/lab/counterfactual`, body)
const ledgerOf = async (id: string) => (await call('GET', `/v1/holons/${id}`)).body.ledger

describe('GET /lab/cause', () => {
  it('attributes a torsion rise to the events that caused it and the invariant that moved', async () => {
    const id = await createHolon(flagged)
    await commit(id, { events: [ev('a', 1), ev('b', 1), ev('c', 1), ev('d', 1)] }) // entries 1..4
    await commit(id, { events: [ev('bad1', 0), ev('ok', 1), ev('bad2', 0)] }) // entries 5..7
    const r = await cause(id, '?from=4&to=7')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ from: 4, to: 7, method: 'exact', kernel_version: 1, torsion_before: 0 })
    expect(r.body.torsion_after).toBe((await state(id)).body.torsion)
    // 5 good of 7: Quality 5/7, cost 2 * (0.8 - 5/7)^2
    expect(r.body.torsion_after).toBeCloseTo(2 * (0.8 - 5 / 7) ** 2, 12)
    const ids = r.body.events.map((e: { event_id: string }) => e.event_id)
    expect(ids).toEqual(['bad1', 'ok', 'bad2'])
    expect(r.body.events.map((e: { index: number }) => e.index)).toEqual([5, 6, 7])
    const share = Object.fromEntries(
      r.body.events.map((e: { event_id: string; shapley: number }) => [e.event_id, e.shapley]),
    )
    expect(share.bad1).toBeGreaterThan(0)
    expect(share.bad2).toBeCloseTo(share.bad1, 12)
    expect(share.ok).toBeLessThan(0)
    expect(share.bad1 + share.ok + share.bad2).toBeCloseTo(r.body.torsion_after, 12)
    const q = r.body.invariants.find((i: { name: string }) => i.name === 'Quality')
    expect(q).toMatchObject({ before: 1, weighted_delta: r.body.torsion_after })
    expect(q.after).toBeCloseTo(5 / 7, 12)
    expect(r.body.invariants.find((i: { name: string }) => i.name === 'Volume').weighted_delta).toBe(0)
  })

  it('defaults to the last 20 events; samples above 12 with intervals; seeded', async () => {
    const id = await createHolon(flagged)
    const events = Array.from({ length: 30 }, (_, i) => ev(`e${i}`, i % 4 === 0 ? 0 : 1))
    await commit(id, { events })
    const r = await cause(id, '?samples=50&seed=3')
    expect(r.status).toBe(200)
    expect(r.body.events).toHaveLength(20)
    expect(r.body.events[0].event_id).toBe('e10')
    expect(r.body).toMatchObject({ method: 'sampled', samples: 50, seed: 3, from: 10, to: 30 })
    for (const e of r.body.events) expect(e.ci95[0]).toBeLessThanOrEqual(e.ci95[1])
    const sum = r.body.events.reduce((s: number, e: { shapley: number }) => s + e.shapley, 0)
    expect(sum).toBeCloseTo(r.body.torsion_after - r.body.torsion_before, 9)
    expect((await cause(id, '?samples=50&seed=3')).body).toEqual(r.body)
  })

  it('explains a refusal: the refused event carries the torsion it would have caused', async () => {
    const id = await createHolon(strict)
    await commit(id, { events: [ev('a', 1), ev('b', 1), ev('c', 1)] })
    const refused = await commit(id, { event: ev('x', 0) }) // 3/4 < 0.8
    expect(refused.status).toBe(409)
    const index = refused.body.receipt.index as number
    const r = await cause(id, `?refusal=${index}`)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ refusal: index, to: index, from: 0 })
    expect(r.body.events.at(-1)).toMatchObject({ event_id: 'x', index })
    expect(r.body.torsion_after).toBeCloseTo(refused.body.torsion, 12)
    // the three good events alone leave torsion 0: the refused event carries most of it
    expect(r.body.events.at(-1).shapley).toBeGreaterThan(r.body.torsion_after / 2)
    const notRejected = await cause(id, '?refusal=1')
    expect(notRejected.status).toBe(400)
    expect(notRejected.body.detail).toMatch(/not an event.rejected/)
    expect((await cause(id, '?to=999')).status).toBe(400)
    expect((await cause('no-such-holon-cause')).status).toBe(404)
  })

  it('refuses a window beyond its budget with a 422 naming cause_steps', async () => {
    const id = await createHolon(flagged)
    await commit(id, { events: Array.from({ length: 200 }, (_, i) => ev(`e${i}`, i % 2)) })
    const r = await cause(id, '?from=0&samples=10000')
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({ budget: 'cause_steps', unit: 'steps' })
  })
})

describe('POST /lab/counterfactual', () => {
  /** a b c d good (1.0), e bad (4/5 = 0.8: admitted), f bad (4/6: refused), g good (5/6). Entries 1..7. */
  async function history() {
    const id = await createHolon(strict)
    await commit(id, { events: [ev('a', 1), ev('b', 1), ev('c', 1), ev('d', 1), ev('e', 0)] })
    expect((await commit(id, { event: ev('f', 0) })).status).toBe(409)
    expect((await commit(id, { event: ev('g', 1) })).status).toBe(201)
    return id
  }

  it('without an event: a refused event would have been admitted; nothing changes', async () => {
    const id = await history()
    const before = await ledgerOf(id)
    const stateBefore = (await state(id)).body
    const same = await whatIf(id, {})
    expect(same.body).toMatchObject({ kernel: 'as_gated', dropped: 0, replayed: 7, changed_verdicts: [] })
    expect(same.body.final).toEqual(same.body.actual)
    const r = await whatIf(id, { without: ['e'] })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ kernel: 'as_gated', dropped: 1, replayed: 6 })
    expect(r.body.changed_verdicts).toEqual([
      { event_id: 'f', index: 6, actual: 'reject', counterfactual: 'admit' },
    ])
    expect(r.body.actual).toMatchObject({ aggregates: { good: 5, n: 6 }, torsion: stateBefore.torsion })
    expect(r.body.final.aggregates).toEqual({ good: 5, n: 6 }) // a b c d f g
    const after = await ledgerOf(id)
    expect(after.size).toBe(before.size)
    expect(after.root).toBe(before.root)
    expect((await state(id)).body).toMatchObject({ torsion: stateBefore.torsion, events: stateBefore.events })
  })

  it('under another kernel version or an inline kernel; each event under its own version by default', async () => {
    const id = await history()
    const stricter = {
      ...strict,
      invariants: { ...strict.invariants, Quality: { ...strict.invariants.Quality, threshold: 0.9 } },
    }
    expect((await call('PUT', `/v1/holons/${id}/kernel`, { kernel: stricter }, ADMIN)).status).toBe(200)
    const v2 = await whatIf(id, { kernel_version: 2 })
    expect(v2.body.kernel).toBe(2)
    expect(v2.body.changed_verdicts).toEqual([
      { event_id: 'e', index: 5, actual: 'admit', counterfactual: 'reject' },
    ])
    expect(v2.body.final.aggregates).toEqual({ good: 5, n: 5 })
    // as gated: v1 for every event (they were all gated by v1), scored now under v2
    const asGated = await whatIf(id, {})
    expect(asGated.body.changed_verdicts).toEqual([])
    expect(asGated.body.final).toEqual(asGated.body.actual)
    const inline = await whatIf(id, { kernel: stricter, to: 5 })
    expect(inline.body).toMatchObject({ kernel: 'inline', replayed: 5 })
    expect(inline.body.changed_verdicts.map((c: { event_id: string }) => c.event_id)).toEqual(['e'])
    const windowed = await whatIf(id, { kernel_version: 2, from: 6 })
    // a..e folded as they were (e included): f refused again, g (5/6 < 0.9) refused too
    expect(windowed.body).toMatchObject({ replayed: 2 })
    expect(windowed.body.changed_verdicts).toEqual([
      { event_id: 'g', index: 7, actual: 'admit', counterfactual: 'reject' },
    ])
    expect((await whatIf(id, { kernel_version: 9 })).status).toBe(400)
    expect((await whatIf(id, { kernel_version: 1, kernel: strict })).status).toBe(400)
    const broken = await whatIf(id, {
      kernel: { ...strict, invariants: { Q: { score: 'agg.nope +', threshold: 1 } } },
    })
    expect(broken.status).toBe(400)
    expect(broken.body.type).toMatch(/kernel_invalid/)
  })
})
