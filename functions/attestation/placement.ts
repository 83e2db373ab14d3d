// The placement statement: two Poincaré-ball points as committed fixed-point integers and a rational bound on
// cosh d - 1, the public and private inputs of scripts/zk/circuits/placement.circom (pure, worker-safe).
import { poseidon9 } from 'poseidon-lite/poseidon9'
import { FIELD, fieldDecimal, randomField } from './circuit.ts'

/** PlacementAttest(DIM, F): coordinates up to DIM, fixed point with F fractional bits. */
export const PLACEMENT_DIM = 8
export const PLACEMENT_F = 32
/** qn and qd are range-checked below 2^64 in the circuit. */
const Q_MAX = 2n ** 64n - 1n
/**
 * Relative slack taken off cosh(x) - 1 before it is rounded down to qn/qd: the float value of x = maxDistance *
 * sqrt(kappa) and of 2 sinh(x/2)^2 each carry a few ulps (2^-52) of relative error, amplified at most ~x (< 45
 * when qn/qd < 2^64) by the derivative; 2^-40 covers that with room, so qn/qd is a true lower bound.
 */
const SLACK = 2 ** -40

export type PlacementIssue = 'not_finite' | 'dimension' | 'outside_ball' | 'bad_bound'

/** A placement that cannot be stated for the circuit: which point or bound, and why. */
export class PlacementAttestError extends Error {
  override name = 'PlacementAttestError'
  readonly issue: PlacementIssue
  constructor(issue: PlacementIssue, message: string) {
    super(message)
    this.issue = issue
  }
}

export interface PlacementWitnessInput {
  cu: string
  cv: string
  qn: string
  qd: string
  U: string[]
  V: string[]
  ru: string
  rv: string
}

export interface PlacementStatement {
  /** the circuit input (decimal field elements), private coordinates and blindings included */
  witness: PlacementWitnessInput
  /** [cu, cv, qn, qd]: what the verifier sees */
  publicSignals: string[]
  /** the rounded points (signed integers, U = round(u 2^F)): the prover keeps them to open the commitments */
  rounded: { U: bigint[]; V: bigint[] }
}

/**
 * The bound qn/qd, a rational LOWER bound of cosh(maxDistance sqrt(kappa)) - 1 with qn, qd < 2^64 and qd a power
 * of two: cosh d_1 - 1 <= qn/qd implies d_1 <= maxDistance sqrt(kappa), i.e. d_kappa = d_1 / sqrt(kappa) <=
 * maxDistance (functions/geometry/poincare.ts: curvature -kappa divides lengths by sqrt(kappa)).
 */
export function placementBound(maxDistance: number, kappa = 1): { qn: bigint; qd: bigint } {
  if (!Number.isFinite(maxDistance) || maxDistance < 0)
    throw new PlacementAttestError(
      'bad_bound',
      `max_distance must be a finite number >= 0, got ${maxDistance}`,
    )
  if (!Number.isFinite(kappa) || kappa <= 0)
    throw new PlacementAttestError('bad_bound', `kappa must be a finite number > 0, got ${kappa}`)
  const x = maxDistance * Math.sqrt(kappa)
  const c = 2 * Math.sinh(x / 2) ** 2 // cosh x - 1 without cancellation
  const low = c * (1 - SLACK)
  if (!(low < 2 ** 64)) return { qn: Q_MAX, qd: 1n } // beyond the circuit's range: a weaker, still valid bound
  // the largest power-of-two denominator with qn < 2^64; low * 2^e is exact, Math.floor rounds down
  let e = 63
  while (e > 0 && low * 2 ** e >= 2 ** 64) e--
  return { qn: BigInt(Math.floor(low * 2 ** e)), qd: 2n ** BigInt(e) }
}

