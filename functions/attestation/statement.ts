// A kernel's invariants as the kernel circuit's public statement: slots, atoms, clauses, and its signals.
import type { KernelSpec } from '../../schemas/kernel.ts'
import {
  ATOMS,
  CLAUSES,
  COEFFICIENT_BITS,
  CONSTANT_BITS,
  FRACTION_BITS,
  fieldDecimal,
  INVARIANTS,
  KIND,
  SLOTS,
} from './circuit.ts'
import { type Atom, type Clause, dnf, names, Unsupported } from './formula.ts'
import { integerForm } from './rational.ts'
import { invariantFormula } from './translate.ts'

/** One atom as the circuit sees it: kind, two slots, coefficients, constant (signed integers). */
export interface CircuitAtom {
  kind: number
  ia: number
  ib: number
  ca: bigint
  cb: bigint
  k: bigint
  /** The atom over aggregate names, for people. */
  text: string
}

export interface KernelStatement {
  /** The invariants stated, in circuit order (invariant i + 1). */
  invariants: { name: string; threshold: number; clauses: number }[]
  /** Aggregate names by slot. */
  slots: string[]
  atoms: CircuitAtom[]
  clauses: { mask: bigint; owner: number }[]
}

/** Why each refused invariant cannot be proved (an empty list: everything asked can be). */
export interface Refusal {
  /** the invariant (or a workload, for placements); '*' for the whole statement */
  subject: string
  reason: string
}

export class StatementError extends Error {
  readonly refusals: Refusal[]
  constructor(refusals: Refusal[]) {
    super(refusals.map((r) => `${r.subject}: ${r.reason}`).join('; '))
    this.refusals = refusals
  }
}

const REL_TEXT = { ge: '>=', gt: '>', eq: '==', ne: '!=' } as const
const inBits = (x: bigint, bits: number) => (x < 0n ? -x : x) < 1n << BigInt(bits)

function circuitAtom(a: Atom, slot: (name: string) => number): CircuitAtom {
  if (!('lin' in a)) {
    const s = slot(a.agg)
    return { kind: KIND[a.rel], ia: s, ib: s, ca: 0n, cb: 0n, k: 0n, text: `${a.rel}(${a.agg})` }
  }
  const { terms, k } = integerForm(a.lin)
  if (terms.length > 2)
    throw new Unsupported(
      `\`${terms.map(([n]) => n).join(', ')}\` are compared at once (the circuit compares two)`,
    )
  const [[na, ca], [nb, cb] = [na, 0n]] = terms as [[string, bigint], [string, bigint]?]
  const text = `${terms.map(([n, c]) => `${c}*${n}`).join(' + ')} + ${k} ${REL_TEXT[a.rel]} 0`
  const K = k << BigInt(FRACTION_BITS)
  if (!inBits(ca, COEFFICIENT_BITS) || !inBits(cb, COEFFICIENT_BITS) || !inBits(K, CONSTANT_BITS))
    throw new Unsupported(`\`${text}\` needs coefficients wider than the circuit's ${COEFFICIENT_BITS} bits`)
  return { kind: KIND[a.rel], ia: slot(na), ib: slot(nb), ca, cb, k: K, text }
}

/**
 * The statement that every named invariant (default: all) holds. Throws StatementError listing every invariant
 * that cannot be stated and why, or naming the circuit size that the kernel exceeds.
 */
export function kernelStatement(spec: KernelSpec, only?: readonly string[]): KernelStatement {
  const wanted = only ?? Object.keys(spec.invariants)
  const refusals: Refusal[] = []
  const perInvariant: { name: string; clauses: Clause[] }[] = []
  for (const name of wanted) {
    try {
      const clauses = dnf(invariantFormula(spec, name))
      if (clauses.length === 0) throw new Unsupported('its condition can never hold')
      for (const c of clauses) for (const a of c.values()) circuitAtom(a, () => 0) // refuses what cannot be encoded
      perInvariant.push({ name, clauses })
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e
      refusals.push({ subject: name, reason: e.message })
    }
  }
  if (refusals.length) throw new StatementError(refusals)
  const whole = (reason: string) => new StatementError([{ subject: '*', reason }])
  if (perInvariant.length > INVARIANTS)
    throw whole(`${perInvariant.length} invariants; the circuit states at most ${INVARIANTS}`)
  // an invariant whose condition is always true needs no clause at all
  const atomKeys = new Map<string, Atom>()
  for (const { clauses } of perInvariant)
    for (const c of clauses) for (const [key, a] of c) atomKeys.set(key, a)
  const slots = [...new Set([...atomKeys.values()].flatMap(names))].sort()
  if (slots.length > SLOTS) throw whole(`it reads ${slots.length} aggregates; the circuit has ${SLOTS} slots`)
  if (atomKeys.size > ATOMS) throw whole(`it needs ${atomKeys.size} comparisons; the circuit has ${ATOMS}`)
  const index = [...atomKeys.keys()]
  const atoms = [...atomKeys.values()].map((a) => circuitAtom(a, (n) => slots.indexOf(n)))
  const clauses = perInvariant.flatMap(({ clauses }, i) =>
    clauses.map((c) => ({
      mask: [...c.keys()].reduce((m, key) => m | (1n << BigInt(index.indexOf(key))), 0n),
      owner: i + 1,
    })),
  )
  if (clauses.length > CLAUSES) throw whole(`it needs ${clauses.length} cases; the circuit has ${CLAUSES}`)
  return {
    invariants: perInvariant.map(({ name, clauses }) => ({
      name,
      threshold: (spec.invariants[name] as { threshold: number }).threshold,
      clauses: clauses.length,
    })),
    slots,
    atoms,
    clauses,
  }
}

/** The circuit's public signals in declaration order: commitment, kind, ia, ib, ca, cb, k, mask, owner, enabled. */
export function publicSignals(st: KernelStatement, commitment: bigint): string[] {
  const pad = <T>(xs: T[], n: number, fill: T) => [...xs, ...Array<T>(n - xs.length).fill(fill)]
  const atoms = pad<CircuitAtom>(st.atoms, ATOMS, { kind: 0, ia: 0, ib: 0, ca: 0n, cb: 0n, k: 0n, text: '' })
  const clauses = pad(st.clauses, CLAUSES, { mask: 0n, owner: 0 })
  const big = (x: number | bigint) => fieldDecimal(BigInt(x))
  return [
    fieldDecimal(commitment),
    ...atoms.map((a) => big(a.kind)),
    ...atoms.map((a) => big(a.ia)),
    ...atoms.map((a) => big(a.ib)),
    ...atoms.map((a) => big(a.ca)),
    ...atoms.map((a) => big(a.cb)),
    ...atoms.map((a) => big(a.k)),
    ...clauses.map((c) => big(c.mask)),
    ...clauses.map((c) => big(c.owner)),
    ...Array.from({ length: INVARIANTS }, (_, i) => big(i < st.invariants.length ? 1 : 0)),
  ]
}
