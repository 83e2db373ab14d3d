// The attestation statement for the example kernels: its size in the circuit and the CPU to build and commit it.
import { readFileSync } from 'node:fs'
import {
  commitment,
  evaluateStatement,
  kernelStatement,
  openingFor,
  randomBlinding,
} from '../functions/attestation/index.ts'
import { KernelSpec } from '../schemas/kernel.ts'
import { cpuMs, fmt, table } from './report.ts'

const EXAMPLES = ['brussels-tax', 'circular-economy', 'logistics']

export async function run(quick = false): Promise<void> {
  const runs = quick ? 20 : 100
  /** CPU µs per call, timed over batches of 20 calls (the CPU clock is coarse). */
  const us = (f: () => void) =>
    (cpuMs(() => {
      for (let i = 0; i < 20; i++) f()
    }, runs) *
      1000) /
    20
  const rows = EXAMPLES.map((name) => {
    const holon = JSON.parse(
      readFileSync(new URL(`../bootstrap/holons/${name}.json`, import.meta.url), 'utf8'),
    )
    const spec = KernelSpec.parse(holon.kernel)
    const st = kernelStatement(spec)
    const agg = Object.fromEntries(st.slots.map((s, i) => [s, i + 1]))
    const o = openingFor(st, agg, randomBlinding())
    return [
      name,
      st.invariants.length,
      st.slots.length,
      st.atoms.length,
      st.clauses.length,
      fmt(
        us(() => kernelStatement(spec)),
        0,
      ),
      fmt(
        us(() => commitment(o)),
        0,
      ),
      fmt(
        us(() => evaluateStatement(st, o)),
        1,
      ),
    ]
  })
  table(
    'Attestation statements of the example kernels (circuit: 8 slots, 32 atoms, 24 clauses, 8 invariants); CPU per call',
    [
      'kernel',
      'invariants',
      'slots',
      'atoms',
      'clauses',
      'statement µs',
      'Poseidon commitment µs',
      'exact check µs',
    ],
    rows,
  )
}
