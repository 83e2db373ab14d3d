// Failover MDP: learned matrices, value iteration against exact evaluation of every deterministic policy,
// known answers, the strategies' different policies, budgets and refusals.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BudgetExceededError, StepBudget } from '../../functions/budget/index.ts'
import {
  ACTIONS,
  type FailoverInput,
  failoverModel,
  HEALTH,
  type Health,
  learnTransitions,
  MdpError,
  type PolicyTable,
  STATES,
  solveFailover,
} from '../../functions/mdp/index.ts'

/** a[i], for indices the caller knows are in range (the lint forbids non-null assertions). */
const at = <T>(a: readonly T[], i: number): T => a[i] as T

/** Solves A x = b by Gauss-Jordan elimination with partial pivoting (A is small and non-singular here). */
function solveLinear(A: number[][], b: number[]): number[] {
  const n = b.length
  const M = A.map((row, i) => [...row, at(b, i)])
  for (let c = 0; c < n; c++) {
    let p = c
    for (let r = c + 1; r < n; r++) if (Math.abs(at(at(M, r), c)) > Math.abs(at(at(M, p), c))) p = r
    const pivot = at(M, p)
    M[p] = at(M, c)
    M[c] = pivot
    for (let r = 0; r < n; r++) {
      const row = at(M, r)
      if (r === c) continue
      const f = at(row, c) / at(pivot, c)
      for (let k = c; k <= n; k++) row[k] = at(row, k) - f * at(pivot, k)
    }
  }
  return M.map((row, i) => at(row, n) / at(row, i))
}

/** The exact value of a deterministic policy (action index per state): V = (I - discount P_pi)^-1 c_pi. */
function evaluate(input: FailoverInput, pi: number[]): number[] {
  const { cost, next } = failoverModel(input)
  const g = input.discount ?? 0.95
  const A = pi.map((a, s) => at(at(next, s), a).map((p, j) => (s === j ? 1 : 0) - g * p))
  return solveLinear(
    A,
    pi.map((a, s) => at(at(cost, s), a)),
  )
}

/** Brute force: every one of the 3^6 deterministic policies, evaluated exactly; the optimum per state. */
function bruteForce(input: FailoverInput) {
  let best: number[] | undefined
  for (let code = 0; code < 3 ** STATES.length; code++) {
    const pi = STATES.map((_, s) => Math.floor(code / 3 ** s) % 3)
    const v = evaluate(input, pi)
    best = best ? best.map((x, s) => Math.min(x, at(v, s))) : v
  }
  return best as number[]
}

const row = fc
  .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }))
  .filter(([a, b, c]) => a + b + c > 0)
  .map(([a, b, c]) => [a / (a + b + c), b / (a + b + c), c / (a + b + c)])
const inputs = fc.record({
  transitions: fc.tuple(row, row, row),
  strategy: fc.constantFrom('active_passive', 'active_active', 'n_plus_1' as const),
  costs: fc.record({
    downtime: fc.integer({ min: 0, max: 1000 }),
    degraded: fc.integer({ min: 0, max: 200 }),
    migrate: fc.integer({ min: 1, max: 100 }),
    replica: fc.integer({ min: 0, max: 50 }),
  }),
  discount: fc.constantFrom(0, 0.5, 0.9, 0.95),
  switchover: fc.constantFrom(0, 0.25, 0.5, 1),
}) as fc.Arbitrary<FailoverInput>

const h = (s: string): Health[] => [...s].map((c) => (c === 'u' ? 'up' : c === 'g' ? 'degraded' : 'down'))

