// Cross-witnessing records kept by the registry: cosignatures of local holons' checkpoints, and flags.
import {
  type Checkpoint,
  fromBase64,
  NoteError,
  toHex,
  verifyCheckpoint,
  verifyCosignature,
} from '../../functions/ledger/index.ts'
import { equalBytes } from '../../functions/merkle/index.ts'
import type { Db } from '../shared/db.ts'

export interface CosignatureIn {
  origin: string
  holon: string
  note: string
  witness: string
  witness_key: string
  line: string
}

export interface FlagIn {
  reason: 'equivocation' | 'inconsistent'
  origin: string
  notes: [string, string]
  detail: string
}

export class WitnessRecordError extends Error {
  override name = 'WitnessRecordError'
}

const body = (note: string) => note.slice(0, note.lastIndexOf('\n\n') + 1)

/** Stores a cosignature after checking the checkpoint is our holon's and the cosignature is the witness's. */
export function recordCosignature(
  db: Db,
  c: CosignatureIn,
  holonKey: string | undefined,
  at: string,
): Checkpoint {
  if (!holonKey) throw new WitnessRecordError(`${c.origin} is not one of this deployment's holons`)
  const pub = fromBase64(c.witness_key)
  if (!pub || pub.length !== 32) throw new WitnessRecordError('witness_key is not an Ed25519 public key')
  try {
    const cp = verifyCheckpoint(c.note, holonKey)
    verifyCosignature(c.line, body(c.note), c.witness, pub)
    db.run(
      'INSERT OR IGNORE INTO cosignatures (origin, size, witness, root, line, note, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      c.origin,
      cp.size,
      c.witness,
      toHex(cp.root),
      c.line,
      c.note,
      at,
    )
    return cp
  } catch (e) {
    if (e instanceof NoteError) throw new WitnessRecordError(e.message)
    throw e
  }
}

/** Stores a flag once its evidence checks out: both notes signed by the origin's key, and they do disagree. */
export function recordFlag(db: Db, f: FlagIn, key: string | undefined, at: string): void {
  if (!key) throw new WitnessRecordError(`no known key for ${f.origin}`)
  try {
    const [a, b] = f.notes.map((n) => verifyCheckpoint(n, key)) as [Checkpoint, Checkpoint]
    if (f.reason === 'equivocation' && (a.size !== b.size || equalBytes(a.root, b.root))) {
      throw new WitnessRecordError('the two checkpoints do not equivocate')
    }
  } catch (e) {
    if (e instanceof NoteError) throw new WitnessRecordError(e.message)
    throw e
  }
  db.run(
    'INSERT INTO flags (origin, reason, notes, detail, at) VALUES (?, ?, ?, ?, ?)',
    f.origin,
    f.reason,
    JSON.stringify(f.notes),
    f.detail,
    at,
  )
}
