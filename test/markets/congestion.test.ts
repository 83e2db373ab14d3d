// bestResponseDynamics(): Pigou and Braess known answers, brute-force Nash and optimum checks on random games,
// Rosenthal's potential at every move, determinism, refusals and budgets.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BudgetExceededError, StepBudget } from '../../functions/budget/index.ts'
import {
  bestResponseDynamics,
  CongestionError,
  type CongestionGame,
  type GameEdge,
} from '../../functions/markets/index.ts'
import { gridGame } from './instances.ts'

// --- the test's own reference: latencies, path enumeration, costs, potential (independent of the code) ---

const ref = (e: GameEdge, x: number): number =>
  'a' in e
    ? e.a + e.b * x ** (e.power ?? 1)
    : e.free * (1 + (e.alpha ?? 0.15) * (x / e.capacity) ** (e.beta ?? 4))

function allPaths(g: CongestionGame, s: number, t: number): number[][] {
  const out: number[][] = []
  const seen = new Set<number>([s])
  const walk = (u: number, acc: number[]) => {
    if (u === t) return void out.push([...acc])
    g.edges.forEach((e, i) => {
      const hops: number[] = []
      if (e.from === u) hops.push(e.to)
      if (g.directed === false && e.to === u) hops.push(e.from)
      for (const v of hops) {
        if (seen.has(v)) continue
        seen.add(v)
        walk(v, [...acc, i])
        seen.delete(v)
      }
    })
  }
  walk(s, [])
  return out
}

const loadsOf = (g: CongestionGame, profile: readonly (readonly number[])[]): number[] => {
  const x = g.edges.map(() => 0)
  profile.forEach((p, i) => {
    for (const e of p) x[e] = (x[e] as number) + (g.agents[i]?.demand ?? 1)
  })
  return x
}
const pathCost = (g: CongestionGame, x: number[], p: readonly number[]) =>
  p.reduce((s, e) => s + ref(g.edges[e] as GameEdge, x[e] as number), 0)
const social = (g: CongestionGame, profile: readonly (readonly number[])[]) => {
  const x = loadsOf(g, profile)
  return profile.reduce((s, p, i) => s + (g.agents[i]?.demand ?? 1) * pathCost(g, x, p), 0)
}
/** Largest gain any agent could get by switching alone (cost of the alternative with its demand moved). */
function maxGain(g: CongestionGame, profile: readonly (readonly number[])[]): number {
  let gain = 0
  profile.forEach((p, i) => {
    const here = pathCost(g, loadsOf(g, profile), p)
    for (const q of allPaths(g, g.agents[i]?.from as number, g.agents[i]?.to as number)) {
      const moved = profile.map((r, j) => (j === i ? q : r))
      gain = Math.max(gain, here - pathCost(g, loadsOf(g, moved), q))
    }
  })
  return gain
}
/** Rosenthal's potential of an unweighted game: sum over edges of l_e(1) + ... + l_e(x_e). */
const rosenthal = (g: CongestionGame, profile: readonly (readonly number[])[]) =>
  loadsOf(g, profile).reduce((s, x, e) => {
    let t = s
    for (let k = 1; k <= x; k++) t += ref(g.edges[e] as GameEdge, k)
    return t
  }, 0)
function bruteOptimum(g: CongestionGame): number {
  const choices = g.agents.map((a) => allPaths(g, a.from, a.to))
  let best = Number.POSITIVE_INFINITY
  const pick = (i: number, acc: number[][]) => {
    if (i === choices.length) {
      best = Math.min(best, social(g, acc))
      return
    }
    for (const p of choices[i] as number[][]) pick(i + 1, [...acc, p])
  }
  pick(0, [])
  return best
}

const unit = (n: number, from = 0, to = 1) => Array.from({ length: n }, (_, i) => ({ id: `a${i}`, from, to }))

