// The placement circuit and its statement encoder: a proof exists iff the exact rational inequality holds on the
// rounded points, the bound agrees with functions/geometry's float distance, and tampered signals fail.
import { bn254_Fr } from '@noble/curves/bn254.js'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  checkPlacementStatement,
  FIELD,
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

/** A point of the ball of Euclidean radius < 0.95, in `dim` dimensions. */
const point = (dim: number) =>
  fc
    .tuple(
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: dim, maxLength: dim }),
      fc.double({ min: 0, max: 0.95, noNaN: true }),
    )
    .map(([dir, r]) => {
      const n = Math.hypot(...dir)
      return n === 0 ? dir.map(() => 0) : dir.map((x) => (x / n) * r)
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
          const exact = Math.cosh(d * Math.sqrt(kappa)) - 1
          const q = Number(qn) / Number(qd)
          if (exact > 1e-6) {
            expect(q).toBeLessThanOrEqual(exact * (1 + 1e-14))
            expect(q).toBeGreaterThanOrEqual(exact * (1 - 1e-11))
          }
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
        fc.double({ min: 0.8, max: 1.25, noNaN: true }),
        async ([u, v], kappa, ratio) => {
          // the bound straddles the true distance so both outcomes come up
          const d = distance(u, v, kappa)
          const maxDistance = d * ratio
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
