// Wire format of the node's topics and protocols: size-limited JSON, schema-checked, with named drop reasons.
import { z } from 'zod'
import { RhizomeArtifact } from '../schemas/federation.ts'

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

export type DropReason = 'oversized' | 'malformed' | 'invalid' | 'replay' | 'unsigned'

export class WireError extends Error {
  override name = 'WireError'
  readonly reason: DropReason

  constructor(reason: DropReason, message: string) {
    super(message)
    this.reason = reason
  }
}

export const PhaseMessage = z.strictObject({
  v: z.literal(1),
  /** Phase in radians, [0, 2 pi). */
  phase: z
    .number()
    .min(0)
    .lt(2 * Math.PI),
  /** Natural angular frequency, rad/s. */
  omega: z.number().positive().max(1000),
  /** Sender's clock, ms since the epoch: strictly increasing per sender. */
  t: z.number().int().positive(),
  /** The organisation's pulse value T_P. */
  pulse: z.number().finite(),
  coords: z.array(z.number().finite()).min(2).max(512).optional(),
})
export type PhaseMessage = z.infer<typeof PhaseMessage>

export const CatchUpReply = z.strictObject({ artifacts: z.array(RhizomeArtifact).max(10_000) })

export const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))

/** Parses bytes as JSON of the given schema, refusing oversize first (before any parsing work). */
export function decode<T>(bytes: Uint8Array, schema: z.ZodType<T>, maxBytes: number): T {
  if (bytes.length > maxBytes) throw new WireError('oversized', `${bytes.length} bytes > ${maxBytes}`)
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes))
  } catch {
    throw new WireError('malformed', 'not UTF-8 JSON')
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw new WireError('malformed', parsed.error.issues[0]?.message ?? 'schema')
  return parsed.data
}
