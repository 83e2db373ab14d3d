// /v1/orchestrators/:id/attestations: commit replicas' points for proofs of d(replica, affinity) <= max_distance.
import { createRoute } from '@hono/zod-openapi'
import {
  PlacementAttestation,
  PlacementAttestBody,
  PlacementOpening,
  PlacementOpeningParams,
} from '../../../schemas/attestation.ts'
import { OrchestratorParams as params } from '../../../schemas/orchestrator.ts'
import { requireRole } from '../auth.ts'
import { bearerAuth, json, jsonBody, problems, router } from '../openapi.ts'
import { actingOnOrchestrator, existingOrchestrator, unwrapOrchestrator } from '../orchestrator-client.ts'

const tags = ['attestation']
const attest = createRoute({
  method: 'post',
  path: '/v1/orchestrators/{id}/attestations',
  tags,
  summary: 'Commit the current replicas’ points for zero-knowledge distance proofs (write)',
  description:
    'For every current replica of the named workloads (default: those with an affinity point), commits the ' +
    'replica node’s point and the workload’s affinity point (Poseidon, fixed point 2^-32, fresh blindings kept in ' +
    'the orchestrator) in one `attestation.committed` entry with `max_distance` and the fleet’s curvature. Refused ' +
    '(422 `attestation_refused`, nothing written) when a replica is farther than `max_distance` after rounding, a ' +
    'workload has no affinity or no replica, or more than 16 replicas would be committed. `npm run prove -- ' +
    '--orchestrator` proves each distance; `POST /v1/verify` (kind `zk`, circuit `placement`) checks them.',
  security: bearerAuth,
  middleware: [requireRole('write')] as const,
  request: { params, body: jsonBody(PlacementAttestBody) },
  responses: {
    201: json(PlacementAttestation, 'committed'),
    ...problems(
      'validation_failed',
      'unauthorized',
      'forbidden',
      'orchestrator_not_found',
      'unknown_id',
      'tick_in_progress',
      'attestation_refused',
    ),
  },
})

const open = createRoute({
  method: 'get',
  path: '/v1/orchestrators/{id}/attestations/{index}/opening',
  tags,
  summary: 'The secret opening of a placement attestation: coordinates and blindings (admin)',
  security: bearerAuth,
  middleware: [requireRole('admin')] as const,
  request: { params: PlacementOpeningParams },
  responses: {
    200: json(PlacementOpening, 'the opening'),
    ...problems(
      'validation_failed',
      'unauthorized',
      'forbidden',
      'orchestrator_not_found',
      'attestation_not_found',
    ),
  },
})

export const orchestratorAttestations = router()
  .openapi(attest, async (c) => {
    const { id } = c.req.valid('param')
    const { o, by } = await actingOnOrchestrator(c.env, id, c.get('who'))
    return c.json(unwrapOrchestrator(id, await o.attestPlacements(c.req.valid('json'), by)), 201)
  })
  .openapi(open, async (c) => {
    const { id, index } = c.req.valid('param')
    const o = await existingOrchestrator(c.env, id, c.get('who'))
    return c.json(unwrapOrchestrator(id, await o.placementOpening(index)), 200)
  })
