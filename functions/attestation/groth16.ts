// Groth16 verification of snarkjs proofs over BN254 in pure TypeScript (@noble/curves): runs in workerd and the browser.
import { pippenger } from '@noble/curves/abstract/curve.js'
import { bn254 } from '@noble/curves/bn254.js'

/** Structurally bad JSON (wrong types or shapes): the caller sent something that is not a snarkjs object. */
export class ZkFormatError extends Error {
  override name = 'ZkFormatError'
}

type G1Json = [string, string, string]
type G2Json = [[string, string], [string, string], [string, string]]
export interface Groth16Vkey {
  protocol: 'groth16'
  curve: 'bn128'
  nPublic: number
  vk_alpha_1: G1Json
  vk_beta_2: G2Json
  vk_gamma_2: G2Json
  vk_delta_2: G2Json
  IC: G1Json[]
}
export interface Groth16Proof {
  pi_a: G1Json
  pi_b: G2Json
  pi_c: G1Json
  protocol: 'groth16'
  curve: 'bn128'
}
export interface Verdict {
  valid: boolean
  reason?: string
}

const { G1, G2, fields } = bn254
const { Fp, Fp2, Fp12, Fr } = fields
type P1 = InstanceType<typeof G1.Point>
type P2 = InstanceType<typeof G2.Point>

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const strs = (v: unknown, n: number): v is string[] =>
  Array.isArray(v) && v.length === n && v.every((s) => typeof s === 'string')
const isG1 = (v: unknown): v is G1Json => strs(v, 3)
const isG2 = (v: unknown): v is G2Json => Array.isArray(v) && v.length === 3 && v.every((c) => strs(c, 2))

function header(o: Record<string, unknown>, what: string): void {
  if (o.protocol !== 'groth16') throw new ZkFormatError(`${what}.protocol must be "groth16"`)
  if (o.curve !== 'bn128') throw new ZkFormatError(`${what}.curve must be "bn128"`)
}

/** Checks the shape of a snarkjs verification key (members beyond these, e.g. vk_alphabeta_12, are ignored). */
export function parseVkey(json: unknown): Groth16Vkey {
  if (!isObj(json)) throw new ZkFormatError('vkey must be an object')
  header(json, 'vkey')
  const n = json.nPublic
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw new ZkFormatError('vkey.nPublic must be a count')
  for (const k of ['vk_beta_2', 'vk_gamma_2', 'vk_delta_2'])
    if (!isG2(json[k])) throw new ZkFormatError(`vkey.${k} must be a G2 point (3 pairs of strings)`)
  if (!isG1(json.vk_alpha_1)) throw new ZkFormatError('vkey.vk_alpha_1 must be a G1 point (3 strings)')
  if (!Array.isArray(json.IC) || json.IC.length !== n + 1 || !json.IC.every(isG1))
    throw new ZkFormatError('vkey.IC must hold nPublic + 1 G1 points')
  return json as unknown as Groth16Vkey
}

export function parseProof(json: unknown): Groth16Proof {
  if (!isObj(json)) throw new ZkFormatError('proof must be an object')
  header(json, 'proof')
  if (!isG1(json.pi_a) || !isG1(json.pi_c))
    throw new ZkFormatError('proof.pi_a and pi_c must be G1 points (3 strings)')
  if (!isG2(json.pi_b)) throw new ZkFormatError('proof.pi_b must be a G2 point (3 pairs of strings)')
  return json as unknown as Groth16Proof
}

export function parsePublicSignals(json: unknown): string[] {
  if (!Array.isArray(json) || !json.every((s) => typeof s === 'string'))
    throw new ZkFormatError('publicSignals must be an array of decimal strings')
  return json
}

/** A value-level refusal: caught inside verifyGroth16 and returned as `{ valid: false, reason }`. */
class Invalid extends Error {}

