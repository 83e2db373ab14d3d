// Work budgets in the core: every algorithm stops within its step budget, and large attacks are refused early.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BudgetExceededError, StepBudget } from '../../functions/budget/index.ts'
import { frechetMean } from '../../functions/geometry/index.ts'
import { mulberry32 } from '../../functions/random/index.ts'
import {
  buildTopology,
  CPU_MS,
  gradientFlow,
  greedyQuality,
  greedyRoute,
  kNearest,
  MAX_PATHS,
  multipath,
  reembed,
  route,
  routeBudget,
  STEPS_PER_MS,
  samplePairs,
  storedEmbedBudget,
  Topology,
  terminationReport,
} from '../../functions/routing/index.ts'

/** n nodes at random points (radius < 0.9), each linked to `degree` random others plus a spanning path. */
function randomGraph(n: number, degree: number, seed = 3): Topology {
  const rnd = mulberry32(seed)
  const t = new Topology(2, n)
  for (let i = 0; i < n; i++) {
    const r = 0.9 * Math.sqrt(rnd())
    const a = 2 * Math.PI * rnd()
    t.addNode({ id: `v${i}`, coords: [r * Math.cos(a), r * Math.sin(a)] })
  }
  for (let i = 1; i < n; i++) t.addEdge(i - 1, i)
  for (let i = 0; i < n; i++) for (let j = 0; j < degree / 2; j++) t.addEdge(i, Math.floor(rnd() * n))
  return t
}

/** Runs f, expects a BudgetExceededError naming `budget`, and returns the error and the milliseconds it took. */
function refused(budget: string, f: () => unknown): { error: BudgetExceededError; ms: number } {
  const t0 = performance.now()
  try {
    f()
  } catch (e) {
    const ms = performance.now() - t0
    expect(e).toBeInstanceOf(BudgetExceededError)
    expect((e as BudgetExceededError).budget).toBe(budget)
    return { error: e as BudgetExceededError, ms }
  }
  throw new Error(`expected the ${budget} budget to be exceeded`)
}

describe('route budgets', () => {
  const big = randomGraph(10_000, 6)

  it('multipath_hyperbolic refuses k above MAX_PATHS before searching (the k = 1000 attack)', () => {
    const { error, ms } = refused('route_paths', () =>
      route(big, { source: 'v0', target: { node: 'v9999' }, algorithm: 'multipath_hyperbolic', k: 1000 }),
    )
    expect(error.limit).toBe(MAX_PATHS)
    expect(error.unit).toBe('paths')
    expect(ms).toBeLessThan(500) // a hang guard, not a speed measurement: the search itself took seconds
  })

  it('multipath with k = 16 on 10,000 nodes stops at the route_steps budget', () => {
    const { error, ms } = refused('route_steps', () =>
      route(big, {
        source: 'v0',
        target: { node: 'v9999' },
        algorithm: 'multipath_hyperbolic',
        k: MAX_PATHS,
      }),
    )
    expect(error.cpuMs).toBe(CPU_MS.route)
    expect(error.limit).toBe(CPU_MS.route * STEPS_PER_MS)
    console.log(`multipath k = 16 on 10,000 nodes refused after ${ms.toFixed(0)} ms`)
  })

  it('200,000 nodes: multipath (k = 16) and gradient flow are refused within the budget, not after minutes', () => {
    const huge = randomGraph(200_000, 8)
    const q = { source: 'v0', target: { node: 'v199999' } } as const
    const m = refused('route_steps', () => route(huge, { ...q, algorithm: 'multipath_hyperbolic', k: 16 }))
    console.log(`multipath k = 16 on 200,000 nodes refused after ${m.ms.toFixed(0)} ms`)
    const g = refused('route_steps', () => route(huge, { ...q, algorithm: 'gradient_flow' }))
    console.log(`gradient flow on 200,000 nodes refused after ${g.ms.toFixed(0)} ms`)
  })

  it('every algorithm stops at its budget, overspending by at most one step of work', () => {
    const t = randomGraph(2000, 6)
    const runs: [string, (b: StepBudget) => unknown][] = [
      ['multipath', (b) => multipath(t, 0, 1999, 8, 1, b)],
      ['gradient flow', (b) => gradientFlow(t, 0, 1999, 1, 1, b)],
      ['greedy', (b) => greedyRoute(t, 0, { node: 1999 }, b)],
      ['k-nearest', (b) => kNearest(t, [0.1, 0.2], 100, undefined, b)],
      ['greedy quality', (b) => greedyQuality(t, samplePairs(t, 500), b)],
      ['termination report', (b) => terminationReport(t, [1, 2, 3], 200, b)],
    ]
    for (const [name, f] of runs) {
      const b = new StepBudget('tiny', 2, 1)
      expect(() => f(b), name).toThrow(BudgetExceededError)
      // incremental spends are one node's neighbourhood at most; up-front estimates (greedy quality's and the
      // termination report's graph searches) may be larger, but then nothing was done
      if (!['greedy quality', 'termination report'].includes(name))
        expect(b.spent, name).toBeLessThan(2 + 2000)
      // and with an ample budget the same work completes
      expect(() => f(new StepBudget('ample', 1e9, 1e5)), name).not.toThrow()
    }
  })

  it('k-nearest by heap returns exactly the k smallest (distance, slot) pairs, nearest first', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: -0.6, max: 0.6, noNaN: true }),
            fc.double({ min: -0.6, max: 0.6, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        fc.integer({ min: 1, max: 70 }),
        fc.boolean(),
        (pts, k, dupes) => {
          const t = new Topology(2)
          // duplicates exercise the tie rule: equal distances come in slot order
          for (const [i, p] of pts.entries())
            t.addNode({ id: `p${i}`, coords: dupes && i % 3 === 0 ? [0.1, 0.1] : p })
          const q = [0.05, -0.02]
          const got = kNearest(t, q, k).map((n) => n.node)
          const key = (i: number) => {
            const x = t.point(i)
            return ((x[0] as number) - 0.05) ** 2 + ((x[1] as number) + 0.02) ** 2
          }
          const brute = t.ids
            .map((_, i) => i)
            .sort((a, b) => {
              const fa = key(a) / (1 - t.point(a).reduce((s, v) => s + v * v, 0))
              const fb = key(b) / (1 - t.point(b).reduce((s, v) => s + v * v, 0))
              return fa - fb || a - b
            })
            .slice(0, k)
          expect(got).toEqual(brute)
        },
      ),
      { numRuns: 150 },
    )
  })
})

