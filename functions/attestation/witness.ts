// The kernel circuit's full input (public statement and private opening), named as the circuit names its signals.
import { ATOMS, CLAUSES, fieldDecimal, INVARIANTS } from './circuit.ts'
import { commitment, type Opening } from './opening.ts'
import { type KernelStatement, publicSignals } from './statement.ts'

export type CircuitInput = Record<string, string | string[]>

export function kernelInput(st: KernelStatement, o: Opening): CircuitInput {
  const signals = publicSignals(st, commitment(o))
  let at = 1
  const next = (n: number) => {
    at += n
    return signals.slice(at - n, at)
  }
  return {
    commitment: signals[0] as string,
    kind: next(ATOMS),
    ia: next(ATOMS),
    ib: next(ATOMS),
    ca: next(ATOMS),
    cb: next(ATOMS),
    k: next(ATOMS),
    mask: next(CLAUSES),
    owner: next(CLAUSES),
    enabled: next(INVARIANTS),
    value: o.values.map(fieldDecimal),
    present: o.present.map((p) => (p ? '1' : '0')),
    blinding: fieldDecimal(o.blinding),
  }
}
