// The Groth16 verifier inside workerd: the committed fixture proofs verify, and every tampering is refused with a reason.
import { bn254 } from '@noble/curves/bn254.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { proofBytes, verifyGroth16, ZkFormatError } from '../../functions/attestation/groth16.ts'
import manyVkey from './fixtures/many.vkey.json'
import manyProof from './fixtures/many-proof-0.json'
import proof0 from './fixtures/proof-0.json'
import proof1 from './fixtures/proof-1.json'
import proof2 from './fixtures/proof-2.json'
import vkeyJson from './fixtures/square.vkey.json'

// the BN254 base field prime and group order, as published in EIP-196 (not read from the library under test)
const P = 21888242871839275222246405745257275088696311157183872106585630465853094965991n + 1n
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n
const fixtures = [proof0, proof1, proof2]
const vk = () => structuredClone(vkeyJson) as any
const copy = (i = 0) => structuredClone(fixtures[i]) as { proof: any; publicSignals: string[] }
const bump = (s: string, by = 1n) => String((BigInt(s) + by) % P)

/** Paths of every proof coordinate a tamperer can change (z stays 1). */
const COORDS: [string, number, number?][] = [
  ['pi_a', 0],
  ['pi_a', 1],
  ['pi_b', 0, 0],
  ['pi_b', 0, 1],
  ['pi_b', 1, 0],
  ['pi_b', 1, 1],
  ['pi_c', 0],
  ['pi_c', 1],
]
function set(proof: any, [k, i, j]: [string, number, number?], f: (s: string) => string) {
  if (j === undefined) proof[k][i] = f(proof[k][i])
  else proof[k][i][j] = f(proof[k][i][j])
}

/** A point on the twist y^2 = x^3 + b' over Fp2 that is outside the order-r subgroup (found by trying x = 1, 2, ...). */
function g2OutsideSubgroup(): [[string, string], [string, string], [string, string]] {
  const { Fp2 } = bn254.fields
  const b = bn254.G2.Point.CURVE().b
  for (let k = 1n; ; k++) {
    const x = Fp2.fromBigTuple([k, 0n])
    const y2 = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b)
    let y: typeof x
    try {
      y = Fp2.sqrt(y2)
    } catch {
      continue
    }
    if (!Fp2.eql(Fp2.sqr(y), y2)) continue
    const p = bn254.G2.Point.fromAffine({ x, y })
    // r * p != 0: not in the subgroup (checked with plain scalar arithmetic, not with the library's torsion test)
    if (
      p
        .multiplyUnsafe(R - 1n)
        .add(p)
        .is0()
    )
      continue
    const t = (v: { c0: bigint; c1: bigint }): [string, string] => [String(v.c0), String(v.c1)]
    return [t(x), t(y), ['1', '0']]
  }
}

