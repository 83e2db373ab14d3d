// The worker's side of the objects' RPC: picks the object by id and turns refusals into ApiErrors.
import type { FederationObject } from '../../durable-objects/federation/federation-object.ts'
import type { HolonObject } from '../../durable-objects/holon/holon-object.ts'
import type { Refusal, Reply } from '../../durable-objects/shared/reply.ts'
import { ApiError, attestationProblem, budgetProblem, holonNotFound, kernelInvalid } from './problems.ts'

/**
 * The object's RPC methods as declared. Their values are plain structured-clonable data; the typed
 * stub's serialisation mapping gives up on open JSON fields such as a ledger entry's `data`.
 */
type HolonRpc = Pick<
  HolonObject,
  | 'create'
  | 'info'
  | 'installKernel'
  | 'evaluate'
  | 'explain'
  | 'commit'
  | 'state'
  | 'events'
  | 'ledgerPage'
  | 'checkpoint'
  | 'inclusion'
  | 'receipt'
  | 'consistency'
  | 'exportLedger'
  | 'artifact'
  | 'configurePulse'
  | 'pulseDoc'
  | 'temporal'
  | 'witness'
  | 'labCause'
  | 'labCounterfactual'
  | 'rollback'
  | 'labStressStart'
  | 'labStressGet'
  | 'labStressCancel'
  | 'proposeKernels'
  | 'kernelProposals'
  | 'activateProposal'
  | 'rejectProposal'
  | 'attest'
  | 'attestations'
  | 'attestationOpening'
>

type FederationRpc = Pick<
  FederationObject,
  | 'publish'
  | 'presence'
  | 'livePeers'
  | 'localPulses'
  | 'receivePhases'
  | 'publishAlert'
  | 'receiveAlert'
  | 'alerts'
  | 'outbox'
  | 'localArtifacts'
  | 'receive'
  | 'peers'
  | 'stats'
  | 'cosign'
  | 'flag'
  | 'cosignatures'
  | 'flags'
>

/** The deployment's one federation registry. */
export const federationStub = (env: Env): FederationRpc =>
  env.FEDERATION.getByName('federation') as unknown as FederationRpc

export const holonStub = (env: Env, id: string): HolonRpc => env.HOLON.getByName(id) as unknown as HolonRpc

/** The value of an object's reply, or its refusal as an ApiError (`holon` names the object in messages). */
export function unwrap<T>(holon: string, reply: Reply<T>): T {
  if (reply.ok) return reply.value
  throw failureError(holon, reply.failure)
}

function failureError(holon: string, f: Refusal): ApiError {
  switch (f.code) {
    case 'holon_not_found':
      return holonNotFound(holon)
    case 'holon_exists':
      return new ApiError(
        'holon_exists',
        `holon '${holon}' exists; install kernels with PUT /v1/holons/${holon}/kernel`,
        {
          kernel_version: f.kernel_version,
        },
      )
    case 'kernel_invalid':
      return kernelInvalid(f.issues)
    case 'idempotency_conflict':
      return new ApiError(
        'idempotency_conflict',
        `event '${f.event_id}' was already committed with different content`,
        {
          event_id: f.event_id,
          index: f.index,
        },
      )
    case 'ledger_range':
      return new ApiError('validation_failed', f.message)
    case 'pulse_config':
      return new ApiError('validation_failed', f.message, {
        errors: [{ pointer: `/config${f.pointer}`, message: f.message }],
      })
    case 'budget_exceeded':
      return budgetProblem(f)
    case 'validation_failed':
      return new ApiError('validation_failed', f.message, { errors: f.errors })
    case 'proposal_not_found':
      return new ApiError(
        'proposal_not_found',
        `holon '${holon}' has no induced kernel proposal ${f.version}`,
        {
          version: f.version,
        },
      )
    case 'attestation_refused':
    case 'attestation_not_found':
      return attestationProblem(f, `holon '${holon}'`)
    case 'proposal_closed':
      return new ApiError('proposal_closed', f.message, { version: f.version })
    case 'inadmissible': {
      const r = f.result
      const d = f.dissipating
      const why = f.quarantined
        ? 'the holon is quarantined by its pulse and every commit needs an override'
        : d
          ? `the holon is incoherent (KAIROS delta_phase ${d.delta_phase.toPrecision(4)} > delta ${d.phase_threshold}, not collapsed: abs(T_sync)^2 ${d.sync_power.toPrecision(4)} < I_c ${d.coherence_threshold}) and its gate dissipates: every commit needs an override`
          : r.errors.length > 0
            ? `${r.errors.length} expression error(s)`
            : `torsion ${r.torsion}`
      return new ApiError(
        r.verdict === 'override_required' ? 'override_required' : 'inadmissible',
        `event '${f.event_id}' (index ${f.index}) is not admissible: ${why}; nothing was committed`,
        {
          event_id: f.event_id,
          index: f.index,
          ...r,
          receipt: f.receipt,
          quarantined: f.quarantined,
          dissipating: f.dissipating,
        },
      )
    }
  }
}
