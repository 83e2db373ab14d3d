// Groth16 proving with snarkjs on the committed circuits: constraints, proving time, proof size, verify time.
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { poseidon10 } from 'poseidon-lite'
import { placementStatement, toField } from '../functions/attestation/placement.ts'
import { type CircuitName, transcriptPath } from '../scripts/zk/artifacts.ts'
import {
  KERNEL_SHAPE,
  type KernelWitness,
  proveKernel,
  provePlacement,
  terminateZk,
  verifyWithSnarkjs,
  type ZkProof,
} from '../scripts/zk/prove-core.ts'
import { fmt, median, table } from './report.ts'

/** A kernel statement of the example kernels' shape: a ratio of two sums >= 0.3 and a sum <= 1000. */
function kernelWitness(): KernelWitness {
  const { S, P, C, I } = KERNEL_SHAPE
  const value = [40n, 100n, 700n, 0n, 0n, 0n, 0n, 0n]
  const present = [1, 1, 1, 0, 0, 0, 0, 0]
  const blinding = 987654321987654321n
  const atoms = [
    { kind: 1, ia: 0, ib: 1, ca: 10n, cb: -3n, k: 0n }, // 10 a - 3 b >= 0
    { kind: 1, ia: 2, ib: 2, ca: -1n, cb: 0n, k: 1000n }, // 1000 - c >= 0
  ]
  const fill = <T>(xs: T[], n: number, z: T) => [...xs, ...Array<T>(n - xs.length).fill(z)]
  const a = fill(atoms, P, { kind: 0, ia: 0, ib: 0, ca: 0n, cb: 0n, k: 0n })
  const bits = present.reduce((s, p, j) => s + (p << j), 0)
  return {
    commitment: poseidon10([...value.map(toField), bits, blinding]).toString(),
    kind: a.map((x) => x.kind),
    ia: a.map((x) => x.ia),
    ib: a.map((x) => x.ib),
    ca: a.map((x) => toField(x.ca)),
    cb: a.map((x) => toField(x.cb)),
    k: a.map((x) => toField(x.k)),
    mask: fill([1, 2], C, 0),
    owner: fill([1, 2], C, 0),
    enabled: fill([1, 1], I, 0),
    value: value.map(toField),
    present: fill(present, S, 0),
    blinding: blinding.toString(),
  }
}

/** A Groth16 proof as bytes: A, C in G1 (x, y: 2 x 32 bytes), B in G2 (x, y in F_p^2: 4 x 32); compressed keeps x. */
const BINARY_BYTES = 2 * 64 + 128

async function measure(name: CircuitName, prove: () => Promise<ZkProof>, runs: number) {
  const proveMs: number[] = []
  const verifyMs: number[] = []
  let last: ZkProof | undefined
  await prove() // warm-up: builds the curve's worker threads and reads the zkey once
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    last = await prove()
    proveMs.push(performance.now() - t0)
    const t1 = performance.now()
    if (!(await verifyWithSnarkjs(name, last.publicSignals, last.proof)))
      throw new Error(`${name}: proof does not verify`)
    verifyMs.push(performance.now() - t1)
  }
  return { proveMs, verifyMs, proof: last as ZkProof }
}

export async function run(quick = false): Promise<void> {
  const runs = quick ? 3 : 5
  const transcript = JSON.parse(readFileSync(transcriptPath, 'utf8')) as {
    circuits: Record<string, { constraints: number; publicInputs: number }>
  }
  const rows: (string | number)[][] = []
  const cases: [CircuitName, () => Promise<ZkProof>][] = [
    ['kernel', () => proveKernel(kernelWitness())],
    ['placement', () => provePlacement(placementStatement([0.5, 0.1, -0.3], [0.45, 0.2, -0.25], 1).witness)],
  ]
  try {
    for (const [name, prove] of cases) {
      const m = await measure(name, prove, runs)
      const info = transcript.circuits[name]
      rows.push([
        name,
        (info?.constraints ?? 0).toLocaleString('en'),
        info?.publicInputs ?? 0,
        fmt(median(m.proveMs) / 1000, 2),
        fmt(Math.min(...m.proveMs) / 1000, 2),
        JSON.stringify(m.proof.proof).length,
        BINARY_BYTES,
        BINARY_BYTES / 2,
        fmt(median(m.verifyMs), 0),
      ])
    }
  } finally {
    await terminateZk()
  }
  table(
    `Groth16 (snarkjs ${runs} runs, median; Node, 2 shared cores)`,
    [
      'circuit',
      'constraints',
      'public inputs',
      'prove s (median)',
      'prove s (min)',
      'proof JSON bytes',
      'proof binary bytes (2 G1 + 1 G2 affine)',
      'point-compressed bytes',
      'snarkjs verify ms (median)',
    ],
    rows,
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run(process.argv.includes('--quick'))