/** Canonical decimals only ("0" or no leading zero, no sign, no spaces, no exponent), 78 digits at most. */
function decimal(s: string, bound: bigint, what: string): bigint {
  if (!/^(0|[1-9][0-9]{0,77})$/.test(s)) throw new Invalid(`${what} is not a canonical decimal`)
  const v = BigInt(s)
  if (v >= bound)
    throw new Invalid(`${what} is not below the ${bound === Fr.ORDER ? 'group order r' : 'field prime p'}`)
  return v
}

/** snarkjs writes affine points with z = 1 and the point at infinity as (0, 1, 0). */
function g1(j: G1Json, what: string): P1 {
  const [x, y, z] = j.map((s, i) => decimal(s, Fp.ORDER, `${what}[${i}]`)) as [bigint, bigint, bigint]
  if (z === 0n && x === 0n && y === 1n) return G1.Point.ZERO
  if (z !== 1n) throw new Invalid(`${what} is not in affine form (z must be 1)`)
  // noble reads affine (0, 0) as infinity (EIP-196's convention); it is not on y^2 = x^3 + 3
  if (x === 0n && y === 0n) throw new Invalid(`${what} is not a valid point: (0, 0) is not on the curve`)
  return checked(G1.Point.fromAffine({ x, y }), what)
}

function g2(j: G2Json, what: string): P2 {
  const f = (k: number) => {
    const [c0, c1] = j[k] as [string, string]
    return Fp2.fromBigTuple([
      decimal(c0, Fp.ORDER, `${what}[${k}][0]`),
      decimal(c1, Fp.ORDER, `${what}[${k}][1]`),
    ])
  }
  const [x, y, z] = [f(0), f(1), f(2)]
  if (Fp2.is0(x) && Fp2.eql(y, Fp2.ONE) && Fp2.is0(z)) return G2.Point.ZERO
  if (!Fp2.eql(z, Fp2.ONE)) throw new Invalid(`${what} is not in affine form (z must be [1, 0])`)
  if (Fp2.is0(x) && Fp2.is0(y)) throw new Invalid(`${what} is not a valid point: (0, 0) is not on the curve`)
  return checked(G2.Point.fromAffine({ x, y }), what)
}

/** noble's assertValidity checks the curve equation and, for G2, the prime-order subgroup (psi endomorphism). */
function checked<P extends { assertValidity(): void }>(p: P, what: string): P {
  try {
    p.assertValidity()
  } catch (e) {
    throw new Invalid(`${what} is not a valid point: ${(e as Error).message}`)
  }
  return p
}

function nonZero<P extends { is0(): boolean }>(p: P, what: string): P {
  if (p.is0()) throw new Invalid(`${what} is the point at infinity`)
  return p
}

type Lines = ReturnType<typeof bn254.utils.calcPairingPrecomputes>
interface PreparedVkey {
  alpha: P1
  beta: Lines
  gamma: Lines
  delta: Lines
  ic: P1[]
}
/** Miller-loop line coefficients of a checked, non-zero G2 point (precomputed once for the vkey's three). */
const lines = (p: P2): Lines => bn254.utils.calcPairingPrecomputes(p)
/** Up to this many public inputs, one wNAF multiplication each (~2.3 ms) beats Pippenger (~10 ms at 2, ~35 at 8). */
const PLAIN_MSM_MAX = 8

/**
 * The subgroup checks on the vkey's G2 points cost about as much as the pairing: done once per vkey, keyed by
 * its points' text (not by object identity, so a vkey edited in place is checked again). A few vkeys at most.
 */
const prepared = new Map<string, PreparedVkey>()
function prepare(vk: Groth16Vkey): PreparedVkey {
  const key = JSON.stringify([vk.vk_alpha_1, vk.vk_beta_2, vk.vk_gamma_2, vk.vk_delta_2, vk.IC])
  let p = prepared.get(key)
  if (!p) {
    p = {
      alpha: nonZero(g1(vk.vk_alpha_1, 'vkey.vk_alpha_1'), 'vkey.vk_alpha_1'),
      beta: lines(nonZero(g2(vk.vk_beta_2, 'vkey.vk_beta_2'), 'vkey.vk_beta_2')),
      gamma: lines(nonZero(g2(vk.vk_gamma_2, 'vkey.vk_gamma_2'), 'vkey.vk_gamma_2')),
      delta: lines(nonZero(g2(vk.vk_delta_2, 'vkey.vk_delta_2'), 'vkey.vk_delta_2')),
      ic: vk.IC.map((j, i) => g1(j, `vkey.IC[${i}]`)),
    }
    if (prepared.size >= 16) prepared.clear()
    prepared.set(key, p)
  }
  return p
}

