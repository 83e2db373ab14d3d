// Federation documents: rhizome artifacts, the bridge's outbox and inbox, peers and the compatibility view.
// Signed messages are strict objects: an unknown member is refused, never stripped, so a signature is always
// checked over exactly the members received (functions/rhizome/received.ts).
import { z } from '@hono/zod-openapi'

export const RhizomeArtifact = z
  .strictObject({
    type: z.literal('omega.rhizome.artifact'),
    v: z.literal(1),
    mvk_id: z.string().max(128),
    holon: z.string().max(64),
    origin: z.string().min(1).max(256),
    verifier_key: z.string().max(512),
    kernel_version: z.number().int().positive(),
    kernel_digest: z.string().regex(/^[0-9a-f]{64}$/),
    invariants: z
      .array(
        z.strictObject({
          name: z.string().max(64),
          threshold: z.number().min(0).max(1),
          weight: z.number().positive(),
        }),
      )
      .max(256),
    checkpoint: z.string().max(16_384),
    issued_at: z.string().max(64),
    signature: z
      .string()
      .max(128)
      .describe('Ed25519, base64, over the RFC 8785 canonical JSON of the other members'),
  })
  .openapi('RhizomeArtifact', {
    description: "a holon's kernel terms, verifier key and checkpoint, signed by the holon",
  })

export const RhizomeAlert = z
  .strictObject({
    type: z.literal('omega.rhizome.alert'),
    v: z.literal(1),
    holon: z.string().max(64),
    origin: z.string().min(1).max(256),
    verifier_key: z.string().max(512),
    decision: z.enum(['ALERT', 'QUARANTINE']),
    threat: z.number().min(0).max(1),
    beat: z.number().int().nonnegative(),
    issued_at: z.string().max(64),
    signature: z.string().max(128),
  })
  .openapi('RhizomeAlert', {
    description: "a holon pulse's ALERT or QUARANTINE decision, signed by the holon",
  })

export const InboxBody = z
  .strictObject({ artifacts: z.array(RhizomeArtifact).min(1).max(100) })
  .openapi('InboxBody')

/**
 * What the inbox route takes: the envelope only. Each artifact is checked strictly by the registry, on its own,
 * so one the published schema forbids is dropped as `malformed` and counted instead of failing the batch.
 */
export const InboxEnvelope = z.strictObject({
  artifacts: z
    .array(z.unknown().describe('a RhizomeArtifact'))
    .min(1)
    .max(100)
    .describe('RhizomeArtifact objects; each is checked against the strict schema and judged on its own'),
})

/** A signed message delivered by the bridge: checked strictly by the registry, refusals counted as drops. */
export const SignedBody = (what: string) =>
  z
    .unknown()
    .describe(`${what}; checked against its strict schema by the registry (a refusal is counted in drops)`)

const InboxResult = z
  .object({
    origin: z.string().nullable(),
    outcome: z.enum([
      'accepted',
      'duplicate',
      'own',
      'replay',
      'key_mismatch',
      'conflict',
      'invalid',
      'malformed',
    ]),
    detail: z.string().optional(),
    ledger_index: z.number().int().optional(),
  })
  .openapi('InboxResult')

export const InboxReply = z.object({ results: z.array(InboxResult) }).openapi('InboxReply')

