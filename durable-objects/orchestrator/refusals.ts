// What the orchestrator object refuses, as plain data (errors lose their class across RPC).
import type { Refusal as AttestationRefusal } from '../../functions/attestation/statement.ts'

export type OrchestratorRefusal =
  | { code: 'orchestrator_not_found' }
  | { code: 'invalid_fleet'; pointer: string; message: string }
  | { code: 'unknown_ids'; kind: 'node' | 'workload'; ids: string[] }
  | { code: 'nothing_to_approve' }
  | { code: 'series_too_short'; workload: string; length: number; minimum: number }
  | { code: 'tick_in_progress'; tick: number; assessed: number; total: number }
  | { code: 'ledger_range'; message: string }
  | { code: 'budget_exceeded'; budget: string; limit: number; unit: string; cpu_ms: number; message: string }
  | { code: 'attestation_refused'; refusals: AttestationRefusal[] }
  | { code: 'attestation_not_found'; index: number }