describe('learnTransitions', () => {
  it('counts consecutive pairs plus the Dirichlet prior (known counts)', () => {
    const m = learnTransitions([h('uud'), h('du')])
    // up: up->up 1, up->down 1 -> (2, 1, 2) / 5; degraded: no data -> uniform; down: down->up 1 -> (2, 1, 1) / 4
    expect(m[0]).toEqual([2 / 5, 1 / 5, 2 / 5])
    expect(m[1]).toEqual([1 / 3, 1 / 3, 1 / 3])
    expect(m[2]).toEqual([2 / 4, 1 / 4, 1 / 4])
    expect(learnTransitions([h('uud')], 0)[0]).toEqual([0.5, 0, 0.5])
    expect(learnTransitions([], 0)[1]).toEqual([1 / 3, 1 / 3, 1 / 3])
  })

  it('returns row-stochastic matrices for any history and prior', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom<Health>('up', 'degraded', 'down'), { maxLength: 30 }), {
          maxLength: 6,
        }),
        fc.constantFrom(0, 0.5, 1, 3),
        (seqs, prior) => {
          for (const r of learnTransitions(seqs, prior)) {
            expect(r).toHaveLength(3)
            for (const p of r) expect(p).toBeGreaterThanOrEqual(0)
            expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
          }
        },
      ),
    )
  })

  it('refuses unknown health states and negative priors', () => {
    expect(() => learnTransitions([['up', 'sideways' as Health]])).toThrow(MdpError)
    expect(() => learnTransitions([], -1)).toThrow(MdpError)
  })
})

describe('solveFailover against brute force', () => {
  it('reaches the optimal values of every state, and its policy is optimal within epsilon', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const best = bruteForce(input)
        const r = solveFailover({ ...input, epsilon: 1e-7 })
        const scale = 1 + Math.max(...best.map(Math.abs))
        const pi: number[] = []
        HEALTH.forEach((hh, i) => {
          for (const [b, table] of [
            [0, r.unprotected as PolicyTable],
            [1, r],
          ] as const) {
            const s = i * 2 + b
            expect(Math.abs(table.values[hh] - at(best, s))).toBeLessThan(1e-6 * scale)
            pi[s] = ACTIONS.indexOf(table.policy[hh])
          }
        })
        const mine = evaluate(input, pi)
        for (const [s, v] of mine.entries()) expect(Math.abs(v - at(best, s))).toBeLessThan(1e-6 * scale)
      }),
      { numRuns: 60 },
    )
  })

  it('stops by the Puterman criterion: residual below epsilon (1 - discount) / (2 discount)', () => {
    const r = solveFailover({ transitions: learnTransitions([h('uuguuddu')]), strategy: 'n_plus_1' })
    expect(r.iterations).toBeGreaterThan(1)
    expect(r.residual).toBeLessThan((1e-6 * 0.05) / 1.9)
  })
})

