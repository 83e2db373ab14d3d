// Holon documents: metadata, the read-only dashboard state, commit receipts, history pages.
import { z } from '@hono/zod-openapi'
import { Evaluation, GateResult, Verdict } from './evaluation.ts'
import { Event, Override } from './event.ts'
import { GatePolicy, KernelSpec } from './kernel.ts'
import { LedgerInfo, Receipt, VerificationPolicy } from './ledger.ts'
import { PulseStatus } from './pulse.ts'

export const HolonId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    'holon ids are 1-64 of a-z 0-9 . _ - (starting with a letter or digit)',
  )
  .openapi({ param: { name: 'id', in: 'path' }, example: 'circular-economy' })

export const KernelBody = z.strictObject({ kernel: KernelSpec }).openapi('KernelBody')

export const CreateBody = z
  .strictObject({ kernel: KernelSpec, verification: VerificationPolicy.optional() })
  .openapi('CreateBody')

export const Rebuild = z
  .object({ version: z.number().int(), done: z.number().int(), total: z.number().int() })
  .openapi('Rebuild', {
    description: 'a kernel version whose changed aggregates are being rebuilt from history',
  })

export const HolonInfo = z
  .object({
    id: z.string(),
    created_at: z.string(),
    kernel: KernelSpec,
    kernel_version: z.number().int(),
    kernel_digest: z.string(),
    events: z.number().int(),
    rejections: z.number().int(),
    overrides: z.number().int(),
    pending_kernel: Rebuild.optional(),
    ledger: LedgerInfo,
  })
  .openapi('HolonInfo')

export const KernelInstall = z
  .object({
    version: z.number().int(),
    status: z.enum(['active', 'rebuilding', 'unchanged']),
    rebuilt_aggregates: z.array(z.string()),
    rebuild: Rebuild.optional(),
  })
  .openapi('KernelInstall')

export const StateDoc = Evaluation.extend({
  holon: z.string(),
  kernel_id: z.string(),
  kernel_version: z.number().int(),
  gate: GatePolicy,
  timestamp: z.string().describe('ISO-8601 time this document was produced'),
  events: z.number().int(),
  last_event_id: z.string().nullable(),
  last_committed_at: z.string().nullable(),
  pending_kernel: Rebuild.optional(),
  pulse: PulseStatus.optional().describe('the holon pulse: last decision, alert, quarantine'),
}).openapi('StateDoc', {
  description: 'read-only dashboard document: the state after the latest committed event',
})

export const EventResult = GateResult.extend({
  event_id: z.string(),
  seq: z.number().int().nullable().describe('position in the history; null in a dry run'),
  duplicate: z
    .boolean()
    .describe('this id was committed before with the same content; nothing new was committed'),
  receipt: Receipt.nullable().describe('the ledger receipt of the commit; null in a dry run'),
}).openapi('EventResult')

export const CommitReceipt = z
  .object({
    holon: z.string(),
    kernel_version: z.number().int(),
    committed: z.number().int(),
    duplicates: z.number().int(),
    results: z.array(EventResult),
  })
  .openapi('CommitReceipt')

export const MinimalResult = z
  .object({
    event_id: z.string(),
    seq: z.number().int().describe('position in the history'),
    duplicate: z.boolean().describe('this id was committed before with the same content'),
    verdict: Verdict,
    torsion: z.number(),
    ledger_index: z
      .number()
      .int()
      .describe('the entry to ask for a receipt: GET /v1/holons/{id}/ledger/receipts/{ledger_index}'),
  })
  .openapi('MinimalResult')

export const MinimalCommit = z
  .object({
    holon: z.string(),
    kernel_version: z.number().int(),
    committed: z.number().int(),
    duplicates: z.number().int(),
    checkpoint: z
      .object({ size: z.number().int(), note: z.string() })
      .describe('the signed checkpoint after this commit (C2SP note); every ledger_index is below its size'),
    results: z.array(MinimalResult),
  })
  .openapi('MinimalCommit', {
    description: 'the answer to `Prefer: return=minimal`: no receipts, the batch checkpoint once',
  })

export const DryRun = z
  .object({
    holon: z.string(),
    kernel_version: z.number().int(),
    admitted: z.boolean(),
    results: z.array(EventResult),
  })
  .openapi('DryRun')

const StoredEvent = z
  .object({
    seq: z.number().int(),
    event: Event,
    kernel_version: z.number().int(),
    verdict: z.string(),
    torsion: z.number(),
    override: Override.nullable(),
    committed_at: z.string(),
  })
  .openapi('StoredEvent')

export const EventsPage = z
  .object({ events: z.array(StoredEvent), next_cursor: z.string().nullable() })
  .openapi('EventsPage')

export const EventsQuery = z.object({
  cursor: z
    .string()
    .regex(/^[0-9]{1,15}$/, 'cursor is the next_cursor of a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

export type HolonInfo = z.infer<typeof HolonInfo>
export type KernelInstall = z.infer<typeof KernelInstall>
export type StateDoc = z.infer<typeof StateDoc>
export type EventResult = z.infer<typeof EventResult>
export type CommitReceipt = z.infer<typeof CommitReceipt>
export type MinimalResult = z.infer<typeof MinimalResult>
export type MinimalCommit = z.infer<typeof MinimalCommit>
export type DryRun = z.infer<typeof DryRun>
export type StoredEvent = z.infer<typeof StoredEvent>
export type EventsPage = z.infer<typeof EventsPage>
export type Rebuild = z.infer<typeof Rebuild>
