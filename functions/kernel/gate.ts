// The gate: turns the state before and after an event plus the kernel's policy into a verdict.
import type { Evaluation, Verdict } from '../../schemas/evaluation.ts'
import type { GatePolicy } from '../../schemas/kernel.ts'

export const admits = (v: Verdict): boolean => v !== 'reject' && v !== 'override_required'

/**
 * Zero torsion admits. Otherwise, with `admit_improving`, an event that strictly lowers the torsion
 * of an already-violating state (and raises no errors) is admitted, so a holon can be brought back
 * into bounds. Then the policy decides: `flag` commits and marks it; `reject` and `require_override`
 * block unless an explicit override is given. A holon quarantined by its pulse, or dissipating (its
 * KAIROS gate found it incoherent), needs an override for every event, admissible or not.
 */
export function verdict(
  policy: GatePolicy,
  before: Evaluation,
  after: Evaluation,
  override: boolean,
  quarantined = false,
  dissipating = false,
): Verdict {
  if (quarantined || dissipating) return override ? 'admit_override' : 'override_required'
  if (after.admissible) return 'admit'
  if (
    policy.admit_improving &&
    before.torsion > 0 &&
    after.errors.length === 0 &&
    after.torsion < before.torsion
  ) {
    return 'admit_improving'
  }
  if (policy.on_torsion === 'flag') return 'admit_flagged'
  if (override) return 'admit_override'
  return policy.on_torsion === 'require_override' ? 'override_required' : 'reject'
}
