// The placement encoder runs inside workerd (no WebAssembly, no Node APIs): the verify route can import it.
import { describe, expect, it } from 'vitest'
import { FIELD } from '../../functions/attestation/circuit.ts'
import {
  checkPlacementStatement,
  commitPoint,
  placementStatement,
} from '../../functions/attestation/placement.ts'
import vkey from '../../functions/attestation/vkeys/placement.json'

describe('placement encoder in workerd', () => {
  it('builds a statement whose commitments open to the rounded points, and checks its bound', () => {
    const st = placementStatement([0.25, -0.5, 0.125], [0.3, -0.45, 0.1], 0.5, 2)
    expect(st.rounded.U.slice(0, 3)).toEqual([2n ** 30n, -(2n ** 31n), 2n ** 29n])
    expect(commitPoint(st.rounded.U, BigInt(st.witness.ru)).toString()).toBe(st.publicSignals[0])
    expect(BigInt(st.witness.ru)).toBeLessThan(FIELD)
    // a negative coordinate is the field element FIELD - |x|
    expect(st.witness.U[1]).toBe((FIELD - 2n ** 31n).toString())
    expect(checkPlacementStatement(st.publicSignals, 0.5, 2)).toBe(true)
    expect(checkPlacementStatement(st.publicSignals, 0.5, 1)).toBe(false)
  })

  it('the committed placement vkey is importable JSON with the circuit’s 4 public inputs', () => {
    expect((vkey as { protocol: string }).protocol).toBe('groth16')
    expect((vkey as { nPublic: number }).nPublic).toBe(4)
    expect((vkey as { IC: unknown[] }).IC).toHaveLength(5)
  })
})
