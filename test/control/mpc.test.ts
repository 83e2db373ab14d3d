// MPC of replica counts: the DP against brute force over every sequence, known answers, bounds, budget refusals.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BudgetExceededError, StepBudget } from '../../functions/budget/index.ts'
import { MpcError, type MpcProblem, solveMpc } from '../../functions/mpc/index.ts'
import { bruteForce, costOf, keepsCooldown } from './mpc-reference.ts'

const base: MpcProblem = {
  demand: [10],
  per_replica: 10,
  current: 1,
  min: 1,
  max: 5,
  cooldown_steps: 0,
  since_change: 0,
  lambda: 0,
  replica_cost: 1,
  sla_penalty: 100,
}

/** Small problems: at most 5 steps and 4 admissible counts, so brute force sees at most 4^5 sequences. */
const small = fc
  .record({
    H: fc.integer({ min: 1, max: 5 }),
    demandSeed: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 5, maxLength: 5 }),
    upperExtra: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 5, maxLength: 5 }),
    robust: fc.boolean(),
    per_replica: fc.constantFrom(5, 10, 7.5),
    current: fc.integer({ min: 0, max: 7 }),
    min: fc.integer({ min: 0, max: 3 }),
    span: fc.integer({ min: 0, max: 3 }),
    capacity: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
    cooldown_steps: fc.integer({ min: 0, max: 3 }),
    since_change: fc.integer({ min: 0, max: 4 }),
    lambda: fc.constantFrom(0, 0.5, 1, 3),
    replica_cost: fc.constantFrom(0, 1, 2.5),
    sla_penalty: fc.constantFrom(0, 1, 50),
  })
  .map((r): MpcProblem => {
    const demand = r.demandSeed.slice(0, r.H)
    const min = r.min
    const max = r.min + r.span
    return {
      demand,
      upper: demand.map((d, t) => d + (r.upperExtra[t] as number)),
      robust: r.robust,
      per_replica: r.per_replica,
      current: r.current,
      min,
      max,
      // capacity never below min here (that is a refusal, tested apart)
      capacity_max: r.capacity === undefined ? undefined : Math.max(min, r.capacity),
      cooldown_steps: r.cooldown_steps,
      since_change: r.since_change,
      lambda: r.lambda,
      replica_cost: r.replica_cost,
      sla_penalty: r.sla_penalty,
    }
  })

describe('solveMpc against brute force', () => {
  it('finds the lexicographic optimum (shortfall, then objective) and breaks ties as documented', () => {
    fc.assert(
      fc.property(small, (p) => {
        const plan = solveMpc(p)
        const best = bruteForce(p)
        const mine = costOf(p, plan.replicas)
        expect(mine.shortfall).toBeCloseTo(best.shortfall, 9)
        expect(mine.objective).toBeCloseTo(best.objective, 9)
        expect(plan.objective).toBeCloseTo(best.objective, 9)
        // among tied optima: fewer replica-steps, then fewer changes, then the smallest sequence
        const changes = (u: number[]) => u.filter((x, i) => x !== (i === 0 ? p.current : u[i - 1])).length
        const sum = (u: number[]) => u.reduce((s, x) => s + x, 0)
        const first = best.plans.reduce((w, u) =>
          sum(u) < sum(w) ||
          (sum(u) === sum(w) && changes(u) < changes(w)) ||
          (sum(u) === sum(w) && changes(u) === changes(w) && u.join() < w.join())
            ? u
            : w,
        )
        expect(plan.replicas).toEqual(first)
      }),
      { numRuns: 400 },
    )
  })

  it('always keeps the bounds and the cooldown, and reports the shortfall steps it leaves', () => {
    fc.assert(
      fc.property(small, (p) => {
        const plan = solveMpc(p)
        const hi = Math.min(p.max, p.capacity_max ?? p.max)
        expect(plan.replicas).toHaveLength(p.demand.length)
        for (const u of plan.replicas) {
          expect(Number.isInteger(u)).toBe(true)
          expect(u).toBeGreaterThanOrEqual(p.min)
          expect(u).toBeLessThanOrEqual(hi)
        }
        expect(keepsCooldown(p, plan.replicas)).toBe(true)
        expect(plan.next).toBe(plan.replicas[0])
        const d = p.robust ? (p.upper as number[]) : p.demand
        const short = plan.replicas.flatMap((u, t) => (u * p.per_replica < (d[t] as number) ? [t] : []))
        expect(plan.infeasible_steps).toEqual(short)
        expect(plan.sla_feasible).toBe(short.length === 0)
        expect(plan.objective).toBeCloseTo(plan.terms.cost + plan.terms.sla + plan.terms.smoothness, 9)
      }),
      { numRuns: 300 },
    )
  })

  it('meets the SLA at every step whenever some admissible plan does (a hard constraint, not a price)', () => {
    fc.assert(
      fc.property(small, (p) => {
        const best = bruteForce(p)
        const plan = solveMpc({ ...p, sla_penalty: 0 })
        if (best.shortfall === 0) expect(plan.sla_feasible).toBe(true)
        else expect(plan.sla_feasible).toBe(false)
      }),
      { numRuns: 200 },
    )
  })
})

