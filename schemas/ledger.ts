// Ledger documents: entries, receipts, checkpoints, proofs, exports and verification requests and reports.
import { z } from '@hono/zod-openapi'
import { Groth16Proof } from './groth16.ts'

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'a 32-byte hash in lowercase hex')
const note = z.string().min(1).max(16_384).describe('a C2SP signed note (tlog-checkpoint body)')
const verifierKey = z
  .string()
  .max(512)
  .describe('note verifier key: name+hash+base64(0x01 || Ed25519 public key)')

/** Every kind of ledger entry any object writes (holons, the federation registry, orchestrators). */
const ENTRY_KINDS = [
  'holon.created',
  'kernel.proposed',
  'kernel.activated',
  'event.committed',
  'event.rejected',
  'rebuild.progress',
  'peer.artifact',
  'pulse.configured',
  'pulse.beat',
  'pulse.decision',
  'pulse.quarantine',
  'witness.state',
  'witness.collapse',
  'witness.micro',
  'witness.meta',
  'orchestrator.configured',
  'fleet.changed',
  'orchestrator.decision',
  'orchestrator.tick',
  'orchestrator.approved',
  'holon.rolled_back',
  'kernel.decided',
  'attestation.committed',
] as const
export type EntryKind = (typeof ENTRY_KINDS)[number]

export const VerificationPolicy = z
  .strictObject({
    level: z.enum(['none', 'sample', 'full_audit']).default('full_audit'),
    sample_rate: z
      .number()
      .gt(0)
      .lte(1)
      .default(1)
      .describe('fraction of system entries ledgered under `sample`'),
  })
  .openapi('VerificationPolicy', {
    description:
      'which high-rate system entries are ledgered; events, rejections, overrides and kernel changes always are',
  })

/** Who acted (issue 13): the tenant, the credential's key id (`root:<role>`, `system` for the object itself). */
export const Actor = z
  .object({
    tenant: z.string().max(64),
    kid: z.string().max(128),
    sub: z.string().max(128).optional(),
  })
  .openapi('Actor', { description: 'the tenant and credential key id that wrote a ledger entry' })

export const LedgerEntry = z
  .object({
    v: z.literal(1),
    holon: z.string(),
    index: z.number().int().nonnegative(),
    prev: hex32.nullable().describe('leaf hash of the previous entry'),
    at: z.string(),
    by: Actor.optional().describe('who acted; absent in entries written before tenants existed'),
    kind: z.enum(ENTRY_KINDS),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('LedgerEntry', { description: 'hashed as RFC 8785 canonical JSON' })

export const Receipt = z
  .object({
    holon: z.string(),
    index: z.number().int().nonnegative(),
    entry: LedgerEntry,
    entry_hash: hex32.describe('SHA3-256 of the canonical entry'),
    leaf_hash: hex32.describe('SHA3-256(0x00 || canonical entry)'),
    checkpoint: note,
    inclusion: z.array(hex32).max(64),
  })
  .openapi('Receipt', { description: 'verifiable offline with only the holon verifier key' })

export const LedgerInfo = z
  .object({
    origin: z.string(),
    verifier_key: verifierKey,
    public_key: z.string().describe('Ed25519 public key, base64'),
    size: z.number().int(),
    root: hex32,
    verification: VerificationPolicy,
  })
  .openapi('LedgerInfo')

export const CheckpointDoc = z
  .object({ origin: z.string(), size: z.number().int(), root: hex32, note, verifier_key: verifierKey })
  .openapi('CheckpointDoc')

export const InclusionDoc = z
  .object({
    index: z.number().int(),
    size: z.number().int(),
    leaf_hash: hex32,
    inclusion: z.array(hex32),
    root: hex32,
  })
  .openapi('InclusionProof')

export const ConsistencyDoc = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    proof: z.array(hex32),
    root_from: hex32,
    root_to: hex32,
  })
  .openapi('ConsistencyProof')

