// The placement circuit and its statement encoder: a proof exists iff the exact rational inequality holds on the
// rounded points, the bound agrees with functions/geometry's float distance, and tampered signals fail.
import { bn254_Fr } from '@noble/curves/bn254.js'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { FIELD } from '../../functions/attestation/circuit.ts'
import {
  checkPlacementStatement,
  PlacementAttestError,
  placementBound,
  placementHolds,
  placementStatement,
} from '../../functions/attestation/placement.ts'
import { distance } from '../../functions/geometry/poincare.ts'
import {
  provePlacement,
  terminateZk,
  verifyWithSnarkjs,
  ZkWitnessError,
} from '../../scripts/zk/prove-core.ts'

afterAll(async () => {
  await terminateZk()
})

/** A point of the ball of Euclidean radius in [0.05, 0.95], in `dim` dimensions (integers: no degenerate doubles). */
const point = (dim: number) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: dim, maxLength: dim }),
      fc.integer({ min: 50, max: 950 }),
    )
    .map(([dir, r]) => {
      const n = Math.hypot(...dir)
      return n === 0 ? dir.map((_, i) => (i === 0 ? r / 1000 : 0)) : dir.map((x) => ((x / n) * r) / 1000)
    })

describe('placement bound (pure)', () => {
  it('FIELD is the BN254 scalar field order (@noble/curves), the field circom and snarkjs work in', () => {
    // regression: a mistyped constant encoded negative coordinates as the wrong field elements
    expect(FIELD).toBe(bn254_Fr.ORDER)
  })

  it('qn/qd is a lower bound of cosh(max_distance sqrt(kappa)) - 1, tight to ~2^-40', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 40, noNaN: true }),
        fc.double({ min: 0.01, max: 4, noNaN: true }),
        (d, kappa) => {
          const { qn, qd } = placementBound(d, kappa)
          expect(qn).toBeLessThan(2n ** 64n)
          expect(qd).toBeLessThan(2n ** 64n)
          expect(qd).toBeGreaterThan(0n)
          // cosh x - 1 = expm1(x)^2 / (2 e^x): a reference formula without cancellation, unlike cosh(x) - 1
          const x = d * Math.sqrt(kappa)
          const exact = Math.expm1(x) ** 2 / (2 * Math.exp(x))
          const q = Number(qn) / Number(qd)
          expect(q).toBeLessThanOrEqual(exact * (1 + 1e-13))
          // tight (to 2^-40 relative, 2^-63 absolute: qd <= 2^63) while it fits the circuit's 64-bit range; beyond, clamped to 2^64 - 1 (weaker, still valid)
          if (exact < 2 ** 63) expect(q).toBeGreaterThanOrEqual(exact * (1 - 1e-11) - 2 ** -63)
          if (exact >= 2 ** 64) expect([qn, qd]).toEqual([2n ** 64n - 1n, 1n])
        },
      ),
      { numRuns: 500 },
    )
  })

  it('refuses points outside the ball, above 8 dimensions, and bad bounds, by name', () => {
    expect(() => placementStatement([0.6, 0.8], [0, 0], 1)).toThrow(PlacementAttestError)
    expect(() => placementStatement([1 - 2 ** -40, 0], [0, 0], 1)).toThrow(/inside the unit ball/)
    expect(() => placementStatement(Array(9).fill(0), Array(9).fill(0), 1)).toThrow(/dimension 9/)
    expect(() => placementStatement([0.1, 0], [0, 0.1, 0], 1)).toThrow(PlacementAttestError)
    expect(() => placementStatement([Number.NaN, 0], [0, 0], 1)).toThrow(/finite/)
    expect(() => placementBound(-1)).toThrow(PlacementAttestError)
    expect(() => placementBound(1, 0)).toThrow(/kappa/)
  })

  it('checkPlacementStatement accepts exactly the signals of its bound', () => {
    const st = placementStatement([0.1, 0.2], [0.2, 0.1], 2, 0.5)
    expect(checkPlacementStatement(st.publicSignals, 2, 0.5)).toBe(true)
    expect(checkPlacementStatement(st.publicSignals, 2.1, 0.5)).toBe(false)
    expect(checkPlacementStatement(st.publicSignals, 2, 1)).toBe(false)
    expect(checkPlacementStatement(st.publicSignals.slice(0, 3), 2, 0.5)).toBe(false)
    expect(checkPlacementStatement([FIELD.toString(), ...st.publicSignals.slice(1)], 2, 0.5)).toBe(false)
    // fresh blindings: the same points commit differently each time
    expect(placementStatement([0.1, 0.2], [0.2, 0.1], 2).publicSignals[0]).not.toBe(st.publicSignals[0])
  })
})

