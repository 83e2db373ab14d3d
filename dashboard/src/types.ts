// The parts of the API documents the page reads (schemas/*.ts hold the full definitions).
export interface Violation {
  invariant: string
  score: number
  threshold: number
  cost: number
}
export interface HolonInfo {
  id: string
  kernel: { id: string; invariants: Record<string, { threshold: number; weight?: number }> }
  kernel_version: number
  kernel_digest: string
  events: number
  rejections: number
  overrides: number
  pending_kernel?: { version: number }
  ledger: { origin: string; verifier_key: string; size: number; root: string }
}
export interface StateDoc {
  dimensions: string[]
  state_vector: number[]
  torsion: number
  violations: Violation[]
  admissible: boolean
  events: number
  last_event_id: string | null
  pulse?: {
    running: boolean
    beat: number
    decision: string | null
    threat: number | null
    coherence: number | null
  }
}
/** GET /v1/holons/{id}/lab/cause (the last 20 events): what the page shows of it. */
export interface CauseDoc {
  from: number
  to: number
  method: 'exact' | 'sampled'
  torsion_before: number
  torsion_after: number
  invariants: { name: string; weighted_delta: number }[]
  events: { event_id: string; index: number; shapley: number }[]
}

export interface HistoryItem {
  seq: number
  event: { id: string }
  kernel_version: number
  verdict: string
  torsion: number
  override: { reason: string; actor: string } | null
  committed_at: string
}
export interface LedgerItem {
  index: number
  entry: { at: string; kind: string; data: Record<string, unknown> }
  leaf_hash: string
}
export interface Beat {
  beat: number
  at: string
  torsion: number
  t_lambda: number
  error: number
  pid: { p: number; i: number; d: number; output: number }
  genome: { R: number; B: number; E: number; O: number }
  cores: { entropy: { threat: number; features: { violations: number } } }
  decision: string
  kairos: { sync: { abs: number }; collapse: boolean }
}
export interface PulseDoc {
  running: boolean
  config: { period_ms: number }
  beat: number
  alert: boolean
  quarantined: boolean
  last: Beat | null
}
