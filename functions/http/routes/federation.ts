// Federation routes: holon artifacts and compatibility (read), the bridge node's outbox and inbox (bridge token).
import { createRoute, z } from '@hono/zod-openapi'
import type { WitnessReply } from '../../../durable-objects/federation/federation-object.ts'
import {
  AlertsDoc,
  RhizomeArtifact as ArtifactSchema,
  CompatibilityDoc,
  CosignaturesDoc,
  FlagsDoc,
  InboxEnvelope,
  InboxReply,
  OutboxPage,
  OutboxQuery,
  PeersDoc,
  PhasesBody,
  PhasesReply,
  PulsesDoc,
  Recorded,
  SignedBody,
} from '../../../schemas/federation.ts'
import { compatibility, type RhizomeArtifact } from '../../rhizome/index.ts'
import { actorFor, type Principal, requireBridge, requireRole } from '../auth.ts'
import { existingHolon } from '../directory-client.ts'
import { federationStub, unwrap } from '../holon-client.ts'
import { bearerAuth, json, jsonBody, HolonParams as params, problems, router } from '../openapi.ts'

/** A witness message's answer to the bridge node: kept, or refused with the reason (a counted drop, not an error). */
const witnessAnswer = (r: WitnessReply): { ok: boolean; detail?: string } =>
  r.ok ? { ok: true } : { ok: false, detail: r.failure.message }

const reader = { tags: ['federation'], security: [{}, ...bearerAuth], middleware: [requireRole('read')] }
const bridge = { tags: ['federation'], security: bearerAuth, middleware: [requireBridge] }
const readProblems = problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found')

const artifact = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/holons/{id}/artifact',
  summary: "The holon's signed rhizome artifact (kernel terms, verifier key, latest checkpoint)",
  request: { params },
  responses: { 200: json(ArtifactSchema, 'the artifact'), ...readProblems },
})

const compat = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/holons/{id}/compatibility',
  summary: "How each known peer's kernel terms line up with this holon's kernel",
  description:
    'Shared invariant names, threshold and weight differences (peer - local), and which local invariants the peer also enforces at least as strictly. Peer artifacts never change a local kernel.',
  request: { params },
  responses: { 200: json(CompatibilityDoc, 'one entry per peer artifact'), ...readProblems },
})

const peers = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/federation/peers',
  summary: 'Peer artifacts recorded (pinned keys), drop counters, and the registry ledger',
  responses: { 200: json(PeersDoc, 'the registry'), ...readProblems },
})

const artifacts = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/federation/artifacts',
  summary: "Every local holon's latest artifact (what a late-joining peer catches up with)",
  responses: {
    200: json(z.object({ artifacts: z.array(ArtifactSchema) }), 'the artifacts'),
    ...readProblems,
  },
})

const outbox = createRoute({
  ...bridge,
  method: 'get',
  path: '/v1/federation/outbox',
  summary: 'What the bridge node should publish, after a cursor (bridge token)',
  description: 'Pull with a cursor: the node keeps `next_cursor`; a restart or a missed poll loses nothing.',
  request: { query: OutboxQuery },
  responses: {
    200: json(OutboxPage, 'messages after the cursor'),
    ...problems('validation_failed', 'unauthorized', 'forbidden'),
  },
})

const inbox = createRoute({
  ...bridge,
  method: 'post',
  path: '/v1/federation/inbox',
  summary: 'Deliver peer artifacts the node received (bridge token); each is verified again and judged',
  description:
    'Outcomes: accepted (recorded and ledgered), duplicate, own (our own artifact echoed back), and the drops: ' +
    'invalid (bad signature or checkpoint), key_mismatch (not the pinned key of that origin), replay (older than ' +
    'what we hold), conflict (two kernels signed for one version), malformed (the RhizomeArtifact schema forbids ' +
    'it: an extra member, a wrong type). Signatures are checked over exactly the members received. Drops are ' +
    'counted by reason; key and origin conflicts are listed in GET /v1/federation/peers.',
  request: { body: jsonBody(InboxEnvelope) },
  responses: {
    200: json(InboxReply, 'one result per artifact, in order'),
    ...problems(
      'validation_failed',
      'malformed_json',
      'unauthorized',
      'forbidden',
      'payload_too_large',
      'unsupported_media_type',
    ),
  },
})

const cosignatures = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/holons/{id}/ledger/cosignatures',
  summary:
    "Witness cosignatures of this holon's checkpoints, newest first (served next to /ledger/checkpoint)",
  request: { params },
  responses: { 200: json(CosignaturesDoc, 'the cosignatures'), ...readProblems },
})

const addCosignature = createRoute({
  ...bridge,
  method: 'post',
  path: '/v1/federation/cosignatures',
  summary:
    "Deliver a witness's cosignature of one of our holons' checkpoints (bridge token); verified before it is kept",
  request: { body: jsonBody(SignedBody('a CosignatureBody')) },
  responses: {
    200: json(Recorded, 'kept, or why not'),
    ...problems('validation_failed', 'unauthorized', 'forbidden'),
  },
})

const addFlag = createRoute({
  ...bridge,
  method: 'post',
  path: '/v1/federation/flags',
  summary: 'Deliver equivocation or inconsistency evidence (bridge token); kept once both checkpoints verify',
  request: { body: jsonBody(SignedBody('a FlagBody')) },
  responses: {
    200: json(Recorded, 'kept, or why not'),
    ...problems('validation_failed', 'unauthorized', 'forbidden'),
  },
})