describe('verifyGroth16 on the committed square.circom proofs', () => {
  it('accepts each committed proof', () => {
    for (const f of fixtures) expect(verifyGroth16(vk(), f.publicSignals, f.proof)).toEqual({ valid: true })
  })

  it('with 11 public signals (vk_x by Pippenger, past 8): accepts the proof, refuses any signal changed', () => {
    expect(verifyGroth16(manyVkey, manyProof.publicSignals, manyProof.proof)).toEqual({ valid: true })
    for (let i = 0; i < 11; i++) {
      const signals = [...manyProof.publicSignals]
      signals[i] = bump(signals[i] as string)
      expect(verifyGroth16(manyVkey, signals, manyProof.proof).reason, `signal ${i}`).toBe(
        'pairing check failed',
      )
    }
  })

  it('refuses a change to any coordinate of A, B or C', () => {
    for (const path of COORDS) {
      const { proof, publicSignals } = copy()
      set(proof, path, (s) => bump(s))
      const v = verifyGroth16(vk(), publicSignals, proof)
      expect(v.valid, path.join('.')).toBe(false)
      expect(v.reason).toMatch(/not a valid point|pairing check failed/)
    }
  })

  it('refuses a change to any public signal, and the same proof for another statement', () => {
    for (const i of [0, 1]) {
      const { proof, publicSignals } = copy()
      publicSignals[i] = bump(publicSignals[i] as string)
      expect(verifyGroth16(vk(), publicSignals, proof)).toEqual({
        valid: false,
        reason: 'pairing check failed',
      })
    }
    // proof 0 (x = 3) offered for proof 1's statement
    expect(verifyGroth16(vk(), proof1.publicSignals, proof0.proof).valid).toBe(false)
  })

  it('refuses a tampered vkey: alpha moved, an IC point moved, IC off the curve', () => {
    const { proof, publicSignals } = copy()
    const G = bn254.G1.Point
    const moved = (j: string[]) => {
      const p = G.fromAffine({ x: BigInt(j[0] as string), y: BigInt(j[1] as string) })
        .double()
        .toAffine()
      return [String(p.x), String(p.y), '1']
    }
    const a = vk()
    a.vk_alpha_1 = moved(a.vk_alpha_1)
    expect(verifyGroth16(a, publicSignals, proof)).toEqual({ valid: false, reason: 'pairing check failed' })
    const b = vk()
    b.IC[1] = moved(b.IC[1])
    expect(verifyGroth16(b, publicSignals, proof)).toEqual({ valid: false, reason: 'pairing check failed' })
    const c = vk()
    c.IC[2][1] = bump(c.IC[2][1])
    expect(verifyGroth16(c, publicSignals, proof).reason).toMatch(/^vkey\.IC\[2\] is not a valid point/)
  })

  it('checks a vkey again when the same object is edited after a successful verification', () => {
    const { proof, publicSignals } = copy()
    const key = vk()
    expect(verifyGroth16(key, publicSignals, proof).valid).toBe(true)
    key.vk_delta_2[0][0] = bump(key.vk_delta_2[0][0])
    expect(verifyGroth16(key, publicSignals, proof).reason).toMatch(/^vkey\.vk_delta_2 is not a valid point/)
  })

  it('refuses A and C swapped, and B taken from another proof', () => {
    const { proof, publicSignals } = copy()
    ;[proof.pi_a, proof.pi_c] = [proof.pi_c, proof.pi_a]
    expect(verifyGroth16(vk(), publicSignals, proof)).toEqual({
      valid: false,
      reason: 'pairing check failed',
    })
    const other = copy()
    other.proof.pi_b = proof1.proof.pi_b
    expect(verifyGroth16(vk(), other.publicSignals, other.proof)).toEqual({
      valid: false,
      reason: 'pairing check failed',
    })
  })

  it('refuses a signal plus r (the same field element, but not canonical) and signals of the wrong count', () => {
    const { proof, publicSignals } = copy()
    const plusR = [...publicSignals]
    plusR[1] = String(BigInt(plusR[1] as string) + R)
    expect(verifyGroth16(vk(), plusR, proof)).toEqual({
      valid: false,
      reason: 'publicSignals[1] is not below the group order r',
    })
    expect(verifyGroth16(vk(), publicSignals.slice(1), proof).reason).toBe('expected 2 public signals, got 1')
    expect(verifyGroth16(vk(), [...publicSignals, '0'], proof).reason).toBe(
      'expected 2 public signals, got 3',
    )
  })

  it('refuses non-canonical decimals in signals and coordinates', () => {
    for (const s of ['09', '+9', ' 9', '9 ', '9e0', '0x9', '', '-9', '9.0']) {
      const { proof, publicSignals } = copy()
      publicSignals[1] = s
      expect(verifyGroth16(vk(), publicSignals, proof), JSON.stringify(s)).toEqual({
        valid: false,
        reason: 'publicSignals[1] is not a canonical decimal',
      })
    }
    const { proof, publicSignals } = copy()
    proof.pi_c[0] = `0${proof.pi_c[0]}`
    expect(verifyGroth16(vk(), publicSignals, proof).reason).toBe('proof.pi_c[0] is not a canonical decimal')
  })

  it('refuses coordinates >= p, points off the curve, (0, 0), infinity and non-affine z', () => {
    const cases: [(p: any) => void, RegExp][] = [
      [
        (p) => (p.pi_a[0] = String(BigInt(p.pi_a[0]) + P)),
        /^proof\.pi_a\[0\] is not below the field prime p$/,
      ],
      [(p) => (p.pi_a[1] = bump(p.pi_a[1])), /^proof\.pi_a is not a valid point: .*equation/],
      [(p) => (p.pi_b[1][0] = bump(p.pi_b[1][0])), /^proof\.pi_b is not a valid point: .*equation/],
      [(p) => (p.pi_c = ['0', '0', '1']), /^proof\.pi_c is not a valid point: \(0, 0\) is not on the curve$/],
      [(p) => (p.pi_a = ['0', '1', '0']), /^proof\.pi_a is the point at infinity$/],
      [
        (p) =>
          (p.pi_b = [
            ['0', '0'],
            ['1', '0'],
            ['0', '0'],
          ]),
        /^proof\.pi_b is the point at infinity$/,
      ],
      [(p) => (p.pi_a[2] = '2'), /^proof\.pi_a is not in affine form/],
      [(p) => (p.pi_b[2] = ['1', '1']), /^proof\.pi_b is not in affine form/],
    ]
    for (const [tamper, reason] of cases) {
      const { proof, publicSignals } = copy()
      tamper(proof)
      const v = verifyGroth16(vk(), publicSignals, proof)
      expect(v.valid).toBe(false)
      expect(v.reason).toMatch(reason)
    }
  })

  it('refuses a G2 point on the curve but outside the prime-order subgroup (in B and in the vkey)', () => {
    const bad = g2OutsideSubgroup()
    const { proof, publicSignals } = copy()
    proof.pi_b = bad
    expect(verifyGroth16(vk(), publicSignals, proof).reason).toMatch(
      /^proof\.pi_b is not a valid point: .*subgroup/,
    )
    const key = vk()
    key.vk_gamma_2 = bad
    expect(verifyGroth16(key, copy().publicSignals, copy().proof).reason).toMatch(
      /^vkey\.vk_gamma_2 is not a valid point: .*subgroup/,
    )
  })

  it('throws ZkFormatError only for structurally bad JSON', () => {
    const { proof, publicSignals } = copy()
    const bad: [unknown, unknown, unknown][] = [
      [null, publicSignals, proof],
      [{ ...vk(), protocol: 'plonk' }, publicSignals, proof],
      [{ ...vk(), curve: 'bls12381' }, publicSignals, proof],
      [{ ...vk(), nPublic: 3 }, publicSignals, proof],
      [{ ...vk(), IC: vk().IC.slice(1) }, publicSignals, proof],
      [vk(), [9, 1], proof],
      [vk(), 'x', proof],
      [vk(), publicSignals, { ...proof, pi_b: undefined }],
      [vk(), publicSignals, { ...proof, pi_a: [1, 2, 1] }],
      [vk(), publicSignals, { ...proof, pi_b: [proof.pi_b[0], proof.pi_b[1]] }],
      [vk(), publicSignals, []],
    ]
    for (const args of bad)
      expect(() => verifyGroth16(...args), JSON.stringify(args[0])).toThrow(ZkFormatError)
  })

  it('property: any single proof coordinate or signal replaced by another value below p is refused', () => {
    const field = fc.constantFrom<'coord' | 'signal'>('coord', 'signal')
    fc.assert(
      fc.property(field, fc.nat(7), fc.bigInt(1n, R - 1n), (what, i, delta) => {
        const { proof, publicSignals } = copy(i % 3)
        if (what === 'coord') set(proof, COORDS[i] as [string, number, number?], (s) => bump(s, delta))
        else publicSignals[i % 2] = String((BigInt(publicSignals[i % 2] as string) + delta) % R)
        const v = verifyGroth16(vk(), publicSignals, proof)
        return v.valid === false && typeof v.reason === 'string' && v.reason.length > 0
      }),
      { numRuns: 30 },
    )
  })
})

describe('proofBytes', () => {
  it('is A, B (EIP-197 order: x.c1, x.c0, y.c1, y.c0), C as 32-byte big-endian words', () => {
    const { proof } = proof0
    const bytes = proofBytes(proof)
    expect(bytes.length).toBe(256)
    const word = (i: number) =>
      bytes.slice(i * 32, i * 32 + 32).reduce((acc, x) => acc * 256n + BigInt(x), 0n)
    const b = proof.pi_b
    const want = [
      proof.pi_a[0],
      proof.pi_a[1],
      b[0]?.[1],
      b[0]?.[0],
      b[1]?.[1],
      b[1]?.[0],
      proof.pi_c[0],
      proof.pi_c[1],
    ]
    expect(Array.from({ length: 8 }, (_, i) => word(i))).toEqual(want.map((s) => BigInt(s as string)))
  })
})
