// Rebuilds a holon's state from its ledger alone: kernels, aggregates, state vector and Merkle root.
import type { Evaluation } from '../../schemas/evaluation.ts'
import type { KernelSpec } from '../../schemas/kernel.ts'
import {
  type CompiledKernel,
  compileKernel,
  currentState,
  type EventValue,
  type FoldState,
  initialAggregates,
  step,
} from '../kernel/index.ts'
import { CompactRange, type Hash, sha3Tree } from '../merkle/index.ts'
import { type LedgerEntry, sealEntry } from './entry.ts'

export interface Replayed {
  kernel: CompiledKernel
  kernelVersion: number
  states: FoldState[]
  events: number
  current: Evaluation
  root: Hash
  size: number
}

export class ReplayError extends Error {
  override name = 'ReplayError'
}

/** Canonical JSON sorts object keys; the entry's `dimensions` restores the invariants' order. */
function kernelOf(d: Record<string, unknown>): KernelSpec {
  const spec = d.kernel as KernelSpec
  const order = (d.dimensions as string[] | undefined) ?? Object.keys(spec.invariants)
  return {
    ...spec,
    invariants: Object.fromEntries(
      order.map((name) => [name, spec.invariants[name] as KernelSpec['invariants'][string]]),
    ),
  }
}

interface Snapshot {
  events: number
  /** By aggregate name: canonical JSON would not keep an array in the kernel's order. */
  aggregates: Record<string, FoldState>
  last_event: EventValue | null
}

/** A rollback's compensated seqs: ranges [first, last] (or single seqs). */
function compensatedSeqs(d: Record<string, unknown>): Set<number> {
  const out = new Set<number>()
  for (const c of (d.compensated as unknown[] | undefined) ?? []) {
    const [first, last] = Array.isArray(c) ? [Number(c[0]), Number(c[1] ?? c[0])] : [Number(c), Number(c)]
    for (let s = first; s <= last; s++) out.add(s)
  }
  return out
}

/** The same fold state: each field the same number once through JSON (canonical JSON sorts keys, -0 is 0). */
const sameState = (a: FoldState, b: FoldState | undefined) =>
  b !== undefined && (['n', 'v', 'c'] as const).every((f) => JSON.stringify(a[f]) === JSON.stringify(b[f]))

/**
 * Folds every committed event under the kernel active at the time; a kernel switch refolds the history. A
 * `holon.rolled_back` entry removes the events it compensated from that history and resets the states to the
 * fold of the rest, which must equal the aggregates the entry recorded.
 */
export function replayLedger(entries: Iterable<LedgerEntry>): Replayed {
  const tree = new CompactRange()
  const proposed = new Map<number, KernelSpec>()
  let history: { seq: number; event: EventValue }[] = []
  let seq = 0
  let kernel: CompiledKernel | undefined
  let version = 0
  let states: FoldState[] = []
  let snapshot: Snapshot | undefined
  for (const entry of entries) {
    tree.append(sha3Tree, sealEntry(entry).leaf)
    const d = entry.data
    switch (entry.kind) {
      case 'holon.created':
        kernel = compileKernel(kernelOf(d), { stored: true })
        version = Number(d.kernel_version)
        // A holon that predates its ledger starts from a snapshot of its aggregates.
        snapshot = d.snapshot as Snapshot | undefined
        seq = snapshot?.events ?? 0
        states = snapshot
          ? kernel.aggregates.map((a) => ({ ...(snapshot?.aggregates[a.name] ?? { n: 0, v: 0, c: 0 }) }))
          : initialAggregates(kernel)
        break
      case 'kernel.proposed':
        proposed.set(Number(d.version), kernelOf(d))
        break
      case 'kernel.activated': {
        const spec = proposed.get(Number(d.version))
        if (!spec)
          throw new ReplayError(`kernel ${d.version} activated at entry ${entry.index} was never proposed`)
        kernel = compileKernel(spec, { stored: true })
        version = Number(d.version)
        states = initialAggregates(kernel)
        for (const e of history) states = step(kernel, states, e.event).states
        break
      }
      case 'holon.rolled_back': {
        if (!kernel) throw new ReplayError(`rollback at entry ${entry.index} precedes the holon's creation`)
        const gone = compensatedSeqs(d)
        history = history.filter((e) => !gone.has(e.seq))
        states = initialAggregates(kernel)
        for (const e of history) states = step(kernel, states, e.event).states
        const recorded = (d.aggregates ?? {}) as Record<string, FoldState>
        const folded = states
        if (!kernel.aggregates.every((a, i) => sameState(folded[i] as FoldState, recorded[a.name])))
          throw new ReplayError(
            `rollback at entry ${entry.index} records aggregates that differ from the replayed fold of the kept events`,
          )
        break
      }
      case 'attestation.committed':
        if (!kernel || Number(d.kernel_version) !== version || d.kernel_digest !== kernel.digest)
          throw new ReplayError(
            `attestation at entry ${entry.index} names kernel version ${String(d.kernel_version)}, not the active ${version}`,
          )
        break
      case 'event.committed': {
        if (!kernel) throw new ReplayError(`event at entry ${entry.index} precedes the holon's creation`)
        const event = d.event as EventValue
        history.push({ seq: ++seq, event })
        states = step(kernel, states, event).states
        break
      }
    }
  }
  if (!kernel) throw new ReplayError('the ledger has no holon.created entry')
  return {
    kernel,
    kernelVersion: version,
    states,
    events: (snapshot?.events ?? 0) + history.length,
    current: currentState(kernel, states, history.at(-1)?.event ?? snapshot?.last_event ?? undefined),
    root: tree.root(sha3Tree),
    size: tree.size,
  }
}