describe('embedding and other budgets', () => {
  it('embedding 200,000 stored nodes with 20,000 pairs is refused before any embedding work', () => {
    const huge = randomGraph(200_000, 8)
    const { error, ms } = refused('stored_embed_steps', () => reembed(huge, 2, 20_000, storedEmbedBudget()))
    expect(error.cpuMs).toBe(CPU_MS.storedEmbed)
    expect(ms).toBeLessThan(1000) // the estimate is computed from sizes alone (the embedding took 5 to 7 s)
    console.log(`embedding 200,000 nodes with 20,000 pairs refused after ${ms.toFixed(0)} ms`)
  })

  it('a small embedding fits its budget and is unchanged by it', () => {
    const t = randomGraph(500, 4)
    const a = reembed(t, 2, 300, storedEmbedBudget())
    const b = reembed(t, 2, 300)
    expect(a.greedy).toEqual(b.greedy)
    expect(a.greedy.success_rate).toBe(1)
  })

  it('the Fréchet mean stops at its budget', () => {
    const rnd = mulberry32(5)
    const ps = Array.from({ length: 2000 }, () => [rnd() * 0.8 - 0.4, rnd() * 0.8 - 0.4, rnd() * 0.8 - 0.4])
    expect(() => frechetMean(ps, undefined, { budget: new StepBudget('mean_steps', 10_000, 2) })).toThrow(
      BudgetExceededError,
    )
    const free = frechetMean(ps)
    const bounded = frechetMean(ps, undefined, { budget: new StepBudget('mean_steps', 1e9, 1e5) })
    expect(bounded).toEqual(free)
  })

  it('duplicate edges in a request are dropped without scanning hub adjacency lists', () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => ({ id: `n${i}`, coords: [0, (i / 10_000) * 0.9] }))
    const star = nodes.slice(1).map((n) => ['n0', n.id] as [string, string])
    const dupes = Array.from({ length: 90_000 }, () => ['n1', 'n0'] as [string, string]).map((e, i) =>
      i % 2 ? e : ([e[1], e[0]] as [string, string]),
    )
    const t0 = performance.now()
    const t = buildTopology({ nodes, edges: [...star, ...dupes, ['n5', 'n5']] })
    const ms = performance.now() - t0
    expect(t.edgeCount).toBe(9_999)
    expect(t.adj[0]?.length).toBe(9_999)
    expect(t.adj[1]).toEqual([0])
    console.log(`star of 10,000 with 90,000 duplicate edges built in ${ms.toFixed(0)} ms`)
  })
})

describe('route budget defaults', () => {
  it('route() spends from a fresh route_steps budget per call', () => {
    const t = randomGraph(300, 4)
    const b = routeBudget()
    route(t, { source: 'v0', target: { node: 'v299' }, algorithm: 'gradient_flow' }, b)
    expect(b.spent).toBeGreaterThan(0)
    expect(b.limit).toBe(CPU_MS.route * STEPS_PER_MS)
  })
})
