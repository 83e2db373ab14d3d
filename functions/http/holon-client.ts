// The worker's side of the holon RPC: picks the object by holon id and turns refusals into ApiErrors.

import type { HolonFailure } from '../../durable-objects/holon/failures.ts'
import type { HolonObject } from '../../durable-objects/holon/holon-object.ts'
import { ApiError, kernelInvalid } from './problems.ts'

export const holonStub = (env: Env, id: string): DurableObjectStub<HolonObject> =>
  env.HOLON.getByName(id) as DurableObjectStub<HolonObject>

export function unwrap<T>(
  holon: string,
  reply: { ok: true; value: T } | { ok: false; failure: HolonFailure },
): T {
  if (reply.ok) return reply.value
  throw failureError(holon, reply.failure)
}

function failureError(holon: string, f: HolonFailure): ApiError {
  switch (f.code) {
    case 'holon_not_found':
      return new ApiError('holon_not_found', `no holon '${holon}'; create it with PUT /v1/holons/${holon}`)
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
    case 'inadmissible': {
      const r = f.result
      const why = r.errors.length > 0 ? `${r.errors.length} expression error(s)` : `torsion ${r.torsion}`
      return new ApiError(
        r.verdict === 'override_required' ? 'override_required' : 'inadmissible',
        `event '${f.event_id}' (index ${f.index}) is not admissible: ${why}; nothing was committed`,
        { event_id: f.event_id, index: f.index, ...r },
      )
    }
  }
}
