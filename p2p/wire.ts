// Wire format of the node's topics and protocols: size-limited JSON, schema-checked, with named drop reasons.
import { z } from 'zod'
import { MessageError } from '../functions/rhizome/index.ts'
import { MeshPulse } from '../schemas/federation.ts'

export const TOPICS = {
  rhizome: 'omega/rhizome/1',
  phase: 'omega/phase/1',
  checkpoint: 'omega/checkpoint/1',
  witness: 'omega/witness/1',
  alert: 'omega/alert/1',
} as const

export const PROTOCOLS = {
  catchUp: '/omega/catch-up/1.0.0',
  proof: '/omega/consistency-proof/1.0.0',
} as const

export type DropReason =
  | 'oversized'
  | 'malformed'
  | 'invalid'
  | 'replay'
  | 'unsigned'
  | 'unknown_origin'
  | 'key_mismatch'
  | 'conflict'

export class WireError extends Error {
  override name = 'WireError'
  readonly reason: DropReason

  constructor(reason: DropReason, message: string) {
    super(message)
    this.reason = reason
  }
}

/**
 * Version 2 of the phase topic: the sender's organisation's latest holon beats (or a synthetic oscillator's, on a
 * node without a worker). Each pulse is a strict MeshPulse; `t` orders one sender's messages.
 */
export const PhaseMessage = z.strictObject({
  v: z.literal(2),
  /** Sender's clock, ms since the epoch: strictly increasing per sender. */
  t: z.number().int().positive(),
  pulses: z.array(MeshPulse).min(1).max(1000),
  /** True when these are all of the sender's current pulses: any other kept from it are withdrawn. */
  all: z.boolean().optional(),
})
export type PhaseMessage = z.infer<typeof PhaseMessage>

/** Each artifact of a catch-up reply is read strictly on its own (one bad artifact does not spoil the rest). */
export const CatchUpReply = z.strictObject({ artifacts: z.array(z.unknown()).max(10_000) })

export const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))

/** Parses bytes as UTF-8 JSON, refusing oversize first (before any parsing work). */
export function decodeJson(bytes: Uint8Array, maxBytes: number): unknown {
  if (bytes.length > maxBytes) throw new WireError('oversized', `${bytes.length} bytes > ${maxBytes}`)
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes))
  } catch {
    throw new WireError('malformed', 'not UTF-8 JSON')
  }
}

/**
 * A signed message: bytes to JSON, then one of the pure core's readers (strict shape, then the signature over
 * exactly the members received). Their refusals become drop reasons.
 */
export function decodeSigned<T>(bytes: Uint8Array, maxBytes: number, read: (json: unknown) => T): T {
  const json = decodeJson(bytes, maxBytes)
  try {
    return read(json)
  } catch (e) {
    if (e instanceof MessageError) throw new WireError(e.reason, e.message)
    throw e
  }
}

/** Parses bytes as JSON of the given (unsigned) schema: phase messages, proof requests and replies. */
export function decode<T>(bytes: Uint8Array, schema: z.ZodType<T>, maxBytes: number): T {
  const json = decodeJson(bytes, maxBytes)
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw new WireError('malformed', parsed.error.issues[0]?.message ?? 'schema')
  return parsed.data
}