/** Rounds a point to fixed point and checks it is inside the ball exactly: |U|^2 < 2^(2F). */
function roundPoint(p: readonly number[], which: string): bigint[] {
  if (p.length < 1 || p.length > PLACEMENT_DIM)
    throw new PlacementAttestError(
      'dimension',
      `${which} has dimension ${p.length}; the placement circuit takes 1..${PLACEMENT_DIM}`,
    )
  const out: bigint[] = []
  for (const [i, x] of p.entries()) {
    if (!Number.isFinite(x))
      throw new PlacementAttestError('not_finite', `${which}[${i}] is not a finite number`)
    out.push(BigInt(Math.round(x * 2 ** PLACEMENT_F)))
  }
  while (out.length < PLACEMENT_DIM) out.push(0n)
  const norm = out.reduce((s, c) => s + c * c, 0n)
  if (norm >= 2n ** BigInt(2 * PLACEMENT_F))
    throw new PlacementAttestError(
      'outside_ball',
      `${which} is not strictly inside the unit ball after rounding to ${PLACEMENT_F} fractional bits`,
    )
  return out
}

/** The commitment to a rounded point: Poseidon(DIM + 1)(U[0..7], r), as the circuit computes it. */
export const commitPoint = (U: readonly bigint[], r: bigint): bigint => poseidon9([...U.map(fieldDecimal), r])

/**
 * The statement that d_kappa(u, v) <= maxDistance: its circuit input (with fresh random blindings) and public
 * signals. Refuses points outside the ball or above 8 dimensions; whether the statement holds is the prover's
 * business (a false one has no proof).
 */
export function placementStatement(
  u: readonly number[],
  v: readonly number[],
  maxDistance: number,
  kappa = 1,
): PlacementStatement {
  if (u.length !== v.length)
    throw new PlacementAttestError('dimension', `u has dimension ${u.length}, v has ${v.length}`)
  const U = roundPoint(u, 'u')
  const V = roundPoint(v, 'v')
  const { qn, qd } = placementBound(maxDistance, kappa)
  const ru = randomField()
  const rv = randomField()
  const cu = commitPoint(U, ru).toString()
  const cv = commitPoint(V, rv).toString()
  return {
    witness: {
      cu,
      cv,
      qn: qn.toString(),
      qd: qd.toString(),
      U: U.map(fieldDecimal),
      V: V.map(fieldDecimal),
      ru: ru.toString(),
      rv: rv.toString(),
    },
    publicSignals: [cu, cv, qn.toString(), qd.toString()],
    rounded: { U, V },
  }
}

/**
 * The exact inequality the circuit checks, on rounded points (BigInt): 2|U-V|^2 R qd <= qn (R-|U|^2)(R-|V|^2)
 * with R = 2^(2F), and both points strictly inside. A reference for tests and for a prover deciding whether to try.
 */
export function placementHolds(U: readonly bigint[], V: readonly bigint[], qn: bigint, qd: bigint): boolean {
  const R = 2n ** BigInt(2 * PLACEMENT_F)
  const nU = U.reduce((s, c) => s + c * c, 0n)
  const nV = V.reduce((s, c) => s + c * c, 0n)
  if (nU >= R || nV >= R) return false
  const d2 = U.reduce((s, c, i) => {
    const e = c - (V[i] ?? 0n)
    return s + e * e
  }, 0n)
  return 2n * d2 * R * qd <= qn * (R - nU) * (R - nV)
}

const isFieldElement = (s: unknown): boolean =>
  typeof s === 'string' && /^(0|[1-9]\d*)$/.test(s) && BigInt(s) < FIELD

/**
 * Whether public signals [cu, cv, qn, qd] state the bound d_kappa <= maxDistance (the qn/qd placementBound
 * computes); the Groth16 verification itself is separate.
 */
export function checkPlacementStatement(
  publicSignals: readonly string[],
  maxDistance: number,
  kappa = 1,
): boolean {
  if (publicSignals.length !== 4 || !publicSignals.every(isFieldElement)) return false
  const { qn, qd } = placementBound(maxDistance, kappa)
  return publicSignals[2] === qn.toString() && publicSignals[3] === qd.toString()
}