/**
 * Checks e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) == 1 with vk_x = IC0 + sum s_i IC_i, as one
 * multi-Miller loop and one final exponentiation, every point checked before it is paired. Throws ZkFormatError
 * only for bad shapes; every bad value (a point off the curve or outside the subgroup, a scalar >= r, a
 * non-canonical decimal, a wrong signal count) is a `{ valid: false, reason }`.
 */
export function verifyGroth16(vkJson: unknown, signalsJson: unknown, proofJson: unknown): Verdict {
  const vk = parseVkey(vkJson)
  const signals = parsePublicSignals(signalsJson)
  const proof = parseProof(proofJson)
  try {
    if (signals.length !== vk.nPublic)
      throw new Invalid(`expected ${vk.nPublic} public signals, got ${signals.length}`)
    const s = signals.map((x, i) => decimal(x, Fr.ORDER, `publicSignals[${i}]`))
    const { alpha, beta, gamma, delta, ic } = prepare(vk)
    const a = nonZero(g1(proof.pi_a, 'proof.pi_a'), 'proof.pi_a')
    const b = nonZero(g2(proof.pi_b, 'proof.pi_b'), 'proof.pi_b')
    const c = nonZero(g1(proof.pi_c, 'proof.pi_c'), 'proof.pi_c')
    const rest = ic.slice(1)
    const vkx = (ic[0] as P1).add(
      rest.length <= PLAIN_MSM_MAX
        ? rest.reduce((acc, p, i) => acc.add(p.multiplyUnsafe(s[i] as bigint)), G1.Point.ZERO)
        : pippenger(G1.Point, rest, s),
    )
    const term = (p: P1, l: Lines): [Lines, bigint, bigint] => {
      const { x, y } = p.toAffine()
      return [l, x, y]
    }
    const terms = [term(a.negate(), lines(b)), term(alpha, beta), term(c, delta)]
    // the pairing of the point at infinity with anything is 1 (noble's line functions do not take it)
    if (!vkx.is0()) terms.push(term(vkx, gamma))
    const product = Fp12.finalExponentiate(bn254.millerLoopBatch(terms))
    if (!Fp12.eql(product, Fp12.ONE)) return { valid: false, reason: 'pairing check failed' }
    return { valid: true }
  } catch (e) {
    if (e instanceof Invalid) return { valid: false, reason: e.message }
    throw e
  }
}

const be32 = (v: bigint) => {
  const out = new Uint8Array(32)
  for (let i = 31; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn)
  return out
}

/**
 * The proof's 256-byte uncompressed encoding, as EIP-197 (Ethereum's bn254 precompiles and snarkjs's Solidity
 * verifier) lays it out: A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y, each 32 bytes big-endian.
 * Values are taken as written (a proof that fails verification still has a size); bad shapes throw ZkFormatError.
 */
export function proofBytes(proofJson: unknown): Uint8Array {
  const { pi_a, pi_b, pi_c } = parseProof(proofJson)
  const b = pi_b as unknown as string[][]
  const order = [pi_a[0], pi_a[1], b[0]?.[1], b[0]?.[0], b[1]?.[1], b[1]?.[0], pi_c[0], pi_c[1]]
  const out = new Uint8Array(256)
  order.forEach((s, i) => {
    if (!/^(0|[1-9][0-9]{0,77})$/.test(s as string) || BigInt(s as string) >= Fp.ORDER)
      throw new ZkFormatError('proof coordinates must be canonical decimals below p')
    out.set(be32(BigInt(s as string)), i * 32)
  })
  return out
}