const flags = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/federation/flags',
  summary: 'Equivocation and inconsistency flags, with their evidence',
  responses: { 200: json(FlagsDoc, 'the flags'), ...readProblems },
})

const addAlert = createRoute({
  ...bridge,
  method: 'post',
  path: '/v1/federation/alerts',
  summary:
    "Deliver a peer holon's ALERT or QUARANTINE (bridge token); kept when signed with the origin's pinned key",
  request: { body: jsonBody(SignedBody('a RhizomeAlert')) },
  responses: {
    200: json(Recorded, 'kept, or why not'),
    ...problems('validation_failed', 'unauthorized', 'forbidden'),
  },
})

const alerts = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/federation/alerts',
  summary: "Peers' recent ALERT and QUARANTINE decisions, newest first",
  responses: { 200: json(AlertsDoc, 'the alerts'), ...readProblems },
})

const presence = createRoute({
  ...bridge,
  method: 'post',
  path: '/v1/federation/presence',
  summary: "The node reports its live peers (bridge token): the holons' pulse uses P = 1 + live peers",
  request: {
    body: jsonBody(
      z.strictObject({ node: z.string().min(1).max(128), live_peers: z.number().int().min(0).max(100_000) }),
    ),
  },
  responses: {
    200: json(Recorded, 'recorded'),
    ...problems('validation_failed', 'unauthorized', 'forbidden'),
  },
})

const pulses = createRoute({
  ...bridge,
  method: 'get',
  path: '/v1/federation/pulses',
  summary: "Our running holons' latest beats, for the bridge node to publish to the mesh (bridge token)",
  responses: {
    200: json(PulsesDoc, 'the pulses'),
    ...problems('validation_failed', 'unauthorized', 'forbidden'),
  },
})

const phases = createRoute({
  ...bridge,
  method: 'post',
  path: '/v1/federation/phases',
  summary: "Deliver peers' pulses received from the mesh (bridge token): the holons' beats couple to them",
  description:
    'At most 1,000 pulses per call, each a strict MeshPulse. The registry keeps the latest per (node, holon); ' +
    'our own origin echoed back (own), a next beat more than 60 s overdue (stale), a beat more than 30 s in ' +
    'the future (skew) and a beat older than the one held (replay) are dropped and counted. A peer no node ' +
    'delivered for 15 s stops counting.',
  request: { body: jsonBody(PhasesBody) },
  responses: {
    200: json(PhasesReply, 'how many were kept, and the drops by reason'),
    ...problems(
      'validation_failed',
      'malformed_json',
      'unauthorized',
      'forbidden',
      'payload_too_large',
      'unsupported_media_type',
    ),
  },
})

/** The federation ledger is the deployment's: a bridge write records the credential's own tenant (`*`: root). */
const bridgeActor = (who: Principal | null) => actorFor(who, who?.tenant ?? '*')

export const federation = router()
  .openapi(artifact, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).artifact()), 200)
  })
  .openapi(compat, async (c) => {
    const { id } = c.req.valid('param')
    const info = unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).info())
    const known = await federationStub(c.env).peers()
    return c.json(
      { holon: id, peers: known.artifacts.map((a: RhizomeArtifact) => compatibility(info.kernel, a)) },
      200,
    )
  })
  .openapi(peers, async (c) => {
    const fed = federationStub(c.env)
    const [known, stats] = await Promise.all([fed.peers(), fed.stats()])
    return c.json({ ...known, ...stats }, 200)
  })
  .openapi(artifacts, async (c) => c.json({ artifacts: await federationStub(c.env).localArtifacts() }, 200))
  .openapi(outbox, async (c) => {
    const q = c.req.valid('query')
    return c.json(await federationStub(c.env).outbox(q.cursor, q.limit), 200)
  })
  .openapi(inbox, async (c) => {
    const body = c.req.valid('json')
    return c.json(
      {
        results: await federationStub(c.env).receive(
          body.artifacts as RhizomeArtifact[],
          bridgeActor(c.get('who')),
        ),
      },
      200,
    )
  })
  .openapi(cosignatures, async (c) => {
    const { id } = c.req.valid('param')
    const info = unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).info())
    return c.json(
      {
        origin: info.ledger.origin,
        cosignatures: await federationStub(c.env).cosignatures(info.ledger.origin),
      },
      200,
    )
  })
  .openapi(addCosignature, async (c) =>
    c.json(witnessAnswer(await federationStub(c.env).cosign(c.req.valid('json'))), 200),
  )
  .openapi(addFlag, async (c) =>
    c.json(witnessAnswer(await federationStub(c.env).flag(c.req.valid('json'))), 200),
  )
  .openapi(flags, async (c) => c.json({ flags: await federationStub(c.env).flags() }, 200))
  .openapi(addAlert, async (c) =>
    c.json(witnessAnswer(await federationStub(c.env).receiveAlert(c.req.valid('json'))), 200),
  )
  .openapi(alerts, async (c) => c.json({ alerts: await federationStub(c.env).alerts() }, 200))
  .openapi(presence, async (c) => {
    const body = c.req.valid('json')
    await federationStub(c.env).presence(body.node, body.live_peers)
    return c.json({ ok: true }, 200)
  })
  .openapi(pulses, async (c) => c.json({ pulses: await federationStub(c.env).localPulses() }, 200))
  .openapi(phases, async (c) => {
    const body = c.req.valid('json')
    return c.json(await federationStub(c.env).receivePhases(body.node, body.pulses), 200)
  })
