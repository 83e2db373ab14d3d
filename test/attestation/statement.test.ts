// The kernel-to-statement translator against the kernel's own gate, on the example kernels and synthetic shapes.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import brussels from '../../bootstrap/holons/brussels-tax.json'
import circular from '../../bootstrap/holons/circular-economy.json'
import logistics from '../../bootstrap/holons/logistics.json'
import { ATOMS, CLAUSES, FIELD, INVARIANTS } from '../../functions/attestation/circuit.ts'
import { commitment, evaluateStatement, fixedPoint, openingFor } from '../../functions/attestation/opening.ts'
import { kernelStatement, publicSignals, StatementError } from '../../functions/attestation/statement.ts'
import { compileKernel, score } from '../../functions/kernel/index.ts'
import { KernelSpec } from '../../schemas/kernel.ts'

const examples = { brussels, circular, logistics }
const spec = (aggregates: object, invariants: object) => KernelSpec.parse({ id: 't', aggregates, invariants })

/** Whether each invariant passes the real gate on these aggregate values (absent = undefined). */
function gate(k: KernelSpec, agg: Record<string, number | undefined>): boolean[] {
  const view = Object.fromEntries(Object.entries(agg).filter(([, v]) => v !== undefined)) as Record<
    string,
    number
  >
  const ev = score(compileKernel(k), view, {})
  const failed = new Set(ev.violations.map((v) => v.invariant))
  return Object.keys(k.invariants).map((n) => !failed.has(n))
}

/** Dyadic values (exact in doubles) over each aggregate, absent only where the fold allows it. */
function values(k: KernelSpec, nonZero: readonly string[] = []) {
  const record: Record<string, fc.Arbitrary<number | undefined>> = {}
  for (const [name, a] of Object.entries(k.aggregates)) {
    const n =
      a.fold === 'count'
        ? fc.integer({ min: 0, max: 12 })
        : fc.integer({ min: -40, max: 40 }).map((x) => x / 8)
    const v = nonZero.includes(name) ? n.filter((x) => x !== 0) : n
    record[name] =
      a.fold === 'count' || a.fold === 'sum' || a.empty !== undefined ? v : fc.option(v, { nil: undefined })
  }
  return fc.record(record)
}

/** The statement holds exactly when the gate passes (denominators in `nonZero`: the gate's doubles absorb an
 * infinity inside min/max/clamp, which the statement refuses to model, so those are kept nonzero). */
function agrees(k: KernelSpec, runs = 400, nonZero: readonly string[] = []) {
  const st = kernelStatement(k)
  fc.assert(
    fc.property(values(k, nonZero), (agg) => {
      const view = Object.fromEntries(Object.entries(agg).filter(([, v]) => v !== undefined)) as Record<
        string,
        number
      >
      const proved = evaluateStatement(st, openingFor(st, view, 1n))
      expect(proved).toEqual(gate(k, agg))
    }),
    { numRuns: runs },
  )
}

