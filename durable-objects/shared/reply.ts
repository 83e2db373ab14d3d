// What an object refuses, as plain data (errors lose their class across RPC); the worker's unwrap maps it to
// problem+json. One envelope for every object; holons and the federation registry share one refusal union.

import type { Refusal as AttestationRefusal } from '../../functions/attestation/statement.ts'
import type { BudgetExceededError } from '../../functions/budget/index.ts'
import type { Dissipation } from '../../functions/kairos/index.ts'
import type { KernelIssue } from '../../functions/kernel/errors.ts'
import type { GateResult } from '../../schemas/evaluation.ts'
import type { Receipt } from '../../schemas/ledger.ts'

export type Refusal =
  | { code: 'holon_not_found' }
  | { code: 'holon_exists'; kernel_version: number }
  | { code: 'kernel_invalid'; issues: KernelIssue[] }
  | {
      code: 'inadmissible'
      index: number
      event_id: string
      result: GateResult
      receipt: Receipt
      /** the pulse had quarantined the holon: every event needed an override */
      quarantined: boolean
      /** the KAIROS gate dissipated (incoherent): every event needed an override; why, or null */
      dissipating: Dissipation | null
    }
  | { code: 'pulse_config'; pointer: string; message: string }
  | { code: 'ledger_range'; message: string }
  | { code: 'idempotency_conflict'; index: number; event_id: string }
  | { code: 'budget_exceeded'; budget: string; limit: number; unit: string; cpu_ms: number; message: string }
  /** a request member the object checks itself (kernel lab: intents against the holon's kernel) */
  | { code: 'validation_failed'; message: string; errors: { pointer: string; message: string }[] }
  | { code: 'proposal_not_found'; version: number }
  | { code: 'proposal_closed'; version: number; message: string }
  /** attestation: what cannot be proved now, invariant by invariant ('*': the whole statement) */
  | { code: 'attestation_refused'; refusals: AttestationRefusal[] }
  | { code: 'attestation_not_found'; index: number }

/** The reply of every object RPC method: a value, or a refusal of type `F`. */
export type Reply<T, F = Refusal> = { ok: true; value: T } | { ok: false; failure: F }

export const ok = <T>(value: T): Reply<T, never> => ({ ok: true, value })
export const fail = <F = Refusal>(failure: F): Reply<never, F> => ({ ok: false, failure })

/** An exhausted work budget as refusal data (the edge maps it to a 422 naming the budget). */
export const budgetRefusal = (e: BudgetExceededError) =>
  ({
    code: 'budget_exceeded',
    budget: e.budget,
    limit: e.limit,
    unit: e.unit,
    cpu_ms: e.cpuMs,
    message: e.message,
  }) as const