describe('Pigou (atomic)', () => {
  // s=0 -> t=1 over a congestible edge l(x) = x and a constant edge l = n - 1/2 (the half rules out ties).
  // With k agents on top: a top agent stays iff k <= n - 1/2, a bottom agent stays iff k + 1 >= n - 1/2,
  // so the unique equilibrium is k = n - 1. For n = 4: cost 3*3 + 1*3.5 = 12.5. The optimum minimises
  // k^2 + (4 - k) * 3.5 over k = 0..4: 12.5+... -> k = 2 gives 4 + 7 = 11. PoA = 12.5 / 11 = 25/22.
  const pigou = (n: number): CongestionGame => ({
    nodes: 2,
    edges: [
      { from: 0, to: 1, a: 0, b: 1 },
      { from: 0, to: 1, a: n - 0.5, b: 0 },
    ],
    agents: unit(n),
  })

  it('4 agents: three on the congestible edge, social cost 12.5, exact optimum 11, PoA 25/22', () => {
    const r = bestResponseDynamics(pigou(4))
    expect(r.converged).toBe(true)
    expect(r.loads).toEqual([3, 1])
    expect(r.social_cost).toBe(12.5)
    expect(r.optimum).toEqual({ social_cost: 11, method: 'exact' })
    expect(r.price_of_anarchy).toBeCloseTo(25 / 22, 12)
    expect(r.epsilon).toBe(0)
  })

  it('2 agents: one each way, cost 1 + 1.5, which is also optimal (PoA 1)', () => {
    const r = bestResponseDynamics(pigou(2))
    expect(r.loads).toEqual([1, 1])
    expect(r.social_cost).toBe(2.5)
    expect(r.price_of_anarchy).toBe(1)
  })
})

describe("Braess's paradox", () => {
  // The textbook instance (Braess 1968; the numbers as in Roughgarden, "Selfish Routing and the Price of
  // Anarchy", 2005, and en.wikipedia.org/wiki/Braess%27s_paradox): 4000 drivers from s to t, s->A and B->t take
  // x/100 minutes, A->t and s->B 45 minutes. Without the link: 2000 each way, 65 minutes. With a zero-cost link
  // A->B: everyone takes s->A->B->t, 80 minutes.
  const s = 0
  const A = 1
  const B = 2
  const t = 3
  const base: GameEdge[] = [
    { from: s, to: A, a: 0, b: 0.01 },
    { from: A, to: t, a: 45, b: 0 },
    { from: s, to: B, a: 45, b: 0 },
    { from: B, to: t, a: 0, b: 0.01 },
  ]
  const drivers = unit(4000, s, t)

  it('without the link: 65 minutes each; with it: 80 each, the equilibrium cost rises', () => {
    const before = bestResponseDynamics({ nodes: 4, edges: base, agents: drivers })
    const after = bestResponseDynamics({
      nodes: 4,
      edges: [...base, { from: A, to: B, a: 0, b: 0 }],
      agents: drivers,
    })
    expect(before.converged && after.converged).toBe(true)
    expect(new Set(before.paths.map((p) => p.cost))).toEqual(new Set([65]))
    expect(before.social_cost).toBe(260_000)
    expect(new Set(after.paths.map((p) => p.cost))).toEqual(new Set([80]))
    expect(after.social_cost).toBe(320_000)
    expect(after.loads).toEqual([4000, 0, 0, 4000, 4000])
  })

  it('with the link, the local optimum is an upper bound close to the true atomic optimum', () => {
    const g = { nodes: 4, edges: [...base, { from: A, to: B, a: 0, b: 0 }], agents: drivers }
    const r = bestResponseDynamics(g)
    // the true optimum by the test's own enumeration of (n1, n2, n3) = drivers on s-A-t, s-B-t, s-A-B-t
    let opt = Number.POSITIVE_INFINITY
    for (let n3 = 0; n3 <= 4000; n3++)
      for (let n1 = 0; n1 + n3 <= 4000; n1++) {
        const n2 = 4000 - n1 - n3
        opt = Math.min(opt, (n1 + n3) ** 2 / 100 + 45 * (n1 + n2) + (n2 + n3) ** 2 / 100)
      }
    expect(opt).toBe(258_750) // n3 = 500: the link is worth using a little, at the optimum
    expect(r.optimum?.method).toBe('local')
    expect(r.optimum?.social_cost).toBeGreaterThanOrEqual(opt - 1e-6)
    expect(r.optimum?.social_cost).toBeLessThanOrEqual(opt * 1.001)
    expect(r.price_of_anarchy).toBeLessThanOrEqual(320_000 / opt + 1e-12) // a lower bound of the true PoA
    expect(r.price_of_anarchy).toBeGreaterThan(1.2)
  })
})

