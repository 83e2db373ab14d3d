// Zero-knowledge attestation (S45): committing a holon's aggregates, their opening, and Groth16 proofs.
import { z } from '@hono/zod-openapi'
import { decimal, Groth16Proof } from './groth16.ts'
import { HolonId } from './holon.ts'
import { Receipt } from './ledger.ts'
import { OrchestratorParams } from './orchestrator.ts'

export { Groth16Proof }

const invariantName = z.string().min(1).max(128)

export const AttestBody = z
  .strictObject({
    invariants: z
      .array(invariantName)
      .min(1)
      .max(8)
      .refine((xs) => new Set(xs).size === xs.length, 'invariant names repeat')
      .optional()
      .describe('the invariants to state (default: every invariant of the active kernel)'),
  })
  .openapi('AttestBody')

export const StatedInvariant = z.object({
  name: z.string(),
  threshold: z.number(),
  clauses: z.number().int().describe('cases of its condition in the statement'),
})

export const Attestation = z
  .object({
    holon: HolonId,
    ledger_index: z.number().int().describe('the `attestation.committed` entry'),
    circuit: z.string().describe('the circuit and setup the statement is for (its verification key digest)'),
    kernel_version: z.number().int(),
    kernel_digest: z.string(),
    events: z.number().int().describe('events folded into the committed aggregates'),
    commitment: decimal.describe('Poseidon(values, presence bits, blinding) over BN254'),
    invariants: z.array(StatedInvariant),
    slots: z.array(z.string()).describe('the aggregates committed, in slot order'),
    at: z.string(),
  })
  .openapi('Attestation')

export const AttestationList = z
  .object({ holon: HolonId, attestations: z.array(Attestation) })
  .openapi('AttestationList')

export const AttestationOpening = Attestation.extend({
  kernel: z
    .record(z.string(), z.unknown())
    .describe('the kernel at that version (what the statement is built from)'),
  values: z.array(z.string()).describe('signed fixed-point values, round(v * 2^32), per slot (absent: 0)'),
  present: z.array(z.boolean()),
  blinding: decimal,
}).openapi('AttestationOpening', {
  description: 'the secret opening of a commitment: whoever holds it can prove, and can recompute the values',
})

/** The `attestation.committed` entry's ledger index, as a path parameter. */
const ledgerIndex = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,14})$/, 'a ledger index is a non-negative integer')
  .transform(Number)
  .openapi({ param: { name: 'index', in: 'path' }, example: '42' })

export const AttestationParams = z.object({ id: HolonId, index: ledgerIndex })
export const PlacementOpeningParams = OrchestratorParams.extend({ index: ledgerIndex })

export type AttestBody = z.infer<typeof AttestBody>
export type Attestation = z.infer<typeof Attestation>
export type AttestationList = z.infer<typeof AttestationList>
export type AttestationOpening = z.infer<typeof AttestationOpening>

/** At most this many replicas per placement attestation: each proof costs ~0.1 s of CPU to verify. */
export const MAX_ATTESTED_PLACEMENTS = 16

export const PlacementAttestBody = z
  .strictObject({
    max_distance: z
      .number()
      .gt(0)
      .max(40)
      .describe(
        'the hyperbolic distance (curvature −kappa of the fleet) every replica must be within of its affinity',
      ),
    workloads: z
      .array(z.string().min(1).max(128))
      .min(1)
      .max(MAX_ATTESTED_PLACEMENTS)
      .refine((xs) => new Set(xs).size === xs.length, 'workload ids repeat')
      .optional()
      .describe('default: every workload with an affinity point'),
  })
  .openapi('PlacementAttestBody')

export const PlacementAttestation = z
  .object({
    orchestrator: z.string(),
    ledger_index: z.number().int(),
    circuit: z.string(),
    tick: z.number().int(),
    max_distance: z.number(),
    curvature: z.number(),
    placements: z.array(
      z.object({
        workload: z.string(),
        slot: z.number().int(),
        node: z.string(),
        replica: decimal.describe('Poseidon commitment of the replica node’s point'),
        affinity: decimal.describe('Poseidon commitment of the workload’s affinity point'),
      }),
    ),
    at: z.string(),
  })
  .openapi('PlacementAttestation')

export const PlacementOpening = PlacementAttestation.extend({
  receipt: Receipt.describe('the entry’s receipt against the latest checkpoint'),
  witnesses: z
    .array(z.record(z.string(), z.unknown()))
    .describe('the placement circuit inputs: fixed-point coordinates, blindings, bound'),
}).openapi('PlacementOpening')

export type PlacementAttestBody = z.infer<typeof PlacementAttestBody>
