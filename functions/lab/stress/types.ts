// The stress tester's contract: intents, the event generator's field domains, findings and resumable progress.
import type { GateResult } from '../../../schemas/evaluation.ts'
import type { KernelSpec } from '../../../schemas/kernel.ts'
import type { EventValue, FoldState } from '../../kernel/index.ts'

export interface Intent {
  name: string
  /** CEL boolean over `agg` (after each event), `event` and `win` (aggregates over the window): must never hold. */
  never: string
  /** Fold `win.<aggregate>` over the last `window` admitted events of the sequence. */
  window?: number
}

export type FieldDomain =
  | { kind: 'number'; min: number; max: number; integer?: boolean }
  | { kind: 'enum'; values: (string | number | boolean)[] }
  | { kind: 'string'; prefix?: string }
  | { kind: 'const'; value: unknown }

export interface StressInput {
  kernel: KernelSpec
  intents: Intent[]
  /** One entry per event member; ids are generated. */
  fields: Record<string, FieldDomain>
  /** Default: a fresh holon. */
  start?: { aggregates: Record<string, FoldState>; last_event?: EventValue }
  /** Longest sequence (admitted events), default 50, at most 500. */
  max_length?: number
  /** An invariant within `edge` above its threshold while admissible is an edge finding; default 0.01. */
  edge?: number
  seed?: number
}

export interface Finding {
  kind: 'intent' | 'edge' | 'policy'
  intent?: string
  invariant?: string
  /** Shrunk: 1-minimal (dropping any single event loses the finding), numbers moved toward simpler values. */
  events: EventValue[]
  /** Events in the sequence as the search found it, before shrinking. */
  original_length: number
  /** The replay of `events` by gateBatch from the start state. */
  results: GateResult[]
  detail: string
}

export interface StressProgress {
  /** Sequences tried (completed search trials). */
  tried: number
  /** Budget steps spent by the completed trials. */
  steps: number
  findings: Finding[]
  /** Every target (each intent, each policy exploit the gate allows, each invariant's edge) was found. */
  done: boolean
  seed: number
  /** Opaque, JSON-serialisable: pass it back to resume exactly where the search stopped. */
  cursor: unknown
}

/** Search strategies: `mixed` (random, guided and build-then-spend trials in turn) or `random` only (bench). */
export type Strategy = 'mixed' | 'random'

export const MAX_LENGTH = 500
export const DEFAULT_LENGTH = 50
export const DEFAULT_EDGE = 0.01
export const DEFAULT_SEED = 1
