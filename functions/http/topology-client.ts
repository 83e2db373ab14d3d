// The worker's side of the Topology RPC: the object by name, and its refusals as problems.

import type { GeometryFailure } from '../../durable-objects/topology/failures.ts'
import type { TopologyObject } from '../../durable-objects/topology/topology-object.ts'
import { apiErrorOf } from './geometry-errors.ts'

export const topologyStub = (env: Env, name: string): DurableObjectStub<TopologyObject> =>
  env.TOPOLOGY.getByName(name) as DurableObjectStub<TopologyObject>

export function unwrapTopology<T>(
  name: string,
  reply: { ok: true; value: T } | { ok: false; failure: GeometryFailure },
): T {
  if (reply.ok) return reply.value
  const f = reply.failure
  throw apiErrorOf(f.kind === 'not_found' ? { ...f, message: `no stored topology '${name}'` } : f)
}