export const LedgerPage = z
  .object({
    entries: z.array(
      z.object({ index: z.number().int(), entry: LedgerEntry, entry_hash: hex32, leaf_hash: hex32 }),
    ),
    next_cursor: z.string().nullable(),
  })
  .openapi('LedgerPage')

const index = z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
export const LedgerQuery = z.object({
  cursor: index.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})
export const InclusionQuery = z.object({ index, size: index.optional() })
/** A ledger index as a path parameter (`/ledger/receipts/{index}`). */
export const EntryIndexParam = z.object({
  index: z
    .string()
    .regex(/^[0-9]{1,15}$/, 'a ledger index is a non-negative integer')
    .transform(Number)
    .openapi({ param: { name: 'index', in: 'path' }, example: '42' }),
})
export const ConsistencyQuery = z.object({ from: index, to: index.optional() })
export const CheckpointQuery = z.object({
  size: index.optional(),
  format: z.enum(['json', 'note']).default('json'),
})
export const ExportQuery = z.object({ from: index.default(0), to: index.optional() })

const hashes = z.array(hex32).max(64)
export const VerifyRequest = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('receipt'), receipt: Receipt, verifier_key: verifierKey }),
    z.strictObject({
      kind: z.literal('inclusion'),
      leaf_hash: hex32,
      index,
      size: index,
      inclusion: hashes,
      root: hex32,
    }),
    z.strictObject({
      kind: z.literal('consistency'),
      from: index,
      to: index,
      proof: hashes,
      root_from: hex32,
      root_to: hex32,
    }),
    z.strictObject({ kind: z.literal('checkpoint'), checkpoint: note, verifier_key: verifierKey }),
    z.strictObject({
      kind: z.literal('equivocation'),
      checkpoints: z.tuple([note, note]),
      verifier_key: verifierKey,
    }),
    z.strictObject({
      kind: z.literal('export'),
      export: z.string().min(1).describe('JSONL ledger export (header line + entries)'),
      verifier_key: verifierKey.optional().describe("the key you trust; without it the export's own is used"),
    }),
    z.discriminatedUnion('circuit', [
      z.strictObject({
        kind: z.literal('zk'),
        circuit: z.literal('kernel'),
        receipt: Receipt.describe("the receipt of a holon's `attestation.committed` entry"),
        kernel: z.record(z.string(), z.unknown()).describe('the kernel at the version the entry names'),
        proof: Groth16Proof,
        verifier_key: verifierKey,
      }),
      z.strictObject({
        kind: z.literal('zk'),
        circuit: z.literal('placement'),
        receipt: Receipt.describe("the receipt of an orchestrator's `attestation.committed` entry"),
        proofs: z
          .array(Groth16Proof)
          .min(1)
          .max(16)
          .describe('one per committed placement, in the entry order'),
        verifier_key: verifierKey,
      }),
    ]),
  ])
  .openapi('VerifyRequest')

export const VerifyReport = z
  .object({
    valid: z.boolean(),
    checks: z.array(z.object({ check: z.string(), ok: z.boolean(), detail: z.string().optional() })),
    first_bad_index: z.number().int().optional(),
    notes: z.array(z.string()).optional(),
  })
  .openapi('VerifyReport')

export type VerificationPolicy = z.infer<typeof VerificationPolicy>
/** The default policy: every system entry is ledgered. */
export const FULL_AUDIT: VerificationPolicy = { level: 'full_audit', sample_rate: 1 }
export type LedgerEntry = z.infer<typeof LedgerEntry>
export type Actor = z.infer<typeof Actor>
export type Receipt = z.infer<typeof Receipt>
export type VerifyRequest = z.infer<typeof VerifyRequest>
export type LedgerPage = z.infer<typeof LedgerPage>
export type CheckpointDoc = z.infer<typeof CheckpointDoc>
export type InclusionDoc = z.infer<typeof InclusionDoc>
export type ConsistencyDoc = z.infer<typeof ConsistencyDoc>
