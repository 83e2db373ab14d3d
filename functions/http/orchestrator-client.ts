// The worker's side of the orchestrator objects' RPC: the object of an existing id, refusals as ApiErrors.
import type { OrchestratorObject } from '../../durable-objects/orchestrator/orchestrator-object.ts'
import type { OrchestratorRefusal } from '../../durable-objects/orchestrator/refusals.ts'
import type { Reply } from '../../durable-objects/shared/reply.ts'
import type { Actor } from '../../schemas/ledger.ts'
import { actorFor, type Principal } from './auth.ts'
import { access } from './directory-client.ts'
import { ApiError, attestationProblem, budgetProblem } from './problems.ts'

type OrchestratorRpc = Pick<
  OrchestratorObject,
  | 'configure'
  | 'writeNodes'
  | 'writeWorkloads'
  | 'metrics'
  | 'dryRun'
  | 'tick'
  | 'approve'
  | 'replay'
  | 'inputsOf'
  | 'placements'
  | 'attestPlacements'
  | 'placementOpening'
  | 'forecastOf'
  | 'decisions'
  | 'info'
  | 'receipt'
>

export const orchestratorStub = (env: Env, id: string): OrchestratorRpc =>
  env.ORCHESTRATOR.getByName(id) as unknown as OrchestratorRpc

export const orchestratorNotFound = (id: string): ApiError =>
  new ApiError(
    'orchestrator_not_found',
    `no orchestrator '${id}'; create it with PUT /v1/orchestrators/${id}`,
  )

/** The object of an existing orchestrator `who` may touch; an unknown (or another tenant's) id is a 404 that wakes no object. */
export async function existingOrchestrator(
  env: Env,
  id: string,
  who: Principal | null,
): Promise<OrchestratorRpc> {
  await access(env, 'orchestrator', id, who)
  return orchestratorStub(env, id)
}

/** The orchestrator object `who` may change, and who the ledger records as acting. */
export async function actingOnOrchestrator(
  env: Env,
  id: string,
  who: Principal | null,
): Promise<{ o: OrchestratorRpc; by: Actor }> {
  const tenant = await access(env, 'orchestrator', id, who)
  return { o: orchestratorStub(env, id), by: actorFor(who, tenant) }
}

export function unwrapOrchestrator<T>(id: string, reply: Reply<T, OrchestratorRefusal>): T {
  if (reply.ok) return reply.value
  const f = reply.failure
  switch (f.code) {
    case 'orchestrator_not_found':
      throw orchestratorNotFound(id)
    case 'invalid_fleet':
      throw new ApiError('validation_failed', f.message, {
        errors: [{ pointer: f.pointer, message: f.message }],
      })
    case 'unknown_ids':
      throw new ApiError('unknown_id', `unknown ${f.kind} id(s): ${f.ids.join(', ')}; nothing was written`, {
        kind: f.kind,
        ids: f.ids,
      })
    case 'nothing_to_approve':
      throw new ApiError('nothing_to_approve', 'no manual workload has a proposal waiting for approval')
    case 'tick_in_progress':
      throw new ApiError(
        'tick_in_progress',
        `tick ${f.tick} is running in chunks (${f.assessed} of ${f.total} workloads)`,
        {
          tick: f.tick,
          assessed: f.assessed,
          total: f.total,
        },
      )
    case 'series_too_short':
      throw new ApiError(
        'series_too_short',
        `workload '${f.workload}' has ${f.length} observed steps; a forecast over the horizon needs ${f.minimum}`,
        { minimum: f.minimum, length: f.length },
      )
    case 'ledger_range':
      throw new ApiError('validation_failed', f.message)
    case 'budget_exceeded':
      throw budgetProblem(f)
    case 'attestation_refused':
    case 'attestation_not_found':
      throw attestationProblem(f, `orchestrator '${id}'`)
  }
}