describe('placement circuit', () => {
  it('a proof exists iff the rational inequality holds; it matches the float distance', {
    timeout: 300_000,
  }, async () => {
    let proved = 0
    let refused = 0
    let worstGap = 0
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 8 }).chain((dim) => fc.tuple(point(dim), point(dim))),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        fc.boolean(),
        fc.double({ min: 1e-9, max: 0.2, noNaN: true, noDefaultInfinity: true }),
        async ([u, v], kappa, above, margin) => {
          // the bound sits just above or just below the true distance so both outcomes come up
          const d = distance(u, v, kappa)
          const maxDistance = d * (above ? 1 + margin : 1 - margin)
          const st = placementStatement(u, v, maxDistance, kappa)
          const { qn, qd } = placementBound(maxDistance, kappa)
          const exact = placementHolds(st.rounded.U, st.rounded.V, qn, qd)
          // the float distance agrees except within rounding of the boundary
          const gap = Math.abs(d - maxDistance) / Math.max(d, 1e-12)
          if (exact !== d <= maxDistance) worstGap = Math.max(worstGap, gap)
          if (gap > 1e-6) expect(exact).toBe(d <= maxDistance)
          if (exact) {
            const { proof, publicSignals } = await provePlacement(st.witness)
            expect(publicSignals).toEqual(st.publicSignals)
            expect(await verifyWithSnarkjs('placement', publicSignals, proof)).toBe(true)
            expect(checkPlacementStatement(publicSignals, maxDistance, kappa)).toBe(true)
            proved++
          } else {
            await expect(provePlacement(st.witness)).rejects.toThrow(ZkWitnessError)
            refused++
          }
        },
      ),
      { numRuns: 16, seed: 45 },
    )
    console.log(
      `placement property: ${proved} proved, ${refused} refused, worst disagreement gap ${worstGap}`,
    )
    expect(proved).toBeGreaterThan(2)
    expect(refused).toBeGreaterThan(2)
    expect(worstGap).toBeLessThan(1e-6)
  })

  it('the rounded points disagree with the float distance only within ~1e-8 of the bound (measured)', () => {
    // coordinates move by <= 2^-33 each when rounded; at radius <= 0.95 the metric factor 2/(1-r^2) is <= 20.6,
    // so the distance moves by <= 2 * 20.6 * sqrt(8) * 2^-33 ~ 1.4e-8: disagreements live inside that band
    let worst = 0
    let disagreements = 0
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }).chain((dim) => fc.tuple(point(dim), point(dim))),
        fc.double({ min: -1e-6, max: 1e-6, noNaN: true }),
        ([u, v], offset) => {
          const d = distance(u, v)
          const maxDistance = Math.max(0, d + offset)
          const st = placementStatement(u, v, maxDistance)
          const { qn, qd } = placementBound(maxDistance)
          if (placementHolds(st.rounded.U, st.rounded.V, qn, qd) !== d <= maxDistance) {
            disagreements++
            worst = Math.max(worst, Math.abs(offset))
          }
        },
      ),
      { numRuns: 1000, seed: 7 },
    )
    console.log(
      `placement rounding: ${disagreements}/1000 disagree, worst |d - bound| ${worst.toExponential(2)}`,
    )
    expect(disagreements).toBeGreaterThan(0) // the band exists: the test measures something
    expect(worst).toBeLessThan(1.5e-8)
  })

  it('near the boundary: the rounded points decide, within fixed-point rounding of the float distance', async () => {
    const u = [0.3, -0.2, 0.1]
    const v = [-0.25, 0.4, 0.05]
    const d = distance(u, v)
    for (const rel of [1e-3, 1e-6]) {
      const above = placementStatement(u, v, d * (1 + rel))
      const below = placementStatement(u, v, d * (1 - rel))
      const b1 = placementBound(d * (1 + rel))
      const b2 = placementBound(d * (1 - rel))
      expect(placementHolds(above.rounded.U, above.rounded.V, b1.qn, b1.qd)).toBe(true)
      expect(placementHolds(below.rounded.U, below.rounded.V, b2.qn, b2.qd)).toBe(false)
    }
  })

  it('tampered public signals fail verification', { timeout: 120_000 }, async () => {
    const st = placementStatement([0.5, 0.1, -0.3], [0.45, 0.2, -0.25], 1)
    const { proof, publicSignals } = await provePlacement(st.witness)
    expect(await verifyWithSnarkjs('placement', publicSignals, proof)).toBe(true)
    const tighter = [...publicSignals]
    tighter[2] = (BigInt(publicSignals[2] as string) / 2n).toString() // qn halved: a smaller distance claimed
    expect(await verifyWithSnarkjs('placement', tighter, proof)).toBe(false)
    const otherPoint = [...publicSignals]
    otherPoint[1] = placementStatement([0.5, 0.1, -0.3], [0.45, 0.2, -0.25], 1).publicSignals[1] as string
    expect(await verifyWithSnarkjs('placement', otherPoint, proof)).toBe(false)
    // a wrong opening of the commitment is refused by the prover
    await expect(provePlacement({ ...st.witness, ru: '1' })).rejects.toThrow(/no placement proof/)
  })
})
