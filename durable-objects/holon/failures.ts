// What a holon refuses, as plain data (RPC keeps it intact); the worker maps it to problem+json.

import type { KernelIssue } from '../../functions/kernel/errors.ts'
import type { Receipt } from '../../functions/ledger/index.ts'
import type { GateResult } from '../../schemas/evaluation.ts'

export type HolonFailure =
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
    }
  | { code: 'pulse_config'; pointer: string; message: string }
  | { code: 'ledger_range'; message: string }
  | { code: 'idempotency_conflict'; index: number; event_id: string }

export type Reply<T> = { ok: true; value: T } | { ok: false; failure: HolonFailure }

export const ok = <T>(value: T): Reply<T> => ({ ok: true, value })
export const fail = <T = never>(failure: HolonFailure): Reply<T> => ({ ok: false, failure })