/** A random small game from a seed: up to 6 nodes, linear or BPR edges, a few agents with reachable pairs. */
function randomGame(
  seed: number,
  opts: { weighted?: boolean; directed?: boolean; agents?: number } = {},
): CongestionGame {
  let x = seed >>> 0 || 1
  const rnd = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
  const nodes = 4 + Math.floor(rnd() * 3)
  const edges: GameEdge[] = []
  for (let u = 0; u < nodes; u++)
    for (let v = 0; v < nodes; v++)
      if ((opts.directed === false ? u < v : u !== v) && rnd() < 0.45)
        edges.push(
          rnd() < 0.5
            ? { from: u, to: v, a: Math.floor(rnd() * 5), b: 1 + Math.floor(rnd() * 3) }
            : {
                from: u,
                to: v,
                free: 1 + Math.floor(rnd() * 4),
                capacity: 1 + Math.floor(rnd() * 2),
                beta: 2,
              },
        )
  const g: CongestionGame = { nodes, edges, agents: [], directed: opts.directed ?? true }
  for (let i = 0; g.agents.length < (opts.agents ?? 3 + (seed % 3)) && i < 50; i++) {
    const from = Math.floor(rnd() * nodes)
    const to = Math.floor(rnd() * nodes)
    if (from === to || allPaths(g, from, to).length === 0) continue
    g.agents.push({
      id: `a${g.agents.length}`,
      from,
      to,
      demand: opts.weighted ? 1 + Math.floor(rnd() * 2) : 1,
    })
  }
  return g
}

describe('random small games against brute force', () => {
  const check = (g: CongestionGame, start: 'sequential' | 'free_flow' = 'sequential') => {
    const r = bestResponseDynamics(g, { start })
    expect(r.converged).toBe(true)
    const profile = r.paths.map((p) => p.edges)
    profile.forEach((p, i) => {
      const a = g.agents[i] as CongestionGame['agents'][number]
      expect(allPaths(g, a.from, a.to)).toContainEqual(p)
    })
    // no agent can gain more than the reported epsilon (itself within the requested 1e-9)
    const gain = maxGain(g, profile)
    expect(gain).toBeLessThanOrEqual(r.epsilon + 1e-9)
    expect(r.epsilon).toBeLessThanOrEqual(1e-9)
    expect(r.social_cost).toBeCloseTo(social(g, profile), 9)
    if (r.optimum?.method === 'exact') expect(r.optimum.social_cost).toBeCloseTo(bruteOptimum(g), 9)
    else expect(r.optimum?.social_cost).toBeGreaterThanOrEqual(bruteOptimum(g) - 1e-9)
    expect(r.price_of_anarchy).toBeGreaterThanOrEqual(1 - 1e-12)
  }
  it('unweighted, directed: an epsilon-Nash profile, the exact optimum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        check(randomGame(seed), 'sequential')
        check(randomGame(seed), 'free_flow')
      }),
      {
        numRuns: 60,
      },
    )
  })
  it('unweighted, undirected: the same', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) =>
        check(randomGame(seed, { directed: false })),
      ),
      { numRuns: 40 },
    )
  })
  it('demands 1 and 2 (weighted linear and BPR): the same', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) =>
        check(randomGame(seed, { weighted: true })),
      ),
      { numRuns: 40 },
    )
  })
})

