// paretoFrontier(): the weight lattice, dominance, and the frontier against every lattice solution.
import { describe, expect, it } from 'vitest'
import { dominates, paretoFrontier, place, weightLattice } from '../../functions/placement/index.ts'
import { randomProblem } from './instances.ts'

describe('weightLattice', () => {
  it('holds every 4-vector of multiples of 1/4 summing to 1, once', () => {
    const l = weightLattice()
    expect(l).toHaveLength(35) // C(4 + 3, 3)
    const keys = new Set(l.map((w) => JSON.stringify(w)))
    expect(keys.size).toBe(35)
    for (const w of l) {
      expect(w.performance + w.cost + w.reliability + w.sustainability).toBeCloseTo(1, 12)
      for (const x of Object.values(w)) expect(Math.round(x * 4)).toBeCloseTo(x * 4, 12)
    }
  })
})

describe('dominates', () => {
  const t = { perf: 0.5, rel: 0.5, sust: 0.5, cost: 0.5 }
  it('is strict on one objective and weak on all, with cost minimised', () => {
    expect(dominates({ ...t, perf: 0.6 }, t)).toBe(true)
    expect(dominates({ ...t, cost: 0.4 }, t)).toBe(true)
    expect(dominates({ ...t, cost: 0.6 }, t)).toBe(false)
    expect(dominates(t, t)).toBe(false)
    expect(dominates({ ...t, perf: 0.6, rel: 0.4 }, t)).toBe(false)
  })
})

describe('paretoFrontier', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: points are mutually non-dominated, the chosen one is the given weights' placement, and every lattice solution is covered`, () => {
      const p = randomProblem(seed, 6, 3, { maxReplicas: 2 })
      const f = paretoFrontier(p)
      const chosen = f.points.filter((x) => x.chosen)
      expect(chosen).toHaveLength(1)
      expect(chosen[0]?.weights).toEqual(p.weights)
      expect(chosen[0]?.terms).toEqual(f.chosen.terms)
      expect(f.chosen).toEqual(place(p))
      const rest = f.points.filter((x) => !x.chosen)
      for (const a of rest) for (const b of f.points) expect(dominates(b.terms, a.terms)).toBe(false)
      // every lattice solution is on the frontier or dominated by a point of it
      for (const weights of weightLattice()) {
        const r = place({ ...p, weights })
        const covered = f.points.some(
          (x) =>
            dominates(x.terms, r.terms) ||
            (['perf', 'rel', 'sust', 'cost'] as const).every(
              (k) => Math.abs(x.terms[k] - r.terms[k]) <= 1e-12,
            ),
        )
        expect(covered).toBe(true)
      }
      for (const x of f.points) {
        const w = p.weights
        expect(x.J).toBeCloseTo(
          w.performance * x.terms.perf +
            w.reliability * x.terms.rel +
            w.sustainability * x.terms.sust -
            w.cost * x.terms.cost,
          12,
        )
      }
    })
  }

  it('is deterministic', () => {
    const p = randomProblem(5, 6, 3)
    expect(JSON.stringify(paretoFrontier(p))).toBe(JSON.stringify(paretoFrontier(structuredClone(p))))
  })
})
