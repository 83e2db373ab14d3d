// `npm run prove -- <holon> <ledger index>` (or `--orchestrator <id> <ledger index>`): Groth16 proofs that a
// holon's committed aggregates met its invariants, or that an orchestrator's committed replicas lay within a
// hyperbolic distance of their affinity, as a bundle for `POST /v1/verify` (kind `zk`). Proving runs here.
import { writeFileSync, writeSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import {
  type Bundle,
  commitment,
  evaluateStatement,
  kernelInput,
  kernelStatement,
  type Opening,
  type PlacementWitnessInput,
  verifyBundle,
} from '../functions/attestation/index.ts'
import type { AttestationOpening } from '../schemas/attestation.ts'
import { KernelSpec } from '../schemas/kernel.ts'
import type { Receipt } from '../schemas/ledger.ts'
import { type CommandSpec, command, run, UsageError } from './cli.ts'
import { type KernelWitness, proveKernel, provePlacement, terminateZk } from './zk/prove-core.ts'

export const spec: CommandSpec = {
  name: 'npm run prove --',
  summary:
    'Fetches the opening of an attestation (admin), proves with the committed circuits and keys, checks the bundle ' +
    'as the worker would, and prints it for POST /v1/verify. Exit 0 proved, 1 refused or failed, 2 bad usage.',
  args: '<holon | orchestrator> <ledger index>',
  positionals: { min: 2, max: 2 },
  flags: {
    orchestrator: { type: 'boolean', help: 'the id is an orchestrator (a placement attestation)' },
    url: { type: 'string', value: 'URL', help: 'the worker', default: 'http://127.0.0.1:8787' },
    out: { type: 'string', value: 'FILE', help: 'write the bundle here instead of stdout' },
  },
  env: {
    OMEGA_ADMIN_TOKEN: 'bearer token for the opening (admin only: it reveals the committed values)',
    OMEGA_READ_TOKEN: 'bearer token for the receipt and the verifier key, when reads need one',
  },
  examples: [
    'OMEGA_ADMIN_TOKEN=… npm run prove -- brussels-tax 12 --out proof.json',
    'OMEGA_ADMIN_TOKEN=… npm run prove -- --orchestrator edge-fleet 40 --out placement.json',
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

/** The kernel proof: the statement rebuilt from the opened kernel, checked exactly before proving. */
async function kernelProof(o: AttestationOpening) {
  const st = kernelStatement(
    KernelSpec.parse(o.kernel),
    o.invariants.map((i) => i.name),
  )
  const opening: Opening = { values: o.values.map(BigInt), present: o.present, blinding: BigInt(o.blinding) }
  if (commitment(opening).toString() !== o.commitment)
    throw new Error('the opening does not match its commitment')
  const held = evaluateStatement(st, opening)
  const failing = st.invariants.filter((_, i) => !held[i]).map((i) => i.name)
  if (failing.length)
    throw new Error(`the committed values do not satisfy ${failing.join(', ')}: no proof exists`)
  const { proof } = await proveKernel(kernelInput(st, opening) as unknown as KernelWitness)
  return {
    circuit: 'kernel' as const,
    kernel: o.kernel,
    proof,
    what: st.invariants.map((i) => i.name).join(', '),
  }
}

await run(spec, async () => {
  const { values, positionals } = command(spec)
  const [id, indexText] = positionals as [string, string]
  if (!/^(0|[1-9][0-9]{0,14})$/.test(indexText))
    throw new UsageError(`<ledger index> must be an integer, got "${indexText}"`)
  const admin = process.env.OMEGA_ADMIN_TOKEN
  if (!admin) throw new UsageError('OMEGA_ADMIN_TOKEN is not set (the opening is admin-only)')
  const read = process.env.OMEGA_READ_TOKEN
  const kind = values.orchestrator ? 'orchestrators' : 'holons'
  const base = `${String(values.url).replace(/\/$/, '')}/v1/${kind}/${encodeURIComponent(id)}`
  const opened = await get<Record<string, unknown>>(`${base}/attestations/${indexText}/opening`, admin)
  // an orchestrator's opening carries the entry's receipt; a holon serves receipts of any entry
  const receipt =
    (opened.receipt as Receipt | undefined) ??
    (await get<Receipt>(`${base}/ledger/receipts/${indexText}`, read))
  const info = await get<{ ledger: { verifier_key: string } }>(base, read)
  const t0 = performance.now()
  let bundle: Bundle
  let what: string
  try {
    if (values.orchestrator) {
      const witnesses = opened.witnesses as PlacementWitnessInput[]
      const proofs = []
      for (const w of witnesses) proofs.push((await provePlacement(w)).proof)
      bundle = {
        kind: 'zk',
        circuit: 'placement',
        receipt,
        proofs,
        verifier_key: info.ledger.verifier_key,
      } as Bundle
      what = `${witnesses.length} replica(s) within ${String(opened.max_distance)}`
    } else {
      const k = await kernelProof(opened as unknown as AttestationOpening)
      bundle = {
        kind: 'zk',
        circuit: 'kernel',
        receipt,
        kernel: k.kernel,
        proof: k.proof,
        verifier_key: info.ledger.verifier_key,
      } as Bundle
      what = k.what
    }
  } finally {
    await terminateZk()
  }
  const ms = performance.now() - t0
  const report = verifyBundle(bundle)
  if (!report.valid) {
    const bad = report.checks.find((c) => !c.ok)
    throw new Error(`the proof does not verify here: ${bad?.check}${bad?.detail ? ` (${bad.detail})` : ''}`)
  }
  const text = `${JSON.stringify(bundle)}\n`
  if (values.out) writeFileSync(String(values.out), text)
  else writeSync(1, text)
  process.stderr.write(
    `prove: ${id} index ${indexText}: ${what} proved in ${(ms / 1000).toFixed(1)} s; verified\n`,
  )
  return 0
})
