// POST /v1/route, /v1/embed, /v1/consensus, /v1/spawn, /v1/migrate, /v1/terminate: stateless geometric functions.
import { createRoute } from '@hono/zod-openapi'
import { DEFAULT_MOM_CONFIG } from '../../../schemas/mom-config.ts'
import {
  ConsensusRequest,
  ConsensusResult,
  EmbedRequest,
  EmbedResult,
  MigrateRequest,
  MigrateResult,
  RouteRequest,
  RouteResult,
  SpawnRequest,
  SpawnResult,
  TerminateRequest,
  TerminationReport,
} from '../../../schemas/routing.ts'
import { checkPoint, checkPoints, distance, GeometryError } from '../../geometry/index.ts'
import {
  buildTopology,
  checkAnswerSize,
  checkPathCount,
  consensus,
  embedBudget,
  meanBudget,
  migrate,
  reembed,
  requireConnected,
  route as routeOn,
  spawnFromAffinities,
  spawnFromParent,
  terminateBudget,
  terminationReport,
} from '../../routing/index.ts'
import { authorize } from '../auth.ts'
import { existingTopology } from '../directory-client.ts'
import { json, jsonBody, problems, router } from '../openapi.ts'
import { unwrapTopology } from '../topology-client.ts'

const bodyProblems = [
  'validation_failed',
  'malformed_json',
  'payload_too_large',
  'unsupported_media_type',
] as const
const graphProblems = ['invalid_point', 'unknown_node', 'duplicate_node', 'disconnected'] as const
/** Every route below counts its work against a step budget (functions/routing/budgets.ts): 422 when exceeded. */
const budgetProblems = ['budget_exceeded'] as const

const post = <Req extends Parameters<typeof jsonBody>[0], Res extends Parameters<typeof json>[0]>(
  path: string,
  summary: string,
  description: string,
  req: Req,
  res: Res,
  extra: readonly Parameters<typeof problems>[0][],
) =>
  createRoute({
    method: 'post',
    path,
    tags: ['geometry'],
    summary,
    description,
    request: { body: jsonBody(req) },
    responses: { 200: json(res, 'the answer'), ...problems(...bodyProblems, ...budgetProblems, ...extra) },
  })

const routeRoute = post(
  '/v1/route',
  'Route on a topology: greedy, multipath, gradient flow, or k-nearest without adjacency',
  'The topology comes inline (at most 10,000 nodes, connected when it has edges) or by the name of a stored ' +
    'topology. Defaults (algorithm, kappa, k, load weight) come from `config` (mom_config); an `orchestration_strategy` ' +
    'adds placement constraints and redundancy when its triggers match `situation`.',
  RouteRequest,
  RouteResult,
  [...graphProblems, 'source_required', 'topology_not_found', 'no_allowed_node', 'unauthorized', 'forbidden'],
)

const embedRoute = post(
  '/v1/embed',
  'Greedy embedding: coordinates on which greedy routing delivers between every pair',
  'Embeds a BFS spanning tree in the hyperbolic plane (Sarkar-style, sectors sized by subtree) and reports greedy ' +
    'success and stretch against shortest paths on the whole graph; coordinates are padded with zeros to `dimension`.',
  EmbedRequest,
  EmbedResult,
  [...graphProblems, 'embedding_precision'],
)

const consensusRoute = post(
  '/v1/consensus',
  'Geometric consensus: votes weighted by exp(-kappa d(voter, proposal))',
  'Tallies weights relative to the nearest voter; accepted when participation reaches the quorum and ' +
    'yes / (yes + no) exceeds the threshold.',
  ConsensusRequest,
  ConsensusResult,
  ['invalid_point'],
)

const spawnRoute = post(
  '/v1/spawn',
  'Coordinates for a new entity: from its parent, or from weighted affinities',
  'From a parent: the point at `distance` along `direction` (default: away from the origin). From affinities: ' +
    'their weighted Fréchet mean.',
  SpawnRequest,
  SpawnResult,
  ['invalid_point'],
)

const migrateRoute = post(
  '/v1/migrate',
  'Geodesic waypoints between two points',
  '`steps + 1` evenly spaced points on the geodesic, both ends included.',
  MigrateRequest,
  MigrateResult,
  ['invalid_point'],
)

const terminateRoute = post(
  '/v1/terminate',
  'Remove a node and check that greedy routes around it still deliver',
  "Checks every ordered pair of the removed node's former neighbours and a sample of other pairs; says why " +
    'routes fail when they do (a split graph, or greedy local minima).',
  TerminateRequest,
  TerminationReport,
  [...graphProblems],
)

