// Verifies a kernel attestation bundle: the ledger receipt, the statement rebuilt from the kernel, the proof.
import type { Groth16Proof } from '../../schemas/groth16.ts'
import { KernelSpec } from '../../schemas/kernel.ts'
import type { Receipt } from '../../schemas/ledger.ts'
import { kernelDigest } from '../kernel/index.ts'
import { Checks, type VerifyReport, verifyReceipt } from '../ledger/index.ts'
import { verifyGroth16 } from './groth16.ts'
import { circuitId, VKEYS } from './keys.ts'
import { kernelStatement, publicSignals, StatementError } from './statement.ts'

export interface KernelBundle {
  receipt: Receipt
  kernel: unknown
  proof: Groth16Proof
  verifier_key: string
}

/** The entry kind that carries a commitment, and the members the statement needs from it. */
export const ATTESTATION_ENTRY = 'attestation.committed'

/**
 * Valid when the receipt is the holon's (signed checkpoint, inclusion), its entry commits aggregates under this
 * circuit for exactly this kernel, and the proof verifies for the statement rebuilt here from the kernel.
 */
export function verifyKernelBundle(b: KernelBundle): VerifyReport {
  const checks = new Checks()
  const receipt = verifyReceipt(b.receipt, b.verifier_key)
  for (const c of receipt.checks) checks.add(c.check, c.ok, c.detail)
  const d = b.receipt.entry.data
  if (!checks.add(`the entry is an ${ATTESTATION_ENTRY}`, b.receipt.entry.kind === ATTESTATION_ENTRY))
    return checks.report()
  const id = circuitId('kernel')
  checks.add(
    'the commitment was made for this circuit and setup',
    d.circuit === id,
    `entry ${String(d.circuit)}, here ${id}`,
  )
  const parsed = KernelSpec.safeParse(b.kernel)
  if (!checks.add('the kernel is a kernel', parsed.success, parsed.error?.issues[0]?.message))
    return checks.report()
  const spec = parsed.data as KernelSpec
  checks.add('the kernel is the one the entry names (digest)', kernelDigest(spec) === d.kernel_digest)
  const names = Array.isArray(d.invariants) ? (d.invariants as unknown[]).map(String) : []
  let signals: string[] | undefined
  try {
    const st = kernelStatement(spec, names)
    checks.add(
      'the statement commits the same aggregates',
      JSON.stringify(st.slots) === JSON.stringify(d.slots),
    )
    signals = publicSignals(st, BigInt(String(d.commitment)))
  } catch (e) {
    if (!(e instanceof StatementError || e instanceof SyntaxError)) throw e
    checks.add('the statement can be rebuilt from the kernel', false, e.message)
  }
  if (signals) {
    const v = verifyGroth16(VKEYS.kernel, signals, b.proof)
    checks.add('the Groth16 proof verifies for the statement and commitment', v.valid, v.reason)
  }
  if (checks.list.every((c) => c.ok))
    checks.note(
      `at ledger index ${b.receipt.index}, after ${String(d.events)} events, kernel version ${String(d.kernel_version)}: ` +
        `${names.join(', ')} held on the committed aggregates (values not revealed)`,
    )
  return checks.report()
}