export const OutboxQuery = z.object({
  cursor: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

export const OutboxPage = z
  .object({
    messages: z.array(
      z.object({
        seq: z.number().int(),
        kind: z.enum(['artifact', 'alert']),
        payload: z.union([RhizomeArtifact, RhizomeAlert]),
      }),
    ),
    next_cursor: z.number().int(),
  })
  .openapi('OutboxPage')

export const PeersDoc = z
  .object({
    artifacts: z.array(RhizomeArtifact),
    received: z.array(
      z.object({ origin: z.string(), received_at: z.string(), ledger_index: z.number().int() }),
    ),
    peers: z.number().int(),
    drops: z.record(z.string(), z.number().int()).describe('dropped inbox messages by reason'),
    conflicts: z
      .object({
        count: z.number().int(),
        list: z.array(
          z.object({
            origin: z.string(),
            reason: z.enum(['key_mismatch', 'origin_collision']),
            verifier_key: z.string(),
            detail: z.string(),
            first_at: z.string(),
            last_at: z.string(),
            n: z.number().int(),
          }),
        ),
      })
      .describe(
        'key and origin conflicts: a peer announcing a pinned origin with another key, or our own ledger origin',
      ),
    ledger: z.object({ origin: z.string(), size: z.number().int(), verifier_key: z.string() }),
  })
  .openapi('PeersDoc')

export const CompatibilityDoc = z
  .object({
    holon: z.string(),
    peers: z.array(
      z.object({
        peer: z.string(),
        mvk_id: z.string(),
        kernel_version: z.number().int(),
        shared: z.array(
          z.object({
            name: z.string(),
            local_threshold: z.number(),
            peer_threshold: z.number(),
            threshold_diff: z.number(),
            local_weight: z.number(),
            peer_weight: z.number(),
            weight_diff: z.number(),
          }),
        ),
        only_local: z.array(z.string()),
        only_peer: z.array(z.string()),
        enforced_by_peer: z.array(z.string()),
        overlap: z.number(),
      }),
    ),
  })
  .openapi('CompatibilityDoc')

const note = z.string().min(1).max(16_384)

/** A holon's checkpoint announced to witnesses (node topic omega/checkpoint/1): the note is signed by the origin. */
export const CheckpointAnnouncement = z.strictObject({
  v: z.literal(1),
  origin: z.string().max(256),
  holon: z.string().max(64),
  note,
})

export const CosignatureBody = z
  .strictObject({
    kind: z.literal('cosignature').optional(),
    origin: z.string().max(256),
    holon: z.string().max(64),
    note: note.describe('the checkpoint the witness cosigned'),
    witness: z.string().max(256).describe('the witness key name'),
    witness_key: z.string().max(64).describe('Ed25519 public key, base64'),
    line: z.string().max(512).describe('C2SP tlog-cosignature line'),
  })
  .openapi('CosignatureBody')

export const FlagBody = z
  .strictObject({
    kind: z.literal('flag').optional(),
    reason: z.enum(['equivocation', 'inconsistent']),
    origin: z.string().max(256),
    notes: z.tuple([note, note]).describe('the two checkpoints, each signed by the origin'),
    detail: z.string().max(1024),
  })
  .openapi('FlagBody')

export const Recorded = z.object({ ok: z.boolean(), detail: z.string().optional() }).openapi('Recorded')

export const CosignaturesDoc = z
  .object({
    origin: z.string(),
    cosignatures: z.array(
      z.object({
        size: z.number().int(),
        root: z.string(),
        witness: z.string(),
        line: z.string(),
        at: z.string(),
      }),
    ),
  })
  .openapi('CosignaturesDoc')

export const FlagsDoc = z
  .object({
    flags: z.array(
      z.object({
        origin: z.string(),
        reason: z.string(),
        notes: z.array(z.string()),
        detail: z.string(),
        at: z.string(),
      }),
    ),
  })
  .openapi('FlagsDoc')

export const AlertsDoc = z.object({ alerts: z.array(RhizomeAlert) }).openapi('AlertsDoc')

/** A holon's beat as the mesh sees it: when it beat, when it beats next, its period and its KAIROS T_sync. */
export const MeshPulse = z
  .strictObject({
    holon: z.string().min(1).max(128),
    origin: z
      .string()
      .min(1)
      .max(253)
      .describe("ledger origin of the holon's organisation (OMEGA_LEDGER_ORIGIN)"),
    beat_at: z.number().int().min(0).describe('epoch ms of the last beat'),
    next_at: z.number().int().min(0).describe('epoch ms of the next scheduled beat'),
    period_ms: z.number().int().min(100).max(86_400_000),
    t_sync: z.strictObject({ re: z.number(), im: z.number() }).describe('KAIROS T_sync at that beat'),
    coords: z.array(z.number()).min(2).max(512).optional().describe("the holon's position in the ball"),
    ml_weight: z.number().min(0).max(10).optional().describe("the holon's entropy model weight"),
  })
  .openapi('MeshPulse')

/** What a bridge node delivers: the latest pulses of one sending node's organisation. */
export const PhasesBody = z
  .strictObject({
    node: z.string().min(1).max(128).describe('the peer node that published these pulses'),
    pulses: z.array(MeshPulse).max(1000),
  })
  .openapi('PhasesBody')

export const PhasesReply = z
  .object({
    accepted: z.number().int(),
    dropped: z
      .record(z.string(), z.number().int())
      .describe('pulses dropped by reason (own, stale, skew, replay)'),
  })
  .openapi('PhasesReply')

export const PulsesDoc = z
  .object({ pulses: z.array(MeshPulse).describe("the organisation's running holons' latest beats") })
  .openapi('PulsesDoc')

export type MeshPulse = z.infer<typeof MeshPulse>
export type PhasesBody = z.infer<typeof PhasesBody>
