// The committed aggregates: fixed-point values, presence, a blinding factor, and their Poseidon commitment.
import { poseidon10 } from 'poseidon-lite/poseidon10'
import { FIELD, FRACTION_BITS, randomField, SLOTS, VALUE_BITS } from './circuit.ts'
import { qFromNumber } from './rational.ts'
import type { KernelStatement } from './statement.ts'

/** What only the holon keeps: with it anyone could recompute the commitment, so it is never in the ledger. */
export interface Opening {
  values: bigint[]
  present: boolean[]
  blinding: bigint
}

export class OpeningError extends Error {}

/** round(v * 2^FRACTION_BITS), halves away from zero; refused beyond the circuit's range. */
export function fixedPoint(v: number): bigint {
  const { n, d } = qFromNumber(v)
  const scaled = n << BigInt(FRACTION_BITS)
  const mag = ((scaled < 0n ? -scaled : scaled) * 2n + d) / (2n * d)
  const x = scaled < 0n ? -mag : mag
  if ((x < 0n ? -x : x) >= 1n << BigInt(VALUE_BITS))
    throw new OpeningError(`${v} is beyond the circuit's range (|value| < 2^${VALUE_BITS - FRACTION_BITS})`)
  return x
}

/** A fresh blinding factor. */
export const randomBlinding = randomField

/** The slots' values from the kernel's `agg` view (absent aggregates are value 0, presence 0). */
export function openingFor(
  st: KernelStatement,
  agg: Readonly<Record<string, number>>,
  blinding: bigint,
): Opening {
  const values: bigint[] = []
  const present: boolean[] = []
  for (let i = 0; i < SLOTS; i++) {
    const name = st.slots[i]
    const v = name === undefined ? undefined : agg[name]
    values.push(v === undefined ? 0n : fixedPoint(v))
    present.push(v !== undefined)
  }
  return { values, present, blinding }
}

const field = (x: bigint) => ((x % FIELD) + FIELD) % FIELD

/** Poseidon(value[0..7], sum present[j] * 2^j, blinding), as the circuit computes it. */
export function commitment(o: Opening): bigint {
  const bits = o.present.reduce((m, p, j) => (p ? m | (1n << BigInt(j)) : m), 0n)
  return poseidon10([...o.values.map(field), bits, field(o.blinding)])
}

/** The circuit's semantics over an opening, in BigInt: whether each stated invariant holds. */
export function evaluateStatement(st: KernelStatement, o: Opening): boolean[] {
  const truth = st.atoms.map((a) => {
    const [pa, pb] = [o.present[a.ia] ?? false, o.present[a.ib] ?? false]
    if (a.kind === 5) return pa
    if (a.kind === 6) return !pa
    if (!pa || !pb) return false
    const L = a.ca * (o.values[a.ia] ?? 0n) + a.cb * (o.values[a.ib] ?? 0n) + a.k
    return a.kind === 1 ? L >= 0n : a.kind === 2 ? L > 0n : a.kind === 3 ? L === 0n : L !== 0n
  })
  const clause = (mask: bigint) => truth.every((t, i) => t || ((mask >> BigInt(i)) & 1n) === 0n)
  return st.invariants.map((_, i) => st.clauses.some((c) => c.owner === i + 1 && clause(c.mask)))
}
