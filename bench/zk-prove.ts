// Groth16 proving with snarkjs on the committed circuits: constraints, proving time, proof size, verify time.
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import {
  kernelInput,
  kernelStatement,
  openingFor,
  placementStatement,
  randomBlinding,
} from '../functions/attestation/index.ts'
import { KernelSpec } from '../schemas/kernel.ts'
import { type CircuitName, transcriptPath } from '../scripts/zk/artifacts.ts'
import {
  type KernelWitness,
  proveKernel,
  provePlacement,
  terminateZk,
  verifyWithSnarkjs,
  type ZkProof,
} from '../scripts/zk/prove-core.ts'
import { fmt, median, table } from './report.ts'

/** The brussels-tax kernel's statement (4 invariants, 18 atoms, 10 cases) on its seed's aggregates. */
function kernelWitness(): KernelWitness {
  const holon = JSON.parse(
    readFileSync(new URL('../bootstrap/holons/brussels-tax.json', import.meta.url), 'utf8'),
  )
  const st = kernelStatement(KernelSpec.parse(holon.kernel))
  const agg = {
    assessments: 3,
    grounded: 3,
    tax_total: 30800,
    refunds: 300,
    max_rate: 0.27,
    low_rate: 0.1,
    high_rate: 0.27,
  }
  return kernelInput(st, openingFor(st, agg, randomBlinding())) as unknown as KernelWitness
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
