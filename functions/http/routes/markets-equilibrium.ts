// POST /v1/markets/equilibrium: selfish routing on an inline graph or a stored topology (docs/markets.md#selfish-routing-nash-equilibria-of-congestion-games).
import { createRoute } from '@hono/zod-openapi'
import { EquilibriumRequest, EquilibriumResult } from '../../../schemas/equilibrium.ts'
import { solveInline } from '../../markets/congestion-named.ts'
import { CongestionError, equilibriumBudget } from '../../markets/index.ts'
import { requireRole } from '../auth.ts'
import { existingTopology } from '../directory-client.ts'
import { bearerAuth, json, jsonBody, problems, router } from '../openapi.ts'
import { ApiError } from '../problems.ts'
import { unwrapTopology } from '../topology-client.ts'

const equilibrium = createRoute({
  method: 'post',
  path: '/v1/markets/equilibrium',
  tags: ['markets'],
  summary: 'Nash equilibrium of selfish routing: best-response dynamics and the price of anarchy',
  description:
    'Atomic agents each route their demand from an origin to a destination over edges whose latency grows with ' +
    'load (BPR, or a + b x^power). Agents in order move to their cheapest path while that gains more than ' +
    '`epsilon`; the answer is an epsilon-Nash equilibrium when `converged`, with the `epsilon` reached. The graph ' +
    'is inline (`nodes`, `edges`) or a stored `topology`, whose free-flow latencies are hyperbolic edge lengths. ' +
    'The social optimum is exact on small games and a local-search upper bound beyond (then the price of anarchy ' +
    'is a lower bound). Runs within the `equilibrium_steps` budget.',
  security: [{}, ...bearerAuth],
  middleware: [requireRole('read')] as const,
  request: { body: jsonBody(EquilibriumRequest) },
  responses: {
    200: json(EquilibriumResult, 'the equilibrium, its cost and the price of anarchy'),
    ...problems(
      'validation_failed',
      'malformed_json',
      'payload_too_large',
      'unsupported_media_type',
      'unauthorized',
      'forbidden',
      'unknown_node',
      'duplicate_node',
      'disconnected',
      'bad_request',
      'budget_exceeded',
      'topology_not_found',
    ),
  },
})

export const marketsEquilibrium = router().openapi(equilibrium, async (c) => {
  const q = c.req.valid('json')
  if (q.topology !== undefined) {
    const { topology: name, ...query } = q
    const stub = await existingTopology(c.env, name, c.get('who'))
    return c.json(unwrapTopology(name, await stub.equilibrium(query)), 200)
  }
  try {
    return c.json(solveInline(q, equilibriumBudget()), 200)
  } catch (e) {
    // graph refusals (unknown, duplicate, unreachable) map through the topology failures in app.onError
    if (e instanceof CongestionError && e.issue === 'invalid_edge')
      throw new ApiError('bad_request', e.message, { errors: [{ pointer: e.pointer, message: e.message }] })
    throw e
  }
})
