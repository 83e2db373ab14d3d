// POST /v1/markets/shapley in workerd: exact and sampled shares, precise 400s, and the 422 naming the budget.
import { describe, expect, it } from 'vitest'
import { call } from '../support/http.ts'

const pool = {
  kind: 'pool',
  players: [
    { id: 'a', demand: 1 },
    { id: 'b', demand: 1 },
    { id: 'c', demand: 2 },
  ],
  unit_capacity: 2,
  unit_cost: 10,
}

describe('POST /v1/markets/shapley', () => {
  it('shares a pool exactly: c(a)=c(b)=c(c)=c(ab)=10, c(ac)=c(bc)=c(abc)=20 gives 5, 5, 10', async () => {
    const r = await call('POST', '/v1/markets/shapley', { game: pool })
    expect(r.status).toBe(200)
    expect(r.body.method).toBe('exact')
    expect(r.body.total).toBe(20)
    expect(r.body.shares).toEqual([
      { player: 'a', share: expect.closeTo(5, 12) },
      { player: 'b', share: expect.closeTo(5, 12) },
      { player: 'c', share: expect.closeTo(10, 12) },
    ])
    // 2^3 coalition costs + 3 * 2^2 marginals
    expect(r.body.steps).toBe(8 + 12)
  })

  it('the README example: 8-vCPU nodes at 40 plus 12 fixed, demands 6, 3, 3 share 92 as 44, 24, 24', async () => {
    // by hand: c(one)=52, c(acme+other)=92, c(globex+initech)=52, c(all)=92;
    // acme = 52/3 + 2 * 40/6 + 40/3 = 44, globex = 52/3 + 40/6 = 24
    const game = {
      kind: 'pool',
      players: [
        { id: 'acme', demand: 6 },
        { id: 'globex', demand: 3 },
        { id: 'initech', demand: 3 },
      ],
      unit_capacity: 8,
      unit_cost: 40,
      fixed: 12,
    }
    const r = await call('POST', '/v1/markets/shapley', { game })
    expect(r.status).toBe(200)
    expect(r.body.total).toBe(92)
    expect(r.body.shares.map((s: { share: number }) => s.share)).toEqual([
      expect.closeTo(44, 12),
      expect.closeTo(24, 12),
      expect.closeTo(24, 12),
    ])
  })

  it('samples above exact_max: seeded, with intervals, reproducible, summing to the total', async () => {
    const demands = [3, 8, 1, 8, 5, 2, 9, 4, 7, 6]
    const game = {
      kind: 'pool',
      players: demands.map((demand, i) => ({ id: `t${i}`, demand })),
      unit_capacity: 10,
      unit_cost: 4,
      fixed: 1,
    }
    const body = { game, exact_max: 4, samples: 3000, seed: 42 }
    const r = await call('POST', '/v1/markets/shapley', body)
    expect(r.status).toBe(200)
    expect(r.body.method).toBe('sampled')
    expect(r.body.samples).toBe(3000)
    expect(r.body.seed).toBe(42)
    expect(r.body.total).toBe(1 + 4 * 6) // 53 units of load on nodes of 10
    const exact = (await call('POST', '/v1/markets/shapley', { game })).body.shares
    let covered = 0
    for (const [i, s] of r.body.shares.entries()) {
      expect(s.player).toBe(`t${i}`)
      if (s.ci95[0] <= exact[i].share && exact[i].share <= s.ci95[1]) covered++
    }
    expect(covered).toBeGreaterThanOrEqual(8)
    expect(r.body.shares.reduce((a: number, s: { share: number }) => a + s.share, 0)).toBeCloseTo(25, 9)
    expect((await call('POST', '/v1/markets/shapley', body)).body).toEqual(r.body)
  })

  it('refuses bad games with 400 problems pointing into the body', async () => {
    const refused = async (body: unknown, pointer: string) => {
      const r = await call('POST', '/v1/markets/shapley', body)
      expect(r.status).toBe(400)
      expect(r.type).toContain('application/problem+json')
      expect(r.body.type).toBe('/problems/validation_failed')
      expect(r.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer)
    }
    await refused({ game: { kind: 'table', players: ['a', 'b'], costs: [0, 1, 2] } }, '/game/costs')
    await refused({ game: { kind: 'table', players: ['a'], costs: [1, 2] } }, '/game/costs/0')
    await refused({ game: { kind: 'table', players: ['a', 'a'], costs: [0, 1, 1, 2] } }, '/game/players/1')
    await refused({ game: { ...pool, unit_capacity: 0 } }, '/game/unit_capacity')
    await refused({ game: { ...pool, players: [{ id: 'a', demand: -1 }] } }, '/game/players/0/demand')
    await refused({ game: { ...pool, players: [] } }, '/game/players')
    await refused({ game: { kind: 'airport', players: [{ id: 'x', need: 1 }], extra: 1 } }, '/game')
    await refused({ game: { kind: 'lottery', players: [] } }, '/game/kind')
    await refused({ game: pool, samples: 1 }, '/samples')
    await refused({ game: pool, exact_max: 21 }, '/exact_max')
    const tooMany = {
      kind: 'airport',
      players: Array.from({ length: 10_001 }, (_, i) => ({ id: `${i}`, need: 1 })),
    }
    await refused({ game: tooMany }, '/game/players')
  })

  it('answers 422 budget_exceeded naming shapley_steps when the sampling would cost too much', async () => {
    const players = Array.from({ length: 10_000 }, (_, i) => ({ id: `${i}`, demand: i % 7 }))
    const game = { kind: 'pool', players, unit_capacity: 16, unit_cost: 1 }
    const r = await call('POST', '/v1/markets/shapley', { game, samples: 100_000 })
    expect(r.status).toBe(422)
    expect(r.body.type).toBe('/problems/budget_exceeded')
    expect(r.body.budget).toBe('shapley_steps')
    expect(r.body.unit).toBe('steps')
    expect(r.body.limit).toBeGreaterThan(0)
    expect(r.body.cpu_ms).toBeGreaterThan(0)
    // the same game at the default 1,000 samples fits
    expect((await call('POST', '/v1/markets/shapley', { game })).status).toBe(200)
  })

  it('shares an airport game of 10,000 players exactly by its closed form', async () => {
    // needs 1, 2, 3 repeating: the segment [0,1] is shared by all, [1,2] by two thirds, [2,3] by a third
    const players = Array.from({ length: 9999 }, (_, i) => ({ id: `${i}`, need: 1 + (i % 3) }))
    const r = await call('POST', '/v1/markets/shapley', { game: { kind: 'airport', players } })
    expect(r.status).toBe(200)
    expect(r.body.method).toBe('exact')
    expect(r.body.total).toBe(3)
    expect(r.body.shares[0].share).toBeCloseTo(1 / 9999, 12)
    expect(r.body.shares[1].share).toBeCloseTo(1 / 9999 + 1 / 6666, 12)
    expect(r.body.shares[2].share).toBeCloseTo(1 / 9999 + 1 / 6666 + 1 / 3333, 12)
  })

  it('enumerates 20 players exactly within the budget', async () => {
    const players = Array.from({ length: 20 }, (_, i) => ({ id: `p${i}`, demand: 1 + (i % 3) }))
    const r = await call('POST', '/v1/markets/shapley', {
      game: { kind: 'pool', players, unit_capacity: 5, unit_cost: 3, fixed: 1 },
    })
    expect(r.status).toBe(200)
    expect(r.body.method).toBe('exact')
    // demands 1,2,3 repeat: 7 ones, 7 twos, 6 threes = 39 -> 8 units
    expect(r.body.total).toBe(1 + 3 * 8)
    const sum = r.body.shares.reduce((a: number, s: { share: number }) => a + s.share, 0)
    expect(sum).toBeCloseTo(25, 9)
    // equal demands, equal shares
    expect(r.body.shares[0].share).toBeCloseTo(r.body.shares[3].share, 12)
  })
})