describe('kernel statements', () => {
  for (const [name, h] of Object.entries(examples))
    it(`the ${name} kernel fits the circuit and agrees with the gate on random states`, () => {
      const k = KernelSpec.parse(h.kernel)
      const st = kernelStatement(k)
      expect(st.invariants.map((i) => i.name)).toEqual(Object.keys(k.invariants))
      expect(st.atoms.length).toBeLessThanOrEqual(ATOMS)
      expect(st.clauses.length).toBeLessThanOrEqual(CLAUSES)
      agrees(k)
    })

  it('agrees with the gate on min, max, clamp, abs, booleans, nested conditions and threshold 0', () => {
    const aggs = {
      a: { fold: 'sum', expr: 'event.x' },
      b: { fold: 'sum', expr: 'event.y' },
      n: { fold: 'count' },
    }
    const shapes: [string, number, string[]?][] = [
      ['min(1, agg.a / agg.b)', 0.5, ['b']],
      ['max(agg.a, agg.b) - 1', 0.25],
      ['clamp(agg.a - agg.b, 0, 1)', 0.75],
      ['abs(agg.a) <= 2', 1],
      ['agg.a >= 1 && (agg.b < 2 || agg.n == 3)', 1],
      ['agg.n > 2 ? (agg.a > 0 ? 1 : 0.5) : agg.b / 4', 0.5],
      ['agg.a / agg.b', 0],
      ['-agg.a + 2 * agg.b - 0.5', 0.3],
      ['agg.n == 0 ? 1 : agg.a / agg.n + 0.25', 0.6],
      ['!(agg.a == agg.b)', 1],
    ]
    for (const [score, threshold, nonZero] of shapes)
      agrees(spec(aggs, { I: { score, threshold } }), 300, nonZero)
  })

  it('states a mean that may be absent: reading it where it is absent never passes', () => {
    const k = spec(
      { m: { fold: 'mean', expr: 'event.x' }, n: { fold: 'count' } },
      {
        I: { score: 'agg.m', threshold: 0.5 },
        J: { score: '!has(agg.m) || agg.m > 1 ? 1 : 0', threshold: 1 },
      },
    )
    agrees(k)
    const st = kernelStatement(k)
    expect(evaluateStatement(st, openingFor(st, { n: 0 }, 1n))).toEqual([false, true])
  })

  it('refuses what the circuit cannot state, naming each invariant and why', () => {
    const aggs = {
      a: { fold: 'sum', expr: 'event.x' },
      b: { fold: 'sum', expr: 'event.y' },
      c: { fold: 'count' },
    }
    const cases: [string, RegExp][] = [
      ['agg.a * agg.b', /multiplies two aggregates/],
      ['event.x > 1 ? 1 : 0', /reads `event`/],
      ['event.xs[0] > 1 ? 1 : 0', /reads `event`/], // regression: an int index made the check throw
      ['sqrt(agg.a)', /calls `sqrt`/],
      ['agg.a / agg.b / agg.a', /multiplies two aggregates/],
      ['agg.a + agg.b >= agg.c ? 1 : 0', /`a, b, c` are compared at once/],
      [
        Array.from({ length: 7 }, (_, i) => `min(agg.${'ab'[i % 2]}, ${i})`).join(' + '),
        /splits into more than 64 cases/,
      ],
      [
        Array.from({ length: 30 }).reduce<string>((s, _, i) => `min(${s}, ${i})`, 'agg.a'),
        /too large to state/,
      ],
      [
        Array.from({ length: 10 }, (_, i) => `(agg.a > ${i} || agg.b > ${i})`).join(' && '),
        /more than 512 cases/,
      ],
    ]
    for (const [score, why] of cases) {
      const k = spec(aggs, {
        Fine: { score: 'agg.a >= 0 ? 1 : 0', threshold: 1 },
        Bad: { score, threshold: 0.5 },
      })
      const e = (() => {
        try {
          kernelStatement(k)
        } catch (x) {
          return x
        }
      })() as StatementError
      expect(e).toBeInstanceOf(StatementError)
      expect(e.refusals).toEqual([{ subject: 'Bad', reason: expect.stringMatching(why) }])
      // the rest can still be stated on its own
      expect(kernelStatement(k, ['Fine']).invariants.map((i) => i.name)).toEqual(['Fine'])
    }
  })

  it('refuses kernels beyond the circuit sizes, naming the limit', () => {
    const many = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`a${i}`, { fold: 'count' }]))
    const wide = spec(many, {
      I: {
        score: Object.keys(many)
          .map((n) => `agg.${n} < 3`)
          .join(' && '),
        threshold: 1,
      },
    })
    expect(() => kernelStatement(wide)).toThrow(/9 aggregates; the circuit has 8 slots/)
    const invs = Object.fromEntries(
      Array.from({ length: INVARIANTS + 1 }, (_, i) => [
        `I${i}`,
        { score: `agg.a0 < ${i + 1}`, threshold: 1 },
      ]),
    )
    expect(() => kernelStatement(spec(many, invs))).toThrow(/9 invariants; the circuit states at most 8/)
    const atoms = spec(many, {
      I: { score: Array.from({ length: 40 }, (_, i) => `agg.a${i % 8} != ${i}`).join(' && '), threshold: 1 },
    })
    expect(() => kernelStatement(atoms)).toThrow(/40 comparisons; the circuit has 32/)
  })

  it('encodes fixed point exactly, rounds halves away from zero and refuses the out-of-range', () => {
    expect(fixedPoint(1)).toBe(1n << 32n)
    expect(fixedPoint(-0.5)).toBe(-(1n << 31n))
    expect(fixedPoint(2 ** -33)).toBe(1n)
    expect(fixedPoint(-(2 ** -33))).toBe(-1n)
    expect(fixedPoint(2 ** -34)).toBe(0n)
    expect(fixedPoint(0.1)).toBe(429496730n) // 0.1 * 2^32 = 429496729.6
    expect(() => fixedPoint(2 ** 62)).toThrow(/beyond the circuit's range/)
    expect(fixedPoint(2 ** 61)).toBe(1n << 93n)
  })

  it('lays out the public signals as the circuit declares them, negatives as field elements', () => {
    const k = KernelSpec.parse(brussels.kernel)
    const st = kernelStatement(k)
    const o = openingFor(st, { assessments: 3, grounded: 3, tax_total: 100, refunds: 1, max_rate: 0.3 }, 7n)
    const signals = publicSignals(st, commitment(o))
    expect(signals).toHaveLength(1 + 6 * ATOMS + 2 * CLAUSES + INVARIANTS)
    expect(signals[0]).toBe(commitment(o).toString())
    const ca = signals.slice(1 + 3 * ATOMS, 1 + 4 * ATOMS).map(BigInt)
    for (const [i, a] of st.atoms.entries()) expect(ca[i]).toBe(a.ca < 0n ? FIELD + a.ca : a.ca)
    expect(signals.slice(-INVARIANTS)).toEqual(['1', '1', '1', '1', '0', '0', '0', '0'])
    // a different blinding hides the same values behind another commitment
    expect(commitment({ ...o, blinding: 8n })).not.toBe(commitment(o))
  })
})