describe('solveFailover known answers and strategies', () => {
  // nothing ever changes health: values by hand with the default costs (100, 20, 15, 5) and discount 0.95
  const still = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ]

  it('active_active on a frozen fleet: migrate off a down or degraded node, values by hand', () => {
    const r = solveFailover({ transitions: still, strategy: 'active_active', epsilon: 1e-9 })
    const u = r.unprotected as PolicyTable
    // unprotected down: migrate now (100 + 15), then up forever at no cost
    expect(u.policy).toEqual({ up: 'stay', degraded: 'migrate', down: 'migrate' })
    expect(u.values.down).toBeCloseTo(115, 6)
    expect(u.values.degraded).toBeCloseTo(35, 6)
    expect(u.values.up).toBeCloseTo(0, 6)
    // protected up: the second replica's 5 per step forever, 5 / 0.05
    expect(r.values.up).toBeCloseTo(100, 6)
    // protected down: half share 50 + replica 5 + migrate 15, then 100 from up
    expect(r.values.down).toBeCloseTo(70 + 0.95 * 100, 6)
    // staying one step: the half share and the replica (55), then the optimum from the same state
    expect(r.q.down.stay).toBeCloseTo(55 + 0.95 * (70 + 0.95 * 100), 6)
  })

  it('the strategy changes the policy: a down host is migrated, re-protected or left to the spare', () => {
    const transitions = [
      [0.8, 0.1, 0.1],
      [0.3, 0.3, 0.4],
      [0.3, 0, 0.7],
    ]
    const run = (strategy: FailoverInput['strategy']) =>
      solveFailover({ transitions, strategy, costs: { downtime: 1000 }, switchover: 0.2 })
    // active_active: the survivor carries half the load while the host stays down, so move the lost share
    expect(run('active_active').policy.down).toBe('migrate')
    // active_passive: the standby took over and is used up, so start a new one at once
    expect(run('active_passive').policy.down).toBe('add_replica')
    // n_plus_1: the spare took over and a new spare is started by the strategy itself
    expect(run('n_plus_1').policy.down).toBe('stay')
    for (const s of ['active_active', 'active_passive', 'n_plus_1'] as const) {
      expect(run(s).policy.up).toBe('stay')
      // without protection and with a risky host, every strategy adds the replica it relies on
      expect(run(s).unprotected?.policy.up).toBe('add_replica')
    }
  })

  it('moves off a degraded node when degraded usually goes down (learned from history)', () => {
    // degraded is followed by down 9 times in 10; up mostly stays up; down mostly stays down
    const history = [...Array.from({ length: 9 }, () => h('uuuuuuuuuugdddu')), h('uuuuuuuuuuguuuu')]
    const transitions = learnTransitions(history)
    expect(at(at(transitions, 1), 2)).toBeGreaterThan(0.75)
    for (const strategy of ['active_passive', 'active_active', 'n_plus_1'] as const) {
      const r = solveFailover({ transitions, strategy })
      expect(r.policy.degraded, strategy).not.toBe('stay')
      expect((r.unprotected as PolicyTable).policy.degraded, strategy).not.toBe('stay')
      expect(r.policy.up, strategy).toBe('stay')
    }
    // a standby that takes over instantly makes riding out the degraded node the cheaper choice
    const instant = solveFailover({ transitions, strategy: 'active_passive', switchover: 0 })
    expect(instant.policy.degraded).toBe('stay')
  })

  it('keeps a protected replica on a healthy node whatever the transitions (migrating costs, buys nothing)', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        expect(solveFailover(input).policy.up).toBe('stay')
      }),
      { numRuns: 100 },
    )
  })

  it('is deterministic, bit for bit', () => {
    const input: FailoverInput = {
      transitions: learnTransitions([h('uugdduuguudd')], 0.7),
      strategy: 'active_passive',
      discount: 0.97,
    }
    expect(JSON.stringify(solveFailover(input))).toBe(JSON.stringify(solveFailover(structuredClone(input))))
  })
})

describe('solveFailover refusals', () => {
  it('refuses matrices that are not row-stochastic, and bad discounts and costs', () => {
    const ok = learnTransitions([])
    const bad: [Partial<FailoverInput>, string][] = [
      [
        {
          transitions: [
            [1, 0, 0],
            [0, 1, 0],
          ],
        },
        '/transitions',
      ],
      [{ transitions: [[0.5, 0.4, 0], at(ok, 1), at(ok, 2)] }, '/transitions/0'],
      [{ transitions: [[1.5, -0.5, 0], at(ok, 1), at(ok, 2)] }, '/transitions/0/0'],
      [{ discount: 1 }, '/discount'],
      [{ costs: { downtime: -1 } }, '/costs/downtime'],
      [{ switchover: 2 }, '/switchover'],
    ]
    for (const [patch, at] of bad) {
      let err: unknown
      try {
        solveFailover({ transitions: ok, strategy: 'n_plus_1', ...patch })
      } catch (e) {
        err = e
      }
      expect(err, at).toBeInstanceOf(MdpError)
      expect((err as MdpError).pointer).toBe(at)
    }
  })

  it('stops at its budget when the discount makes value iteration long', () => {
    const input: FailoverInput = {
      transitions: learnTransitions([]),
      strategy: 'active_active',
      discount: 0.9999,
    }
    expect(() => solveFailover(input, new StepBudget('mdp_steps', 100_000, 2))).toThrow(BudgetExceededError)
    expect(solveFailover({ ...input, discount: 0.9 }).iterations).toBeGreaterThan(0)
  })
})
