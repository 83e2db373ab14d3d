// Shapley cost shares: the four axioms as properties, a brute force over all n! orders, Littlechild–Owen, sampling.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BudgetExceededError, StepBudget } from '../../functions/budget/index.ts'
import {
  airportShapley,
  type CostGame,
  exactSteps,
  ShapleyGameError,
  sampleShapley,
  shapley,
  shapleyOf,
} from '../../functions/markets/index.ts'
import { mulberry32 } from '../../functions/random/index.ts'

// ---- references written independently of the code under test -------------------------------------------------

/** The cost of a set of player indices, straight from the game's definition (no masks, no increments). */
function costOfSet(game: CostGame, set: number[]): number {
  if (set.length === 0) return 0
  if (game.kind === 'table') return game.costs[set.reduce((m, i) => m + 2 ** i, 0)] as number
  if (game.kind === 'airport') return Math.max(...set.map((i) => game.players[i]?.need as number))
  const load = set.reduce((s, i) => s + (game.players[i]?.demand as number), 0)
  // the core's documented slack: a load within 1e-9 units of a boundary fits below it
  return (game.fixed ?? 0) + game.unit_cost * Math.max(0, Math.ceil(load / game.unit_capacity - 1e-9))
}

/** Shapley by definition: the mean marginal cost over all n! orders of arrival. */
function bruteForce(game: CostGame): number[] {
  const n = game.players.length
  const sum = new Array<number>(n).fill(0)
  let orders = 0
  const walk = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) {
      orders++
      for (let k = 0; k < n; k++) {
        const i = prefix[k] as number
        sum[i] =
          (sum[i] as number) + costOfSet(game, prefix.slice(0, k + 1)) - costOfSet(game, prefix.slice(0, k))
      }
      return
    }
    for (const [j, p] of rest.entries()) walk([...prefix, p], [...rest.slice(0, j), ...rest.slice(j + 1)])
  }
  walk(
    [],
    Array.from({ length: n }, (_, i) => i),
  )
  return sum.map((s) => s / orders)
}

/**
 * Littlechild & Owen (1973), Management Science 20(3) 370-372: in the airport game the Shapley value charges each
 * segment of runway [need_(k-1), need_(k)] equally to the players who need it. Written here as a sum over distinct
 * need levels, not the core's running accumulation.
 */
function littlechildOwen(needs: number[]): number[] {
  const levels = [0, ...new Set(needs)].sort((a, b) => a - b)
  const users = levels.map((level) => needs.filter((x) => x >= level).length)
  return needs.map((mine) => {
    let share = 0
    for (let k = 1; k < levels.length && (levels[k] as number) <= mine; k++)
      share += ((levels[k] as number) - (levels[k - 1] as number)) / (users[k] as number)
    return share
  })
}

