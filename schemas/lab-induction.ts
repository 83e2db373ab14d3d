// MS-Beta invariant induction: proposals filed from a holon's history, their evidence, and an admin's decision.
import { z } from '@hono/zod-openapi'
import { HolonId, KernelInstall } from './holon.ts'

export const InductionBody = z
  .strictObject({
    coverage: z
      .number()
      .min(0.5)
      .max(0.9999)
      .default(0.99)
      .describe(
        'the fraction of past states a proposed threshold keeps admitted (its quantile is 1 − coverage)',
      ),
    level: z
      .number()
      .min(0.5)
      .max(0.999)
      .default(0.95)
      .describe('confidence level of the quantile intervals'),
    max_events: z
      .number()
      .int()
      .min(30)
      .max(50_000)
      .default(10_000)
      .describe(
        'history window: the last this many committed events (read into memory at once, hence the maximum)',
      ),
  })
  .openapi('InductionBody')

export const InductionSimulation = z
  .object({
    refused: z.number().int().describe('past events the proposed kernel would not have admitted cleanly'),
    first_refused: z.object({ seq: z.number().int(), event_id: z.string() }).optional(),
    refused_at: z.array(z.number().int()).max(100).describe('seqs of the first (at most 100) of them'),
  })
  .openapi('InductionSimulation')

export const ThresholdProposal = z
  .object({
    invariant: z.string(),
    current: z.number(),
    proposed: z.number(),
    quantile: z.number().describe('1 − coverage'),
    interval: z
      .tuple([z.number(), z.number()])
      .describe('distribution-free interval of that quantile (order statistics, binomial) at `level`'),
    n: z.number().int().describe('states the score was evaluated on'),
  })
  .openapi('ThresholdProposal')

export const CandidateInvariant = z
  .object({
    name: z.string(),
    score: z.string().describe('CEL over `agg`: 1.0 inside the observed band, 0.0 outside'),
    threshold: z.number(),
    basis: z.string().describe('what the history showed'),
    stability: z.number().describe('1 / (1 + cv + drift) over the second half of the history'),
  })
  .openapi('CandidateInvariant')

export const KernelProposal = z
  .object({
    version: z.number().int().describe('the kernel version it would install (same sequence as installs)'),
    ledger_index: z.number().int().describe('its `kernel.proposed` entry'),
    digest: z.string(),
    kind: z.enum(['threshold', 'candidate']),
    base_version: z.number().int().describe('the active kernel it was induced under'),
    proposal: z.union([ThresholdProposal, CandidateInvariant]),
    simulation: InductionSimulation,
    created_at: z.string(),
    duplicate: z.boolean().describe('an open proposal with this kernel existed: it was not filed again'),
  })
  .openapi('KernelProposal')

export const ProposalFiling = z
  .object({
    holon: z.string(),
    kernel_version: z.number().int().describe('the active version: never changed by filing'),
    events: z.number().int().describe('committed events in the window examined'),
    first_seq: z.number().int(),
    coverage: z.number(),
    level: z.number(),
    steps: z.number().int().describe('induction_steps spent'),
    proposals: z.array(KernelProposal),
  })
  .openapi('ProposalFiling')

export const OpenProposals = z
  .object({ holon: z.string(), kernel_version: z.number().int(), proposals: z.array(KernelProposal) })
  .openapi('OpenProposals')

export const ProposalDecisionBody = z
  .strictObject({ reason: z.string().min(1).max(1000).describe('why: recorded in the ledger') })
  .openapi('ProposalDecisionBody')

export const ProposalRejection = z
  .object({ version: z.number().int(), status: z.literal('abandoned'), ledger_index: z.number().int() })
  .openapi('ProposalRejection')

export const ProposalActivation = KernelInstall.extend({
  ledger_index: z.number().int().describe('the `kernel.decided` entry recording the admin and reason'),
}).openapi('ProposalActivation')

export const ProposalParams = z.object({
  id: HolonId,
  version: z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, 'a kernel version is a positive integer')
    .transform(Number)
    .openapi({ param: { name: 'version', in: 'path' }, example: '4' }),
})

export type InductionBody = z.infer<typeof InductionBody>
export type KernelProposal = z.infer<typeof KernelProposal>
export type ProposalFiling = z.infer<typeof ProposalFiling>
export type OpenProposals = z.infer<typeof OpenProposals>
export type ProposalRejection = z.infer<typeof ProposalRejection>
export type ProposalActivation = z.infer<typeof ProposalActivation>
