// The live channel's messages, built from what a commit, a refusal or a beat already produced (pure).
import type { Verdict } from '../../schemas/evaluation.ts'
import type { EventResult, MinimalResult } from '../../schemas/holon.ts'
import {
  LIVE_BATCH_LIST,
  type LiveBeat,
  type LiveCommit,
  type LiveHello,
  type LiveRefusal,
} from '../../schemas/live.ts'
import type { BeatSnapshot } from '../../schemas/pulse.ts'

export const hello = (holon: string, seq: number, ledgerSize: number, beat: number): LiveHello => ({
  type: 'hello',
  holon,
  seq,
  ledger_size: ledgerSize,
  beat,
})

type Line = NonNullable<LiveCommit['events']>[number]

/** An event's line: a minimal answer names its ledger index, a full one carries it in its receipt. */
function lineOf(r: EventResult | MinimalResult): Line {
  const index = 'ledger_index' in r ? r.ledger_index : r.receipt?.index
  if (r.seq === null || index === undefined) throw new TypeError(`event '${r.event_id}' was not committed`)
  return { seq: r.seq, ledger_index: index, event_id: r.event_id, verdict: r.verdict, torsion: r.torsion }
}

/**
 * One message per committed transaction: the newest event's members flat, and for a batch the list of its
 * newest events (bounded; a reader pages `/events` for more). Duplicates committed nothing: left out, and a
 * batch of duplicates only is no message (null).
 */
export function commitMessage(
  holon: string,
  at: string,
  results: readonly (EventResult | MinimalResult)[],
): LiveCommit | null {
  const lines = results.filter((r) => !r.duplicate).map(lineOf)
  const newest = lines.at(-1)
  if (newest === undefined) return null
  return {
    type: 'commit',
    holon,
    ...newest,
    at,
    committed: lines.length,
    ...(lines.length > 1 && { events: lines.slice(-LIVE_BATCH_LIST) }),
  }
}

/** What a ledgered refusal carries (the holon object's `inadmissible` refusal). */
export interface RefusalFacts {
  event_id: string
  result: { verdict: Verdict; torsion: number }
  receipt: { index: number; entry: { at: string } }
}

export const refusalMessage = (holon: string, f: RefusalFacts): LiveRefusal => ({
  type: 'refusal',
  holon,
  event_id: f.event_id,
  ledger_index: f.receipt.index,
  verdict: f.result.verdict,
  torsion: f.result.torsion,
  at: f.receipt.entry.at,
})

export const beatMessage = (holon: string, s: BeatSnapshot): LiveBeat => ({
  type: 'beat',
  holon,
  beat: s.beat,
  decision: s.decision,
  threat: s.cores.entropy.threat,
  coherence: s.kairos.sync.abs,
  at: s.at,
})

/** Longest client frame read; the channel is read-only, so anything longer is ignored unread. */
export const CLIENT_FRAME_MAX = 256

/** A client frame: a ping (any JSON spelling of {"type":"ping"}) or something ignored. */
export function clientFrame(data: string | ArrayBuffer): 'ping' | 'ignored' {
  if (typeof data !== 'string' || data.length > CLIENT_FRAME_MAX) return 'ignored'
  try {
    const value: unknown = JSON.parse(data)
    return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'ping'
      ? 'ping'
      : 'ignored'
  } catch {
    return 'ignored'
  }
}