const close = (a: number, b: number, scale = 1) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(scale))
/** Element-wise closeness of two share vectors, to 1e-9 of `scale`. */
function expectClose(got: number[], want: number[], scale: number): void {
  expect(got).toHaveLength(want.length)
  for (const [i, g] of got.entries())
    expect(close(g, want[i] as number, scale), `player ${i}: ${g} vs ${want[i]}`).toBe(true)
}
const shares = (game: CostGame, opts = {}) => shapley(game, opts).shares.map((s) => s.share)
const ids = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`)

// ---- arbitraries ----------------------------------------------------------------------------------------------

const cost = fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true })
const tableGame = (minN: number, maxN: number) =>
  fc
    .integer({ min: minN, max: maxN })
    .chain((n) => fc.array(cost, { minLength: 2 ** n, maxLength: 2 ** n }).map((c) => ({ n, c })))
    .map(({ n, c }): CostGame => ({ kind: 'table', players: ids(n), costs: [0, ...c.slice(1)] }))
const airportGame = (maxN: number) =>
  fc
    .array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: maxN })
    .map((needs): CostGame => ({ kind: 'airport', players: needs.map((need, i) => ({ id: `p${i}`, need })) }))
const poolGame = (maxN: number) =>
  fc
    .record({
      demands: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: maxN }),
      unit_capacity: fc.integer({ min: 1, max: 12 }),
      unit_cost: fc.integer({ min: 0, max: 100 }),
      fixed: fc.integer({ min: 0, max: 30 }),
    })
    .map(
      (g): CostGame => ({
        kind: 'pool',
        players: g.demands.map((demand, i) => ({ id: `p${i}`, demand })),
        unit_capacity: g.unit_capacity,
        unit_cost: g.unit_cost,
        fixed: g.fixed,
      }),
    )
const anyGame = (maxN: number) => fc.oneof(tableGame(1, Math.min(maxN, 8)), airportGame(maxN), poolGame(maxN))

// ---- exact ----------------------------------------------------------------------------------------------------

describe('exact Shapley shares', () => {
  it('equal the mean marginal over all n! orders (brute force, n <= 6)', () => {
    fc.assert(
      fc.property(anyGame(6), (game) => {
        const got = shapley(game)
        expect(got.method).toBe('exact')
        const want = bruteForce(game)
        const scale = Math.max(1, ...want.map(Math.abs))
        expectClose(
          got.shares.map((s) => s.share),
          want,
          scale,
        )
      }),
      { numRuns: 150 },
    )
  })

  it('efficiency: the shares sum to the cost of the grand coalition (n <= 8 tables, pool and airport to 12)', () => {
    fc.assert(
      fc.property(fc.oneof(tableGame(1, 8), airportGame(12), poolGame(12)), (game) => {
        const r = shapley(game)
        const all = game.players.map((_, i) => i)
        expect(r.total).toBe(costOfSet(game, all))
        const sum = r.shares.reduce((a, s) => a + s.share, 0)
        expect(close(sum, r.total, 1000)).toBe(true)
      }),
      { numRuns: 150 },
    )
  })

  it('symmetry: two interchangeable players get equal shares', () => {
    fc.assert(
      fc.property(tableGame(2, 8), fc.nat(), fc.nat(), (base, a, b) => {
        if (base.kind !== 'table') return
        const n = base.players.length
        const i = a % n
        const j = (i + 1 + (b % (n - 1))) % n
        // cost(S) depends on S only through S with i and j swapped into a canonical order
        const swap = (m: number) => {
          const bi = (m >> i) & 1
          const bj = (m >> j) & 1
          return bi === bj ? m : m ^ (1 << i) ^ (1 << j)
        }
        const costs = base.costs.map((_, m) => base.costs[Math.min(m, swap(m))] as number)
        const s = shares({ ...base, costs })
        expect(close(s[i] as number, s[j] as number, 1000)).toBe(true)
      }),
      { numRuns: 150 },
    )
    // and in the structured games: equal demands, equal needs
    const pool = shares({
      kind: 'pool',
      players: [3, 5, 3, 1].map((demand, i) => ({ id: `p${i}`, demand })),
      unit_capacity: 4,
      unit_cost: 7,
      fixed: 2,
    })
    expect(pool[0]).toBeCloseTo(pool[2] as number, 12)
    const airport = shares({
      kind: 'airport',
      players: [4, 9, 9, 2].map((need, i) => ({ id: `p${i}`, need })),
    })
    expect(airport[1]).toBeCloseTo(airport[2] as number, 12)
  })

  it('null player: zero marginal cost everywhere gives a zero share', () => {
    fc.assert(
      fc.property(tableGame(2, 8), fc.nat(), (base, a) => {
        if (base.kind !== 'table') return
        const k = a % base.players.length
        const costs = base.costs.map((_, m) => base.costs[m & ~(1 << k)] as number)
        expect(shares({ ...base, costs })[k]).toBe(0)
      }),
      { numRuns: 150 },
    )
    expect(shares({ kind: 'airport', players: [5, 0, 3].map((need, i) => ({ id: `p${i}`, need })) })[1]).toBe(
      0,
    )
    const pool: CostGame = {
      kind: 'pool',
      players: [2, 0, 3].map((demand, i) => ({ id: `p${i}`, demand })),
      unit_capacity: 2,
      unit_cost: 5,
    }
    expect(shares(pool)[1]).toBe(0)
  })

  it('additivity: the shares of v + w are the shares of v plus the shares of w', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(tableGame(n, n), tableGame(n, n))),
        ([v, w]) => {
          if (v.kind !== 'table' || w.kind !== 'table') return
          const sum: CostGame = { ...v, costs: v.costs.map((c, m) => c + (w.costs[m] as number)) }
          const sv = shares(v)
          const sw = shares(w)
          expectClose(
            shares(sum),
            sv.map((x, i) => x + (sw[i] as number)),
            2000,
          )
        },
      ),
      { numRuns: 100 },
    )
  })

  it('airport games: the enumeration and the closed form agree with Littlechild–Owen', () => {
    // a hand-computed case: runway segments 0-1 (3 users), 1-2 (2 users), 2-3 (1 user)
    expect(shares({ kind: 'airport', players: [1, 2, 3].map((need, i) => ({ id: `p${i}`, need })) })).toEqual(
      [expect.closeTo(1 / 3, 12), expect.closeTo(1 / 3 + 1 / 2, 12), expect.closeTo(1 / 3 + 1 / 2 + 1, 12)],
    )
    fc.assert(
      fc.property(airportGame(14), (game) => {
        if (game.kind !== 'airport') return
        const needs = game.players.map((p) => p.need)
        const want = littlechildOwen(needs)
        expectClose(shares(game), want, 50)
        expectClose(airportShapley(needs), want, 50)
      }),
      { numRuns: 100 },
    )
  })

  it('airport games above exactMax: exact at any size by the closed form, one step per player', () => {
    const r = mulberry32(21)
    const needs = Array.from({ length: 5000 }, () => Math.floor(r() * 50))
    const game: CostGame = { kind: 'airport', players: needs.map((need, i) => ({ id: `p${i}`, need })) }
    const got = shapley(game)
    expect(got.method).toBe('exact')
    expect(got.steps).toBe(5000)
    expect(got.total).toBe(Math.max(...needs))
    expectClose(
      got.shares.map((s) => s.share),
      littlechildOwen(needs),
      1000,
    )
    // and at a size both can do, the enumeration agrees with it
    const small: CostGame = {
      kind: 'airport',
      players: needs.slice(0, 14).map((need, i) => ({ id: `p${i}`, need })),
    }
    expectClose(shares(small, { exactMax: 13 }), shares(small), 1000)
  })

  it('a shared pool: two small tenants split a unit, the large one pays for the unit it alone opens', () => {
    // c(a)=c(b)=c(c)=10, c(ab)=10, c(ac)=c(bc)=c(abc)=20 (capacity 2, demands 1, 1, 2): a = 10/3 + 10/6 = 5
    const r = shapley({
      kind: 'pool',
      players: [
        { id: 'a', demand: 1 },
        { id: 'b', demand: 1 },
        { id: 'c', demand: 2 },
      ],
      unit_capacity: 2,
      unit_cost: 10,
    })
    expect(r.shares.map((s) => s.share)).toEqual([
      expect.closeTo(5, 12),
      expect.closeTo(5, 12),
      expect.closeTo(10, 12),
    ])
    expect(r.total).toBe(20)
    expect(r.shares.map((s) => s.player)).toEqual(['a', 'b', 'c'])
  })

  it('regression: a load that sums to a unit boundary in floating point does not open another unit', () => {
    // 0.1 + 0.2 + 0.3 = 0.6000000000000001 in doubles: without the slack the grand coalition cost 2 units
    const game: CostGame = {
      kind: 'pool',
      players: [0.1, 0.2, 0.3].map((demand, i) => ({ id: `p${i}`, demand })),
      unit_capacity: 0.6,
      unit_cost: 10,
    }
    expect(shapley(game).total).toBe(10)
    expect(shapley(game, { exactMax: 0, samples: 50 }).total).toBe(10)
    // every order reaches the same grand-coalition cost, so the sampled shares still sum to it
    const sampled = shapley(game, { exactMax: 0, samples: 50 }).shares.reduce((a, s) => a + s.share, 0)
    expect(sampled).toBeCloseTo(10, 9)
  })

  it('shapleyOf takes any cost function on masks and agrees with the table game', () => {
    const r = mulberry32(7)
    const costs = Array.from({ length: 2 ** 7 }, (_, m) => (m === 0 ? 0 : Math.round(r() * 100)))
    expect(shapleyOf(7, (m) => costs[m] as number)).toEqual(
      bruteForce({ kind: 'table', players: ids(7), costs }).map((x) => expect.closeTo(x, 9)),
    )
    expect(() => shapleyOf(21, () => 0)).toThrow(ShapleyGameError)
  })

  it('counts 2^n + n 2^(n-1) steps and refuses before the work when the budget is short', () => {
    const game: CostGame = { kind: 'airport', players: ids(12).map((id, i) => ({ id, need: i })) }
    // 2^12 coalition costs plus 12 * 2^11 marginals
    expect(shapley(game).steps).toBe(4096 + 12 * 2048)
    expect(exactSteps(12)).toBe(4096 + 12 * 2048)
    const budget = new StepBudget('shapley_steps', 4096 + 12 * 2048 - 1, 1)
    const err = (() => {
      try {
        shapley(game, { budget })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(BudgetExceededError)
    expect((err as BudgetExceededError).budget).toBe('shapley_steps')
    // sampling: n marginals per order plus the grand coalition
    expect(sampleShapley(game, { samples: 30 }).steps).toBe(12 * 31)
    expect(() =>
      sampleShapley(game, { samples: 30, budget: new StepBudget('shapley_steps', 100, 1) }),
    ).toThrow(BudgetExceededError)
  })

  it('refuses malformed games with a pointer into the game', () => {
    const refused = (game: CostGame, pointer: string) => {
      try {
        shapley(game)
      } catch (e) {
        expect(e).toBeInstanceOf(ShapleyGameError)
        expect((e as ShapleyGameError).pointer).toBe(pointer)
        return
      }
      throw new Error('not refused')
    }
    refused({ kind: 'table', players: ['a', 'a'], costs: [0, 1, 1, 2] }, '/players/1')
    refused({ kind: 'table', players: ['a', 'b'], costs: [0, 1, 1] }, '/costs')
    refused({ kind: 'table', players: ['a'], costs: [3, 1] }, '/costs/0')
    refused({ kind: 'table', players: ['a'], costs: [0, Number.NaN] }, '/costs/1')
    refused({ kind: 'airport', players: [{ id: 'a', need: -1 }] }, '/players/0/need')
    refused(
      { kind: 'pool', players: [{ id: 'a', demand: 1 }], unit_capacity: 0, unit_cost: 1 },
      '/unit_capacity',
    )
    refused(
      { kind: 'pool', players: [{ id: 'a', demand: 1 }], unit_capacity: 1, unit_cost: -1 },
      '/unit_cost',
    )
    refused({ kind: 'table', players: ids(17), costs: new Array(2 ** 17).fill(0) }, '/players')
  })
})

// ---- sampled --------------------------------------------------------------------------------------------------

describe('sampled Shapley shares', () => {
  const tenPlayers = (seed: number): CostGame => {
    const r = mulberry32(seed)
    return {
      kind: 'pool',
      players: ids(10).map((id) => ({ id, demand: 1 + Math.floor(r() * 6) })),
      unit_capacity: 8,
      unit_cost: 12,
      fixed: 5,
    }
  }

  it('the 95 % intervals cover the exact share in at least 90 % of seeded trials (n = 10)', () => {
    let covered = 0
    let total = 0
    for (let trial = 0; trial < 60; trial++) {
      const game = tenPlayers(100 + trial)
      const exact = shares(game)
      const r = shapley(game, { exactMax: 5, samples: 200, seed: trial })
      expect(r.method).toBe('sampled')
      for (const [i, s] of r.shares.entries()) {
        const [lo, hi] = s.ci95 as [number, number]
        total++
        if (lo <= (exact[i] as number) && (exact[i] as number) <= hi) covered++
      }
    }
    expect(covered / total).toBeGreaterThanOrEqual(0.9)
  })

  it('the intervals shrink like 1 / sqrt(samples)', () => {
    const game = tenPlayers(9)
    const width = (samples: number) => {
      const r = shapley(game, { exactMax: 5, samples, seed: 3 })
      return r.shares.reduce((a, s) => a + ((s.ci95?.[1] as number) - (s.ci95?.[0] as number)), 0)
    }
    // 16 times the samples: a quarter of the width
    const ratio = width(400) / width(6400)
    expect(ratio).toBeGreaterThan(3.3)
    expect(ratio).toBeLessThan(4.8)
  })

  it('sampled shares sum to the grand coalition cost: every order telescopes to c(N)', () => {
    fc.assert(
      fc.property(fc.oneof(airportGame(30), poolGame(30), tableGame(2, 8)), fc.nat(), (game, seed) => {
        const r = sampleShapley(game, { samples: 20, seed })
        expect(r.method).toBe('sampled')
        const sum = r.shares.reduce((a, s) => a + s.share, 0)
        expect(close(sum, r.total, 2000)).toBe(true)
        expect(r.total).toBe(
          costOfSet(
            game,
            game.players.map((_, i) => i),
          ),
        )
      }),
      { numRuns: 100 },
    )
  })

  it('is reproducible from its seed, and another seed samples other orders', () => {
    const game = tenPlayers(4)
    const a = shapley(game, { exactMax: 5, samples: 100, seed: 11 })
    expect(shapley(game, { exactMax: 5, samples: 100, seed: 11 })).toEqual(a)
    expect(a.seed).toBe(11)
    expect(shapley(game, { exactMax: 5, samples: 100, seed: 12 }).shares).not.toEqual(a.shares)
  })

  it('2,000 interchangeable tenants of a pool: the intervals cover the symmetric exact share c(N) / n', () => {
    const game: CostGame = {
      kind: 'pool',
      players: ids(2000).map((id) => ({ id, demand: 1 })),
      unit_capacity: 5,
      unit_cost: 10,
      fixed: 3,
    }
    const r = shapley(game, { samples: 200, seed: 1 })
    expect(r.method).toBe('sampled')
    expect(r.total).toBe(3 + 10 * 400)
    const exact = r.total / 2000 // symmetry and efficiency pin every share
    const inside = r.shares.filter(
      ({ ci95 }) => (ci95?.[0] as number) <= exact && exact <= (ci95?.[1] as number),
    )
    expect(inside.length / 2000).toBeGreaterThanOrEqual(0.9)
  })
})
