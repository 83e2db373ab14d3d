// The schema registry: every published JSON Schema file in schemas/ is generated from these zod schemas.
import { z } from '@hono/zod-openapi'
import { GateResult, TorsionRequest } from './evaluation.ts'
import { CommitBody, Event } from './event.ts'
import { CommitReceipt, CreateBody, EventsPage, HolonInfo, KernelBody, StateDoc } from './holon.ts'
import { KernelSpec } from './kernel.ts'
import { LedgerEntry, Receipt, VerifyReport, VerifyRequest } from './ledger.ts'
import { BeatSnapshot, PulseBody, PulseDoc, TemporalDoc, WitnessPage } from './pulse.ts'

/** File stem -> schema, and whether it describes what a client sends (input) or receives (output). */
export const PUBLISHED = {
  kernel: [KernelSpec, 'input'],
  event: [Event, 'input'],
  'commit-body': [CommitBody, 'input'],
  'kernel-body': [KernelBody, 'input'],
  'create-body': [CreateBody, 'input'],
  'torsion-request': [TorsionRequest, 'input'],
  'gate-result': [GateResult, 'output'],
  state: [StateDoc, 'output'],
  'holon-info': [HolonInfo, 'output'],
  'commit-receipt': [CommitReceipt, 'output'],
  'events-page': [EventsPage, 'output'],
  'ledger-entry': [LedgerEntry, 'output'],
  receipt: [Receipt, 'output'],
  'verify-request': [VerifyRequest, 'input'],
  'verify-report': [VerifyReport, 'output'],
  'pulse-body': [PulseBody, 'input'],
  pulse: [PulseDoc, 'output'],
  beat: [BeatSnapshot, 'output'],
  temporal: [TemporalDoc, 'output'],
  'witness-page': [WitnessPage, 'output'],
} as const satisfies Record<string, readonly [z.ZodType, 'input' | 'output']>

export type PublishedName = keyof typeof PUBLISHED

export function jsonSchemaOf(name: PublishedName): Record<string, unknown> {
  const [schema, io] = PUBLISHED[name]
  return {
    $id: `urn:omega:schema:${name}`,
    ...z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }),
  }
}

export * from './evaluation.ts'
export * from './event.ts'
export * from './holon.ts'
export * from './kernel.ts'
export * from './ledger.ts'
export * from './pulse.ts'