export const geometry = router()
  .openapi(routeRoute, async (c) => {
    const { topology, topology_name: name, ...query } = c.req.valid('json')
    const cfg = query.config ?? DEFAULT_MOM_CONFIG
    if (!topology) {
      const stored = name as string
      // The route itself is open (inline topologies are stateless); a stored one is a tenant's resource.
      const who = await authorize(c.env, c.req.header('authorization'), 'read')
      return c.json(
        unwrapTopology(stored, await (await existingTopology(c.env, stored, who)).route(query)),
        200,
      )
    }
    // before the graph is built; without edges the request is k-nearest, where k may reach 1000
    if (topology.edges?.length) checkPathCount(query.algorithm ?? cfg.geometry.routing_algorithm, query.k)
    const boundary = query.boundary ?? cfg.geometry.boundary
    const topo = buildTopology(topology, boundary)
    if (topo.edgeCount > 0) requireConnected(topo)
    return c.json(routeOn(topo, query), 200)
  })
  .openapi(embedRoute, (c) => {
    const body = c.req.valid('json')
    const cfg = body.config ?? DEFAULT_MOM_CONFIG
    const dimension = body.dimension ?? cfg.geometry.embedding_dimension
    checkAnswerSize('the embedding', body.topology.nodes.length * dimension)
    const topo = buildTopology(body.topology, cfg.geometry.boundary)
    const r = reembed(topo, dimension, body.pairs, embedBudget())
    const t = r.topology
    return c.json(
      {
        root: t.ids[r.embedding.root] as string,
        depth: r.embedding.depth,
        dimension: t.dim,
        max_radius: r.embedding.max_radius,
        radius_bound: r.embedding.radius_bound,
        nodes: t.ids.map((id, i) => ({ id: id as string, coords: t.point(i) })),
        greedy: r.greedy,
      },
      200,
    )
  })
  .openapi(consensusRoute, (c) => {
    const b = c.req.valid('json')
    const cfg = b.config ?? DEFAULT_MOM_CONFIG
    const boundary = b.boundary ?? cfg.geometry.boundary
    const kappa = b.kappa ?? cfg.geometry.curvature
    const proposal = checkPoint(b.proposal, undefined, boundary, '/proposal')
    const coords = checkPoints(
      b.voters.map((v) => v.coords),
      boundary,
      (i) => `/voters/${i}/coords`,
      proposal.length,
    )
    const quorum = b.quorum ?? cfg.consensus.quorum
    const threshold = b.threshold ?? cfg.consensus.threshold
    const voters = b.voters.map((v, i) => ({ id: v.id, vote: v.vote, coords: coords[i] as number[] }))
    return c.json(
      { kappa, quorum, threshold, ...consensus(voters, proposal, { kappa, quorum, threshold }) },
      200,
    )
  })
  .openapi(spawnRoute, (c) => {
    const b = c.req.valid('json')
    const cfg = b.config ?? DEFAULT_MOM_CONFIG
    const boundary = cfg.geometry.boundary
    if ('parent' in b) {
      const parent = checkPoint(b.parent, undefined, boundary, '/parent')
      // a tangent vector: any length, but the parent's dimension (zod already refused non-finite numbers)
      if (b.direction && b.direction.length !== parent.length)
        throw new GeometryError(
          'dimension_mismatch',
          `dimension ${b.direction.length}, expected ${parent.length}`,
          '/direction',
        )
      const kappa = b.kappa ?? cfg.geometry.curvature
      const coords = spawnFromParent(parent, b.distance, kappa, b.direction)
      return c.json({ coords, distance_from_parent: distance(parent, coords, kappa) }, 200)
    }
    const points = checkPoints(
      b.affinities.map((a) => a.point),
      boundary,
      (i) => `/affinities/${i}/point`,
    )
    return c.json(
      {
        coords: spawnFromAffinities(
          points,
          b.affinities.map((a) => a.weight),
          meanBudget(),
        ),
      },
      200,
    )
  })
  .openapi(migrateRoute, (c) => {
    const b = c.req.valid('json')
    const cfg = b.config ?? DEFAULT_MOM_CONFIG
    const from = checkPoint(b.from, undefined, cfg.geometry.boundary, '/from')
    const to = checkPoint(b.to, from.length, cfg.geometry.boundary, '/to')
    return c.json(migrate(from, to, b.steps, b.kappa ?? cfg.geometry.curvature), 200)
  })
  .openapi(terminateRoute, (c) => {
    const b = c.req.valid('json')
    const cfg = b.config ?? DEFAULT_MOM_CONFIG
    const topo = buildTopology(b.topology, cfg.geometry.boundary)
    const slot = topo.slot(b.node, '/node')
    const neighbours = topo.removeNode(slot)
    return c.json({ removed: [b.node], ...terminationReport(topo, neighbours, 200, terminateBudget()) }, 200)
  })
