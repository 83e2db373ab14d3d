// The kernel attestation circuit's fixed sizes and encodings (scripts/zk/circuits/kernel.circom): one source.

/** BN254's scalar field: circuit signals and Poseidon inputs live here. */
export const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n

/** KernelAttest(S, P, C, I, W): aggregate slots, atoms, clauses, invariants, comparison width in bits. */
export const SLOTS = 8
export const ATOMS = 32
export const CLAUSES = 24
export const INVARIANTS = 8
export const WIDTH = 192

/** Committed values are signed fixed point: round(v * 2^FRACTION_BITS), |value| < 2^VALUE_BITS. */
export const FRACTION_BITS = 32
export const VALUE_BITS = 94
/** Bounds on an atom's public coefficients that keep |L| < 2^WIDTH for every committed value. */
export const COEFFICIENT_BITS = 64
export const CONSTANT_BITS = 190

/** Atom kinds, as the circuit numbers them. */
export const KIND = { ge: 1, gt: 2, eq: 3, ne: 4, has: 5, absent: 6 } as const

/** A uniformly random field element (512 random bits reduced mod FIELD: bias below 2^-250), for blindings. */
export function randomField(): bigint {
  let x = 0n
  for (const b of crypto.getRandomValues(new Uint8Array(64))) x = (x << 8n) | BigInt(b)
  return x % FIELD
}

/** A signed integer as a field element (negative x is FIELD - |x|), in decimal as snarkjs writes signals. */
export const fieldDecimal = (x: bigint): string => (((x % FIELD) + FIELD) % FIELD).toString()
