// Groth16 verification time: verifyGroth16 (pure TypeScript, noble bn254, what workerd and the browser run) against
// snarkjs.groth16.verify (ffjavascript, WebAssembly) on the test fixture and on every committed circuit vkey.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { proofBytes, verifyGroth16 } from '../functions/attestation/index.ts'
import { fmt, median, quantile, table } from './report.ts'

const path = (rel: string) => fileURLToPath(new URL(`../${rel}`, import.meta.url))
const json = (rel: string) => JSON.parse(readFileSync(path(rel), 'utf8'))

interface Case {
  name: string
  vkey?: { nPublic: number }
  sample?: { proof: unknown; publicSignals: string[] }
  missing?: string
}

/** The fixture, then each functions/attestation/vkeys/<name>.json with its sample proof from scripts/zk/build/. */
function cases(): Case[] {
  const fixture = (name: string, sample: string) => ({
    name: `${name} (test fixture)`,
    vkey: json(`test/attestation/fixtures/${name}.vkey.json`),
    sample: json(`test/attestation/fixtures/${sample}`),
  })
  const out: Case[] = [fixture('square', 'proof-0.json'), fixture('many', 'many-proof-0.json')]
  const dir = path('functions/attestation/vkeys')
  if (!existsSync(dir)) return out
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const name = f.replace(/\.json$/, '')
    const sample = `scripts/zk/build/${name}.sample.json`
    const vkey = json(`functions/attestation/vkeys/${f}`)
    out.push(
      existsSync(path(sample)) ? { name, vkey, sample: json(sample) } : { name, vkey, missing: sample },
    )
  }
  return out
}

/** Wall and CPU milliseconds per call (CPU: the whole process, snarkjs's worker threads included; the machine is shared). */
async function times(runs: number, f: () => unknown): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    await f()
    wall.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  return { wall, cpu }
}
const stat = (t: { wall: number[]; cpu: number[] }) =>
  `${fmt(median(t.wall))} / ${fmt(quantile(t.wall, 0.95))} (cpu ${fmt(median(t.cpu))})`

export async function run(quick = false): Promise<void> {
  const runs = quick ? 5 : 20
  // snarkjs ships no types: a dynamic import through a string keeps it `any` without a global declaration
  const snarkjs = await import('snarkjs' as string)
  const rows: (string | number)[][] = []
  try {
    for (const c of cases()) {
      if (!c.sample || !c.vkey) {
        rows.push([
          c.name,
          c.vkey?.nPublic ?? '–',
          `skipped: no sample proof at ${c.missing}`,
          '',
          '',
          '',
          '',
        ])
        continue
      }
      const { proof, publicSignals } = c.sample
      // a fresh copy each time: the first call checks the vkey's points (G2 subgroup), later calls reuse that
      const first = await times(1, () => verifyGroth16(structuredClone(c.vkey), publicSignals, proof))
      if (!verifyGroth16(c.vkey, publicSignals, proof).valid)
        throw new Error(`${c.name}: the sample does not verify`)
      if (!(await snarkjs.groth16.verify(c.vkey, publicSignals, proof)))
        throw new Error(`${c.name}: snarkjs refuses`)
      const ours = await times(runs, () => verifyGroth16(c.vkey, publicSignals, proof))
      const ref = await times(runs, () => snarkjs.groth16.verify(c.vkey, publicSignals, proof))
      rows.push([
        c.name,
        c.vkey.nPublic,
        stat(ours),
        fmt(first.wall[0] as number),
        stat(ref),
        proofBytes(proof).length,
        JSON.stringify(c.sample).length,
      ])
    }
  } finally {
    await (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128?.terminate()
  }
  table(
    `Groth16 verification, ms (wall median / p95 of ${runs}, and median CPU ms; Node ${process.version}, load ${fmt(loadavg()[0] as number, 1)})`,
    [
      'circuit',
      'public inputs',
      'verifyGroth16 (noble)',
      'first call, vkey checked',
      'snarkjs.groth16.verify',
      'proof bytes (EIP-197)',
      'proof + signals JSON bytes',
    ],
    rows,
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run(process.argv.includes('--quick'))
