// Verifies a kernel attestation bundle: the ledger receipt, the statement rebuilt from the kernel, the proof.
import type { Groth16Proof } from '../../schemas/groth16.ts'
import { KernelSpec } from '../../schemas/kernel.ts'
import type { Receipt } from '../../schemas/ledger.ts'
import { kernelDigest } from '../kernel/index.ts'
import { Checks, type VerifyReport, verifyReceipt } from '../ledger/index.ts'
import { verifyGroth16, ZkFormatError } from './groth16.ts'
import { type CircuitName, circuitId, VKEYS } from './keys.ts'
import { PlacementAttestError, placementBound } from './placement.ts'
import { kernelStatement, publicSignals, StatementError } from './statement.ts'

export interface KernelBundle {
  kind: 'zk'
  circuit: 'kernel'
  receipt: Receipt
  kernel: unknown
  proof: Groth16Proof
  verifier_key: string
}

export interface PlacementBundle {
  kind: 'zk'
  circuit: 'placement'
  receipt: Receipt
  /** one proof per committed placement, in the entry's order */
  proofs: Groth16Proof[]
  verifier_key: string
}

export type Bundle = KernelBundle | PlacementBundle

export const verifyBundle = (b: Bundle): VerifyReport =>
  b.circuit === 'kernel' ? verifyKernelBundle(b) : verifyPlacementBundle(b)

/** The receipt's own checks, then whether its entry commits for `name`'s circuit and setup. */
function committedEntry(b: Bundle, name: CircuitName, checks: Checks): Record<string, unknown> | undefined {
  for (const c of verifyReceipt(b.receipt, b.verifier_key).checks) checks.add(c.check, c.ok, c.detail)
  const d = b.receipt.entry.data
  if (!checks.add(`the entry is an ${ATTESTATION_ENTRY}`, b.receipt.entry.kind === ATTESTATION_ENTRY))
    return undefined
  const id = circuitId(name)
  checks.add(
    'the commitment was made for this circuit and setup',
    d.circuit === id,
    `entry ${String(d.circuit)}, here ${id}`,
  )
  return d
}

/** A Groth16 verification as a check; a structurally bad proof is a failed check, not an exception. */
function proofCheck(
  checks: Checks,
  name: CircuitName,
  signals: string[],
  proof: unknown,
  what: string,
): void {
  let v: { valid: boolean; reason?: string }
  try {
    v = verifyGroth16(VKEYS[name], signals, proof)
  } catch (e) {
    if (!(e instanceof ZkFormatError)) throw e
    v = { valid: false, reason: e.message }
  }
  checks.add(what, v.valid, v.reason)
}

/**
 * Valid when the receipt is the orchestrator's, its entry commits placements under this circuit, and each
 * proof verifies for its replica and affinity commitments and the bound the entry states (cosh d - 1 <= qn/qd,
 * recomputed here from max_distance and curvature).
 */
export function verifyPlacementBundle(b: PlacementBundle): VerifyReport {
  const checks = new Checks()
  const d = committedEntry(b, 'placement', checks)
  if (!d) return checks.report()
  const placements = Array.isArray(d.placements)
    ? (d.placements as { replica: string; affinity: string; workload: string; slot: number }[])
    : []
  if (
    !checks.add(
      'one proof per committed placement',
      placements.length === b.proofs.length,
      `${placements.length} placements, ${b.proofs.length} proofs`,
    )
  )
    return checks.report()
  let bound: { qn: bigint; qd: bigint } | undefined
  try {
    bound = placementBound(Number(d.max_distance), Number(d.curvature))
  } catch (e) {
    if (!(e instanceof PlacementAttestError)) throw e
    checks.add('the entry states a usable bound', false, e.message)
  }
  if (bound)
    for (const [i, p] of placements.entries())
      proofCheck(
        checks,
        'placement',
        [String(p.replica), String(p.affinity), String(bound.qn), String(bound.qd)],
        b.proofs[i],
        `replica ${p.slot} of ${p.workload} lies within ${String(d.max_distance)} of its affinity (Groth16)`,
      )
  if (checks.list.every((c) => c.ok))
    checks.note(
      `at ledger index ${b.receipt.index} (tick ${String(d.tick)}): ${placements.length} replica(s) within hyperbolic ` +
        `distance ${String(d.max_distance)} (curvature -${String(d.curvature)}) of their workload's affinity (coordinates not revealed)`,
    )
  return checks.report()
}

/** The entry kind that carries a commitment, and the members the statement needs from it. */
export const ATTESTATION_ENTRY = 'attestation.committed'

/**
 * Valid when the receipt is the holon's (signed checkpoint, inclusion), its entry commits aggregates under this
 * circuit for exactly this kernel, and the proof verifies for the statement rebuilt here from the kernel.
 */
export function verifyKernelBundle(b: KernelBundle): VerifyReport {
  const checks = new Checks()
  const d = committedEntry(b, 'kernel', checks)
  if (!d) return checks.report()
  const parsed = KernelSpec.safeParse(b.kernel)
  if (!checks.add('the kernel is a kernel', parsed.success, parsed.error?.issues[0]?.message))
    return checks.report()
  const spec = parsed.data as KernelSpec
  // the statement is rebuilt only from the kernel a validly signed entry names (a holon compiled it when it was
  // installed): no translation work for anything else
  if (!checks.add('the kernel is the one the entry names (digest)', kernelDigest(spec) === d.kernel_digest))
    return checks.report()
  if (!checks.list.every((c) => c.ok)) return checks.report()
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
  if (signals)
    proofCheck(
      checks,
      'kernel',
      signals,
      b.proof,
      'the Groth16 proof verifies for the statement and commitment',
    )
  if (checks.list.every((c) => c.ok))
    checks.note(
      `at ledger index ${b.receipt.index}, after ${String(d.events)} events, kernel version ${String(d.kernel_version)}: ` +
        `${names.join(', ')} held on the committed aggregates (values not revealed)`,
    )
  return checks.report()
}
