// Kernel lab, root cause: the cause query, counterfactual and rollback bodies, and their answers.
import { z } from '@hono/zod-openapi'
import { Verdict } from './evaluation.ts'
import { KernelSpec } from './kernel.ts'

const ledgerIndex = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER)

export const CauseQuery = z
  .object({
    from: ledgerIndex
      .optional()
      .describe('ledger index the window starts after (default: before the last 20 events)'),
    to: ledgerIndex
      .optional()
      .describe('ledger index the window ends at, inclusive (default: the latest entry)'),
    refusal: ledgerIndex.optional().describe('ledger index of an `event.rejected` entry to explain instead'),
    samples: z.coerce
      .number()
      .int()
      .min(2)
      .max(10_000)
      .optional()
      .describe('permutations when sampled (> 12 events)'),
    seed: z.coerce.number().int().min(0).max(0xffffffff).optional(),
  })
  .openapi('CauseQuery')

export const InvariantDelta = z
  .object({
    name: z.string(),
    before: z.number(),
    after: z.number(),
    delta: z.number(),
    weighted_delta: z.number().describe('weight * gap^2 after minus before; these sum to the torsion change'),
  })
  .openapi('InvariantDelta')

export const EventShare = z
  .object({
    event_id: z.string(),
    index: z.number().int().describe('ledger index'),
    shapley: z.number(),
    ci95: z.tuple([z.number(), z.number()]).optional(),
  })
  .openapi('EventShare')

export const CauseDoc = z
  .object({
    holon: z.string(),
    kernel_version: z.number().int(),
    from: z.number().int().describe('the window starts after this ledger index'),
    to: z.number().int(),
    refusal: z.number().int().optional(),
    invariants: z.array(InvariantDelta),
    events: z.array(EventShare),
    method: z.enum(['exact', 'sampled']),
    torsion_before: z.number(),
    torsion_after: z.number(),
    samples: z.number().int().optional(),
    seed: z.number().int().optional(),
  })
  .openapi('CauseDoc', {
    description:
      'Root cause of the torsion change over a window: per-invariant deltas, and the Shapley value of each event ' +
      'in the game v(S) = torsion after folding S (window order) - torsion at the window start',
  })

export const CounterfactualBody = z
  .strictObject({
    without: z.array(z.string().min(1).max(256)).max(10_000).optional().describe('event ids to leave out'),
    kernel_version: z.number().int().min(1).optional().describe('replay under this stored kernel version'),
    kernel: KernelSpec.optional().describe('replay under this kernel (not installed)'),
    from: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('events before this ledger index are folded as they were'),
    to: z.number().int().min(0).optional().describe('events after this ledger index are ignored'),
  })
  .refine((b) => !(b.kernel && b.kernel_version !== undefined), {
    message: 'give kernel_version or kernel, not both',
    path: ['kernel'],
  })
  .openapi('CounterfactualBody')

const FinalState = z
  .object({
    aggregates: z.record(z.string(), z.number().nullable()),
    torsion: z.number(),
    state_vector: z.array(z.number()),
  })
  .openapi('CounterfactualState')

export const CounterfactualDoc = z
  .object({
    holon: z.string(),
    kernel: z
      .union([z.number().int(), z.literal('inline'), z.literal('as_gated')])
      .describe(
        'the kernel replayed under: a stored version, the inline kernel, or each event under its own version',
      ),
    final: FinalState,
    actual: FinalState,
    changed_verdicts: z.array(
      z.object({ event_id: z.string(), index: z.number().int(), actual: Verdict, counterfactual: Verdict }),
    ),
    dropped: z.number().int(),
    replayed: z.number().int(),
  })
  .openapi('CounterfactualDoc')

export const RollbackBody = z
  .strictObject({
    to_index: z.number().int().min(0).describe('ledger index whose aggregates the holon returns to'),
    reason: z.string().min(1).max(1000),
  })
  .openapi('RollbackBody')

export const RollbackDoc = z
  .object({
    holon: z.string(),
    to_index: z.number().int(),
    ledger_index: z
      .number()
      .int()
      .nullable()
      .describe('the `holon.rolled_back` entry; null when nothing was compensated'),
    compensated: z
      .array(z.tuple([z.number().int(), z.number().int()]))
      .describe('seq ranges [first, last] of the events compensated'),
    events: z.number().int().describe('events compensated'),
    aggregates: z.record(z.string(), z.number().nullable()),
    torsion: z.number(),
    message: z.string(),
  })
  .openapi('RollbackDoc')

export type CauseQuery = z.infer<typeof CauseQuery>
export type CauseDoc = z.infer<typeof CauseDoc>
export type CounterfactualBody = z.infer<typeof CounterfactualBody>
export type CounterfactualDoc = z.infer<typeof CounterfactualDoc>
export type RollbackDoc = z.infer<typeof RollbackDoc>
