// The Node prover: Groth16 proofs (snarkjs) for the kernel and placement circuits on the committed wasm and zkeys.
import * as snarkjs from 'snarkjs'
import { ATOMS, CLAUSES, INVARIANTS, SLOTS, WIDTH } from '../../functions/attestation/circuit.ts'
import { VKEYS } from '../../functions/attestation/keys.ts'
import { PLACEMENT_DIM, PLACEMENT_F } from '../../functions/attestation/placement.ts'
import { type CircuitName, wasmPath, zkeyPath } from './artifacts.ts'

/** The kernel circuit's shape: KernelAttest(S, P, C, I, W) in scripts/zk/circuits/kernel.circom. */
export const KERNEL_SHAPE = { S: SLOTS, P: ATOMS, C: CLAUSES, I: INVARIANTS, W: WIDTH } as const
/** The placement circuit's shape: PlacementAttest(DIM, F). */
export const PLACEMENT_SHAPE = { DIM: PLACEMENT_DIM, F: PLACEMENT_F } as const

/** A signal value: an integer (negative ones are taken mod p by the witness calculator) or its decimal string. */
export type Signal = bigint | number | string

/** The kernel circuit's inputs, public ones first (the order of snarkjs's publicSignals). */
export interface KernelWitness {
  commitment: Signal
  kind: Signal[]
  ia: Signal[]
  ib: Signal[]
  ca: Signal[]
  cb: Signal[]
  k: Signal[]
  mask: Signal[]
  owner: Signal[]
  enabled: Signal[]
  value: Signal[]
  present: Signal[]
  blinding: Signal
}

/** The placement circuit's inputs, public ones first. */
export interface PlacementWitness {
  cu: Signal
  cv: Signal
  qn: Signal
  qd: Signal
  U: Signal[]
  V: Signal[]
  ru: Signal
  rv: Signal
}

export type Groth16Proof = snarkjs.Groth16Proof

export interface ZkProof {
  proof: Groth16Proof
  /** decimal field elements in the circuit's public-input order */
  publicSignals: string[]
}

/** The witness violates the circuit's constraints (the statement is false) or does not fit its shape. */
export class ZkWitnessError extends Error {
  override name = 'ZkWitnessError'
  readonly circuit: CircuitName
  constructor(circuit: CircuitName, cause: unknown) {
    const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause)
    super(`no ${circuit} proof: the witness does not satisfy the ${circuit} circuit (${why})`)
    this.circuit = circuit
  }
}

const stringify = (x: unknown): unknown =>
  Array.isArray(x) ? x.map(stringify) : typeof x === 'bigint' || typeof x === 'number' ? x.toString() : x

async function prove(name: CircuitName, input: object): Promise<ZkProof> {
  const witness: snarkjs.MemFile = { type: 'mem' }
  const signals = Object.fromEntries(Object.entries(input).map(([key, v]) => [key, stringify(v)]))
  try {
    // circom's witness calculator checks every === while computing: a false statement stops here
    await snarkjs.wtns.calculate(signals, wasmPath(name), witness)
  } catch (e) {
    throw new ZkWitnessError(name, e)
  }
  return snarkjs.groth16.prove(zkeyPath(name), witness)
}

/** A Groth16 proof that the committed slot values satisfy every enabled invariant of the statement. */
export const proveKernel = (input: KernelWitness): Promise<ZkProof> => prove('kernel', input)

/** A Groth16 proof that two committed points lie within the stated hyperbolic bound. */
export const provePlacement = (input: PlacementWitness): Promise<ZkProof> => prove('placement', input)

/** The reference verifier (snarkjs, WebAssembly: Node only), for tests and the bench. */
export function verifyWithSnarkjs(
  name: CircuitName,
  publicSignals: string[],
  proof: Groth16Proof,
): Promise<boolean> {
  return snarkjs.groth16.verify(VKEYS[name], publicSignals, proof)
}

/**
 * Stops snarkjs's curve (ffjavascript keeps one bn128 instance with worker threads in globalThis.curve_bn128),
 * so that a CLI exits; the next proof builds a fresh one.
 */
export async function terminateZk(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate: () => Promise<void> } | null }
  await g.curve_bn128?.terminate()
}
