// `npm run prove -- <holon> <ledger index>`: a Groth16 proof that a holon's committed aggregates met its
// invariants, as a bundle `POST /v1/verify` (kind `zk`) and the browser page check. Proving runs here, in Node.
import { writeFileSync, writeSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { commitment, evaluateStatement, type Opening } from '../functions/attestation/opening.ts'
import { kernelStatement } from '../functions/attestation/statement.ts'
import { verifyKernelBundle } from '../functions/attestation/verify.ts'
import { kernelInput } from '../functions/attestation/witness.ts'
import type { AttestationOpening } from '../schemas/attestation.ts'
import { KernelSpec } from '../schemas/kernel.ts'
import type { Receipt } from '../schemas/ledger.ts'
import { type CommandSpec, command, run, UsageError } from './cli.ts'
import { proveKernel, terminateZk } from './zk/prove-core.ts'

export const spec: CommandSpec = {
  name: 'npm run prove --',
  summary:
    'Fetches the opening of an attestation (admin), proves with the committed circuit and keys, checks the proof ' +
    'as the worker would, and prints the bundle for POST /v1/verify. Exit 0 proved, 1 refused or failed, 2 bad usage.',
  args: '<holon> <ledger index>',
  positionals: { min: 2, max: 2 },
  flags: {
    url: { type: 'string', value: 'URL', help: 'the worker', default: 'http://127.0.0.1:8787' },
    out: { type: 'string', value: 'FILE', help: 'write the bundle here instead of stdout' },
  },
  env: {
    OMEGA_ADMIN_TOKEN: 'bearer token for the opening (admin only: it reveals the committed values)',
    OMEGA_READ_TOKEN: 'bearer token for the receipt and the holon key, when reads need one',
  },
  examples: [
    'OMEGA_ADMIN_TOKEN=… npm run prove -- brussels-tax 12 --out proof.json',
    'curl -s -X POST http://127.0.0.1:8787/v1/verify -H "content-type: application/json" -d @proof.json',
  ],
}

async function get<T>(url: string, token: string | undefined): Promise<T> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {})
  const text = await res.text()
  if (!res.ok) {
    let detail = text.slice(0, 200)
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail
    } catch {}
    throw new Error(`GET ${url}: ${res.status} ${detail}`)
  }
  return JSON.parse(text) as T
}

await run(spec, async () => {
  const { values, positionals } = command(spec)
  const [holon, indexText] = positionals as [string, string]
  if (!/^(0|[1-9][0-9]{0,14})$/.test(indexText))
    throw new UsageError(`<ledger index> must be an integer, got "${indexText}"`)
  const admin = process.env.OMEGA_ADMIN_TOKEN
  if (!admin) throw new UsageError('OMEGA_ADMIN_TOKEN is not set (the opening is admin-only)')
  const read = process.env.OMEGA_READ_TOKEN
  const base = `${String(values.url).replace(/\/$/, '')}/v1/holons/${encodeURIComponent(holon)}`
  const o = await get<AttestationOpening>(`${base}/attestations/${indexText}/opening`, admin)
  const receipt = await get<Receipt>(`${base}/ledger/receipts/${indexText}`, read)
  const info = await get<{ ledger: { verifier_key: string } }>(base, read)
  const kernel = KernelSpec.parse(o.kernel)
  const st = kernelStatement(
    kernel,
    o.invariants.map((i) => i.name),
  )
  const opening: Opening = { values: o.values.map(BigInt), present: o.present, blinding: BigInt(o.blinding) }
  if (commitment(opening).toString() !== o.commitment)
    throw new Error('the opening does not match its commitment')
  const held = evaluateStatement(st, opening)
  const failing = st.invariants.filter((_, i) => !held[i]).map((i) => i.name)
  if (failing.length)
    throw new Error(`the committed values do not satisfy ${failing.join(', ')}: no proof exists`)
  const t0 = performance.now()
  const { proof } = await proveKernel(kernelInput(st, opening))
  const ms = performance.now() - t0
  const bundle = {
    kind: 'zk',
    circuit: 'kernel',
    receipt,
    kernel: o.kernel,
    proof,
    verifier_key: info.ledger.verifier_key,
  }
  const report = verifyKernelBundle(bundle as Parameters<typeof verifyKernelBundle>[0])
  if (!report.valid) {
    const bad = report.checks.find((c) => !c.ok)
    throw new Error(`the proof does not verify here: ${bad?.check}${bad?.detail ? ` (${bad.detail})` : ''}`)
  }
  const text = `${JSON.stringify(bundle)}\n`
  if (values.out) writeFileSync(String(values.out), text)
  else process.stdout.write(text)
  process.stderr.write(
    `prove: ${holon} index ${indexText}: ${st.invariants.map((i) => i.name).join(', ')} proved in ${(ms / 1000).toFixed(1)} s; verified\n`,
  )
  return 0
})
// snarkjs's worker threads can outlive the proof (message ports stay open): the work is done, so exit.
process.exit()