describe('solveMpc known answers', () => {
  it('follows the demand when changes are free: [1, 3, 3, 1] for 10, 30, 30, 10 at 10 per replica', () => {
    const plan = solveMpc({ ...base, demand: [10, 30, 30, 10] })
    expect(plan.replicas).toEqual([1, 3, 3, 1])
    expect(plan.objective).toBe(8)
    expect(plan.terms).toEqual({ cost: 8, sla: 0, smoothness: 0 })
    expect(plan.sla_feasible).toBe(true)
  })

  it('smooths with lambda: a spike to 50 is approached in two steps and held (objective 93 by hand)', () => {
    // u1 minimises 10 ((u1-1)^2 + (5-u1)^2) + u1 -> 3; u3 minimises 10 (u3-5)^2 + u3 -> 5
    const plan = solveMpc({ ...base, demand: [10, 50, 10], lambda: 10 })
    expect(plan.replicas).toEqual([3, 5, 5])
    expect(plan.objective).toBe(93)
    expect(plan.terms).toEqual({ cost: 13, sla: 0, smoothness: 80 })
  })

  it('scales up even when shortfall costs nothing: the SLA is hard', () => {
    const plan = solveMpc({ ...base, demand: [30], sla_penalty: 0 })
    expect(plan.replicas).toEqual([3])
  })

  it('says which steps cannot meet the SLA when demand exceeds max or capacity', () => {
    const plan = solveMpc({ ...base, demand: [20, 60, 80, 20], capacity_max: 6, max: 7 })
    expect(plan.replicas).toEqual([2, 6, 6, 2])
    expect(plan.sla_feasible).toBe(false)
    expect(plan.infeasible_steps).toEqual([2])
    expect(plan.infeasible_reasons).toEqual(['bounds'])
    expect(plan.shortfall).toEqual([0, 0, 2, 0])
    expect(plan.terms.sla).toBe(200)
  })

  it('keeps the count through the cooldown: two steps after a change, since_change 0', () => {
    const p = { ...base, demand: [10, 10, 10, 10], current: 2, cooldown_steps: 2, since_change: 0 }
    expect(solveMpc(p).replicas).toEqual([2, 2, 1, 1])
    expect(solveMpc({ ...p, since_change: 1 }).replicas).toEqual([2, 1, 1, 1])
    expect(solveMpc({ ...p, since_change: 2 }).replicas).toEqual([1, 1, 1, 1])
  })

  it('says when the cooldown, not the bounds, leaves demand unserved', () => {
    const plan = solveMpc({ ...base, demand: [10, 40, 40], cooldown_steps: 3, since_change: 1 })
    // a change is allowed only at step 3 (since_change reaches 3): steps 1 and 2 keep 1 replica
    expect(plan.replicas).toEqual([1, 1, 4])
    expect(plan.infeasible_steps).toEqual([1])
    expect(plan.infeasible_reasons).toEqual(['cooldown'])
  })

  it('plans against the upper bound when robust', () => {
    const p = { ...base, demand: [10, 10], upper: [25, 40] }
    expect(solveMpc(p).replicas).toEqual([1, 1])
    expect(solveMpc({ ...p, robust: true }).replicas).toEqual([3, 4])
  })

  it('corrects a count above capacity at once, cooldown or not', () => {
    const plan = solveMpc({ ...base, demand: [10, 10], current: 8, cooldown_steps: 5, since_change: 0 })
    expect(plan.next).toBe(1)
    expect(plan.replicas).toEqual([1, 1])
  })

  it('is deterministic: the same problem gives the same plan, bit for bit', () => {
    const p = { ...base, demand: [12.3, 47.1, 33.3, 8.8], lambda: 0.7, replica_cost: 1.3, max: 9 }
    expect(JSON.stringify(solveMpc(p))).toBe(JSON.stringify(solveMpc(structuredClone(p))))
  })
})

describe('solveMpc refusals', () => {
  it('refuses contradictory problems with the member at fault', () => {
    const cases: [Partial<MpcProblem>, string][] = [
      [{ min: 6, max: 5 }, '/min'],
      [{ capacity_max: 0 }, '/capacity_max'],
      [{ demand: [] }, '/demand'],
      [{ robust: true }, '/upper'],
      [{ upper: [1, 2] }, '/upper'],
      [{ per_replica: 0 }, '/per_replica'],
      [{ current: 1.5 }, '/current'],
      [{ demand: [Number.NaN] }, '/demand/0'],
    ]
    for (const [patch, at] of cases) {
      const run = () => solveMpc({ ...base, ...patch })
      expect(run).toThrow(MpcError)
      try {
        run()
      } catch (e) {
        expect((e as MpcError).pointer).toBe(at)
      }
    }
  })

  it('refuses a huge state space before doing the work, naming the budget', () => {
    const budget = new StepBudget('mpc_steps', 1_000_000, 50)
    const p = { ...base, demand: Array(500).fill(10), max: 2000 }
    expect(() => solveMpc(p, budget)).toThrow(BudgetExceededError)
    expect(budget.spent).toBeGreaterThan(1_000_000)
    expect(() => solveMpc(p)).toThrow(/mpc_steps/)
  })
})
