// Gate results: the state vector after an event, its torsion, violations, errors and the verdict.
import { z } from '@hono/zod-openapi'
import { Event } from './event.ts'
import { KernelSpec } from './kernel.ts'

export const Violation = z
  .object({
    invariant: z.string(),
    score: z.number(),
    threshold: z.number(),
    weight: z.number(),
    cost: z.number().describe('weight * max(0, threshold - score)^2'),
  })
  .openapi('Violation')

export const ExprError = z
  .object({
    invariant: z.string().optional(),
    aggregate: z.string().optional(),
    message: z.string(),
  })
  .openapi('ExprError', { description: 'an expression that failed; its invariant counts as violated' })

export const Verdict = z
  .enum(['admit', 'admit_improving', 'admit_flagged', 'admit_override', 'reject', 'override_required'])
  .openapi('Verdict', {
    description:
      'admit: zero torsion; admit_improving: lowers the torsion of a violating state; admit_flagged: gate policy flag; ' +
      'admit_override: committed by an explicit override; reject / override_required: not committed ' +
      '(while the pulse quarantines a holon every event is override_required without an override)',
  })

export const Evaluation = z
  .object({
    dimensions: z.array(z.string()),
    state_vector: z.array(z.number()),
    torsion: z.number(),
    violations: z.array(Violation),
    errors: z.array(ExprError),
    admissible: z.boolean().describe('zero torsion and no expression errors'),
  })
  .openapi('Evaluation')

export const GateResult = Evaluation.extend({
  verdict: Verdict,
  torsion_before: z.number().describe('torsion of the state before the event'),
}).openapi('GateResult')

export const TorsionRequest = z
  .strictObject({
    kernel: KernelSpec,
    history: z.array(Event).max(10_000).default([]).describe('events already folded, oldest first'),
    event: Event,
  })
  .openapi('TorsionRequest')

export type Violation = z.infer<typeof Violation>
export type ExprError = z.infer<typeof ExprError>
export type Verdict = z.infer<typeof Verdict>
export type Evaluation = z.infer<typeof Evaluation>
export type GateResult = z.infer<typeof GateResult>