describe("Rosenthal's potential", () => {
  it('falls strictly at every move, by exactly the mover’s gain, on random unweighted games', () => {
    let moves = 0
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const g = randomGame(seed, { agents: 6 })
        // the profile before the first move: the same deterministic start, stopped before any round
        const start = 'free_flow' as const
        let prev = bestResponseDynamics(g, { start, maxRounds: 0, optimum: false }).paths.map((p) => p.edges)
        bestResponseDynamics(g, {
          start,
          optimum: false,
          onMove: (i, profile) => {
            moves++
            const next = profile.map((p) => [...p])
            const gain =
              pathCost(g, loadsOf(g, prev), prev[i] as number[]) -
              pathCost(g, loadsOf(g, next), next[i] as number[])
            expect(gain).toBeGreaterThan(0)
            expect(rosenthal(g, prev) - rosenthal(g, next)).toBeCloseTo(gain, 9)
            prev = next
          },
        })
      }),
      { numRuns: 80 },
    )
    expect(moves).toBeGreaterThan(10) // the property was exercised, not vacuous
  })
})

describe('determinism, limits and refusals', () => {
  it('the same game gives the same answer', () => {
    const g = randomGame(7)
    expect(bestResponseDynamics(g)).toEqual(bestResponseDynamics(g))
  })

  it('stopped after one round: converged false and the remaining epsilon is what an agent can still gain', () => {
    // a 4x4 grid whose dynamics from the free-flow start need three rounds (a move in the second)
    const start = 'free_flow' as const
    const g = gridGame(4, 12, 2)
    expect(bestResponseDynamics(g, { start }).rounds).toBeGreaterThan(2)
    const r = bestResponseDynamics(g, { start, maxRounds: 1 })
    expect(r.converged).toBe(false)
    expect(r.rounds).toBe(1)
    const gain = maxGain(
      g,
      r.paths.map((p) => p.edges),
    )
    expect(r.epsilon).toBeGreaterThan(0)
    // best responses with the agent's demand moved are exactly what maxGain enumerates
    expect(r.epsilon).toBeCloseTo(gain, 9)
  })

  it('refuses unknown nodes, unreachable destinations and decreasing latencies with named errors', () => {
    const edges: GameEdge[] = [{ from: 0, to: 1, a: 1, b: 1 }]
    const err = (g: CongestionGame) => {
      try {
        bestResponseDynamics(g)
      } catch (e) {
        return e instanceof CongestionError ? [e.issue, e.pointer] : e
      }
      return 'no error'
    }
    expect(err({ nodes: 2, edges, agents: [{ id: 'x', from: 0, to: 2 }] })).toEqual([
      'unknown_node',
      '/agents/0/to',
    ])
    expect(err({ nodes: 2, edges, agents: [{ id: 'x', from: 1, to: 0 }] })).toEqual([
      'disconnected',
      '/agents/0',
    ])
    expect(err({ nodes: 2, edges: [{ from: 0, to: 1, a: 1, b: -1 }], agents: unit(1) })).toEqual([
      'invalid_edge',
      '/edges/0',
    ])
  })

  it('undirected edges are used both ways and carry both directions’ load', () => {
    const g: CongestionGame = {
      nodes: 2,
      directed: false,
      edges: [{ from: 0, to: 1, a: 0, b: 1 }],
      agents: [
        { id: 'p', from: 0, to: 1 },
        { id: 'q', from: 1, to: 0 },
      ],
    }
    const r = bestResponseDynamics(g)
    expect(r.loads).toEqual([2])
    expect(r.paths.map((p) => p.cost)).toEqual([2, 2])
  })

  it('stops with a BudgetExceededError naming equilibrium_steps when the budget is too small', () => {
    const budget = new StepBudget('equilibrium_steps', 50, 1)
    expect(() => bestResponseDynamics(randomGame(3), { budget })).toThrow(BudgetExceededError)
    try {
      bestResponseDynamics(randomGame(3), { budget: new StepBudget('equilibrium_steps', 50, 1) })
    } catch (e) {
      expect((e as BudgetExceededError).budget).toBe('equilibrium_steps')
    }
  })
})
