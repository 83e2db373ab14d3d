// /v1/holons/:id/attestations: commit a holon's aggregates for zero-knowledge proofs, list them, open one (admin).
import { createRoute } from '@hono/zod-openapi'
import {
  AttestationList,
  AttestationOpening,
  AttestationParams,
  Attestation as AttestationSchema,
  AttestBody,
} from '../../../schemas/attestation.ts'
import { requireRole } from '../auth.ts'
import { actingOnHolon, existingHolon } from '../directory-client.ts'
import { unwrap } from '../holon-client.ts'
import { bearerAuth, json, jsonBody, HolonParams as params, problems, router } from '../openapi.ts'

const tags = ['attestation']

const attest = createRoute({
  method: 'post',
  path: '/v1/holons/{id}/attestations',
  tags,
  summary: 'Commit the current aggregates for a zero-knowledge proof that the invariants hold (write)',
  description:
    'Builds the statement that every named invariant (default: all) holds, from the active kernel: each score at its ' +
    'threshold as cases of linear comparisons between at most two aggregates (docs/attestation.md). Refused (422 ' +
    '`attestation_refused`, nothing written) when an invariant is outside that class, violated now, or passes the ' +
    'gate in floating point but fails exactly on the committed values. Otherwise appends an `attestation.committed` ' +
    'entry with the Poseidon commitment of the aggregates (fixed point, 2^-32) and a random blinding kept in the ' +
    'holon; `npm run prove` makes the proof from the opening and `POST /v1/verify` (kind `zk`) checks it.',
  security: bearerAuth,
  middleware: [requireRole('write')] as const,
  request: { params, body: jsonBody(AttestBody) },
  responses: {
    201: json(AttestationSchema, 'committed; the entry is in the ledger'),
    ...problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found', 'attestation_refused'),
  },
})

const list = createRoute({
  method: 'get',
  path: '/v1/holons/{id}/attestations',
  tags,
  summary: 'The attestations committed by this holon, oldest first (no openings)',
  security: [{}, ...bearerAuth],
  middleware: [requireRole('read')] as const,
  request: { params },
  responses: {
    200: json(AttestationList, 'attestations'),
    ...problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found'),
  },
})

const open = createRoute({
  method: 'get',
  path: '/v1/holons/{id}/attestations/{index}/opening',
  tags,
  summary: 'The secret opening of a commitment: values, presence, blinding and the kernel (admin)',
  description:
    'What the prover needs. Whoever holds it can recompute the committed aggregate values, so it is admin-only and ' +
    'never ledgered; the proof made from it reveals none of it.',
  security: bearerAuth,
  middleware: [requireRole('admin')] as const,
  request: { params: AttestationParams },
  responses: {
    200: json(AttestationOpening, 'the opening'),
    ...problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found', 'attestation_not_found'),
  },
})

export const attestations = router()
  .openapi(attest, async (c) => {
    const { id } = c.req.valid('param')
    const { holon, by } = await actingOnHolon(c.env, id, c.get('who'))
    return c.json(unwrap(id, await holon.attest(c.req.valid('json').invariants, by)), 201)
  })
  .openapi(list, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).attestations()), 200)
  })
  .openapi(open, async (c) => {
    const { id, index } = c.req.valid('param')
    const holon = await existingHolon(c.env, id, c.get('who'))
    return c.json(unwrap(id, await holon.attestationOpening(index)), 200)
  })
