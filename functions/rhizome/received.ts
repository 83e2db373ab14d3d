// Signed federation messages as received: a strict shape check that refuses (never strips) unknown members, then
// the signature over exactly those members. One check, called by the p2p node and by the worker's registry.
import type { z } from '@hono/zod-openapi'
import { RhizomeAlert as AlertSchema, RhizomeArtifact as ArtifactSchema } from '../../schemas/federation.ts'
import { NoteError } from '../ledger/index.ts'
import { type RhizomeAlert, verifyAlert } from './alert.ts'
import { ArtifactError, type RhizomeArtifact, verifyArtifact } from './artifact.ts'

/** malformed: the published schema forbids it; invalid: a signature or evidence fails; unknown: no key for the origin. */
export type RefusalReason = 'malformed' | 'invalid' | 'unknown_origin'

export class MessageError extends Error {
  override name = 'MessageError'
  readonly reason: RefusalReason

  constructor(reason: RefusalReason, message: string) {
    super(message)
    this.reason = reason
  }
}

/**
 * Checks `json` against a strict schema and returns `json` itself, not zod's copy: what is verified next is
 * exactly what was received. The schemas have no defaults or transforms, so the two are equal anyway.
 */
export function strictShape<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const r = schema.safeParse(json)
  if (!r.success) {
    const issue = r.error.issues[0]
    const at = issue?.path.length ? ` at ${issue.path.join('.')}` : ''
    throw new MessageError('malformed', `${what}${at}: ${issue?.message ?? 'does not match its schema'}`)
  }
  return json as T
}

/** Runs a signature or evidence check; its failures become `invalid` refusals. */
export function checked<T>(f: () => T): T {
  try {
    return f()
  } catch (e) {
    if (e instanceof ArtifactError || e instanceof NoteError) throw new MessageError('invalid', e.message)
    throw e
  }
}

/** A rhizome artifact: strict shape, then its self-certifying signature and checkpoint. */
export function readArtifact(json: unknown): RhizomeArtifact {
  const a = strictShape(ArtifactSchema, json, 'artifact') as RhizomeArtifact
  checked(() => verifyArtifact(a))
  return a
}

/** A holon alert: strict shape, then the signature under the origin's pinned key. */
export function readAlert(json: unknown, pinnedKey: (origin: string) => string | undefined): RhizomeAlert {
  const a = strictShape(AlertSchema, json, 'alert') as RhizomeAlert
  const key = pinnedKey(a.origin)
  if (!key) throw new MessageError('unknown_origin', `no pinned key for ${a.origin}`)
  checked(() => verifyAlert(a, key))
  return a
}
