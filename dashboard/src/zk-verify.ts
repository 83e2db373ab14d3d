// The zero-knowledge verification page (GET /dashboard/verify): a pasted attestation bundle (`npm run prove`) or a
// bare Groth16 proof is checked in the page against keys bundled at build time; the server is never asked.

import { vkeys } from 'omega:vkeys'
// direct modules, not the folder's index: the page's bundle stays without the commitment code
import { verifyGroth16 } from '../../functions/attestation/groth16.ts'
import { type Bundle, verifyBundle } from '../../functions/attestation/verify.ts'
import { VerifyRequest } from '../../schemas/ledger.ts'
import { $, fill, h } from './dom.ts'

export interface ZkVerdict {
  valid: boolean
  /** what was checked, shown with the verdict */
  checked: string
  reason?: string
  /** milliseconds the check took in this page */
  ms?: number
}

/** A bundle from `npm run prove` gets the worker's full check: receipt (signed checkpoint, inclusion), statement, proofs. */
function checkBundle(input: Record<string, unknown>): ZkVerdict {
  const parsed = VerifyRequest.safeParse(input)
  const checked = `the ${String(input.circuit)} attestation bundle: receipt, statement and proof`
  if (!parsed.success || parsed.data.kind !== 'zk')
    return { valid: false, checked, reason: parsed.error?.issues[0]?.message ?? 'not a zk bundle' }
  const t0 = performance.now()
  const report = verifyBundle(parsed.data as Bundle)
  const bad = report.checks.find((c) => !c.ok)
  const ms = performance.now() - t0
  if (bad) return { valid: false, checked, reason: `${bad.check}${bad.detail ? ` (${bad.detail})` : ''}`, ms }
  return { valid: true, checked: report.notes?.[0] ?? checked, ms }
}

/** The check: a whole attestation bundle, or a bare `{ circuit, proof, publicSignals }` against a bundled vkey. */
export function checkProof(text: string): ZkVerdict {
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch {
    return { valid: false, checked: 'nothing', reason: 'not JSON' }
  }
  if (typeof input !== 'object' || input === null)
    return { valid: false, checked: 'nothing', reason: 'not an object' }
  if ((input as Record<string, unknown>).kind === 'zk') return checkBundle(input as Record<string, unknown>)
  const { circuit, proof, publicSignals } = input as Record<string, unknown>
  const vkey = typeof circuit === 'string' && Object.hasOwn(vkeys, circuit) ? vkeys[circuit] : undefined
  if (!vkey) return { valid: false, checked: 'nothing', reason: `unknown circuit ${JSON.stringify(circuit)}` }
  const checked = `Groth16 proof for circuit ${circuit}`
  try {
    const t0 = performance.now()
    const verdict = verifyGroth16(vkey, publicSignals, proof)
    return { checked, ...verdict, ms: performance.now() - t0 }
  } catch (e) {
    // ZkFormatError: the JSON does not have snarkjs's shape
    return { valid: false, checked, reason: (e as Error).message }
  }
}

export function renderVerdict(v: ZkVerdict): void {
  fill(
    'zk-verdict',
    h('strong', { class: v.valid ? 'ok' : 'bad', 'data-testid': 'zk-result' }, v.valid ? 'valid' : 'invalid'),
    ` · ${v.checked}`,
    v.ms === undefined
      ? null
      : h('span', { class: 'muted' }, ' · ', h('span', { 'data-testid': 'zk-ms' }, v.ms.toFixed(1)), ' ms'),
    v.reason ? h('div', { 'data-testid': 'zk-reason' }, v.reason) : null,
  )
}

function main(): void {
  fill('zk-circuits', Object.keys(vkeys).join(', '))
  $('zk-check').addEventListener('click', () => {
    const text = ($('zk-input') as HTMLTextAreaElement).value
    fill('zk-verdict', 'verifying…')
    // let the browser paint "verifying…" before the pairing (tens of milliseconds) blocks the thread
    setTimeout(() => renderVerdict(checkProof(text)), 0)
  })
}

main()
