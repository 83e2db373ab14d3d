// Witness evidence, checked the same way by the node and the worker: checkpoint announcements, cosignatures
// and equivocation/inconsistency flags, each strict in shape and bound to the origin's pinned key.
import {
  CheckpointAnnouncement as AnnouncementSchema,
  CosignatureBody,
  FlagBody,
} from '../../schemas/federation.ts'
import { type Checkpoint, fromBase64, verifyCheckpoint, verifyCosignature } from '../ledger/index.ts'
import { equalBytes } from '../merkle/index.ts'
import { checked, MessageError, strictShape } from './received.ts'

/** What a receiver holds about an origin: its pinned key and the holon it belongs to. */
interface Pinned {
  verifier_key: string
  holon: string
}
export type PinnedOf = (origin: string) => Pinned | undefined

export interface Announcement {
  v: 1
  origin: string
  holon: string
  note: string
}
export interface Cosignature {
  kind?: 'cosignature'
  origin: string
  holon: string
  note: string
  witness: string
  witness_key: string
  line: string
}
export interface Flag {
  kind?: 'flag'
  reason: 'equivocation' | 'inconsistent'
  origin: string
  notes: [string, string]
  detail: string
}

/** The signed body of a note (what a cosignature signs): everything up to the blank line before signatures. */
export const noteBody = (note: string): string => note.slice(0, note.lastIndexOf('\n\n') + 1)

function pinnedFor(pinned: PinnedOf, origin: string, holon?: string): Pinned {
  const p = pinned(origin)
  if (!p) throw new MessageError('unknown_origin', `no pinned key for ${origin}`)
  if (holon !== undefined && holon !== p.holon)
    throw new MessageError('invalid', `${origin} belongs to holon ${p.holon}, not ${holon}`)
  return p
}

/** A checkpoint announcement: the note is signed by the origin's pinned key (which binds its origin). */
export function readAnnouncement(
  json: unknown,
  pinned: PinnedOf,
): { message: Announcement; checkpoint: Checkpoint } {
  const m = strictShape(AnnouncementSchema, json, 'checkpoint announcement') as Announcement
  const p = pinnedFor(pinned, m.origin, m.holon)
  return { message: m, checkpoint: checked(() => verifyCheckpoint(m.note, p.verifier_key)) }
}

/** A cosignature: the checkpoint is the origin's, and the line is the named witness's signature of its body. */
export function readCosignature(
  json: unknown,
  pinned: PinnedOf,
): { message: Cosignature; checkpoint: Checkpoint } {
  const m = strictShape(CosignatureBody, json, 'cosignature') as Cosignature
  const p = pinnedFor(pinned, m.origin, m.holon)
  const pub = fromBase64(m.witness_key)
  if (pub?.length !== 32) throw new MessageError('invalid', 'witness_key is not an Ed25519 public key')
  const checkpoint = checked(() => verifyCheckpoint(m.note, p.verifier_key))
  checked(() => verifyCosignature(m.line, noteBody(m.note), m.witness, pub))
  return { message: m, checkpoint }
}

/**
 * A flag is kept only with its evidence: both notes signed by the origin, and they do disagree (two roots
 * for one size), or, for an inconsistency, the older one comes first (the proof that failed is the witness's).
 */
export function readFlag(
  json: unknown,
  pinned: PinnedOf,
): { message: Flag; checkpoints: [Checkpoint, Checkpoint] } {
  const m = strictShape(FlagBody, json, 'flag') as Flag
  const p = pinnedFor(pinned, m.origin)
  const [a, b] = m.notes.map((n) => checked(() => verifyCheckpoint(n, p.verifier_key))) as [
    Checkpoint,
    Checkpoint,
  ]
  if (m.reason === 'equivocation' && (a.size !== b.size || equalBytes(a.root, b.root)))
    throw new MessageError('invalid', 'the two checkpoints do not equivocate')
  if (m.reason === 'inconsistent' && a.size >= b.size)
    throw new MessageError('invalid', 'an inconsistency needs an older and a newer checkpoint')
  return { message: m, checkpoints: [a, b] }
}

/** The node's witness topic carries both kinds, told apart by `kind`. */
export function readWitnessMessage(
  json: unknown,
  pinned: PinnedOf,
): { kind: 'cosignature'; message: Cosignature } | { kind: 'flag'; message: Flag } {
  const kind = (json as { kind?: unknown } | null)?.kind
  if (kind === 'cosignature') return { kind, message: readCosignature(json, pinned).message }
  if (kind === 'flag') return { kind, message: readFlag(json, pinned).message }
  throw new MessageError('malformed', 'a witness message is a cosignature or a flag')
}
