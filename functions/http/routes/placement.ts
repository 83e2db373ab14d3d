// POST /v1/pareto: stateless replica placement and its Pareto frontier over perf, rel, sust and cost.
import { createRoute } from '@hono/zod-openapi'
import { DEFAULT_MOM_CONFIG } from '../../../schemas/mom-config.ts'
import { ParetoRequest, ParetoResult } from '../../../schemas/placement.ts'
import { PlacementError, paretoBudget, paretoFrontier } from '../../placement/index.ts'
import { json, jsonBody, problems, router } from '../openapi.ts'
import { ApiError } from '../problems.ts'

const paretoRoute = createRoute({
  method: 'post',
  path: '/v1/pareto',
  tags: ['mom'],
  summary: 'Place replicas on nodes and report the Pareto frontier of the four objectives',
  description:
    'Maximises J = w_perf Perf + w_rel Rel + w_sust Sust - w_cost Cost under capacity, placement policy and ' +
    'distance bounds (exact MIP where small, greedy + local search with a bound beyond), then solves under a ' +
    'lattice of weight vectors and keeps the non-dominated term vectors. Replicas that cannot be placed come back ' +
    'in `chosen.unplaced` with the reason (docs/placement.md).',
  request: { body: jsonBody(ParetoRequest) },
  responses: {
    200: json(ParetoResult, 'the frontier and the chosen placement'),
    ...problems(
      'validation_failed',
      'malformed_json',
      'payload_too_large',
      'unsupported_media_type',
      'unknown_node',
      'duplicate_node',
      'invalid_point',
      'bad_request',
      'budget_exceeded',
    ),
  },
})

const CODE = {
  unknown_node: 'unknown_node',
  duplicate_node: 'duplicate_node',
  invalid_point: 'invalid_point',
  invalid_problem: 'bad_request',
} as const

export const placement = router().openapi(paretoRoute, (c) => {
  const { config, weights: given, kappa: k, ...problem } = c.req.valid('json')
  const cfg = config ?? DEFAULT_MOM_CONFIG
  const weights = given ?? cfg.optimization_goals
  const kappa = k ?? cfg.geometry.curvature
  try {
    const frontier = paretoFrontier({ ...problem, weights, kappa }, paretoBudget())
    return c.json({ weights, kappa, ...frontier }, 200)
  } catch (e) {
    if (e instanceof PlacementError)
      throw new ApiError(CODE[e.issue], e.message, { errors: [{ pointer: e.pointer, message: e.message }] })
    throw e
  }
})
