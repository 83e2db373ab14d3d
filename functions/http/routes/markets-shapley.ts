// POST /v1/markets/shapley: stateless Shapley cost shares of a game sent as data (nothing stored).
import { createRoute } from '@hono/zod-openapi'
import { ShapleyRequest, ShapleyResult } from '../../../schemas/shapley.ts'
import { ShapleyGameError, shapley, shapleyBudget } from '../../markets/index.ts'
import { requireRole } from '../auth.ts'
import { bearerAuth, json, jsonBody, problems, router } from '../openapi.ts'
import { ApiError } from '../problems.ts'

const shapleyRoute = createRoute({
  method: 'post',
  path: '/v1/markets/shapley',
  tags: ['markets'],
  security: [{}, ...bearerAuth],
  middleware: [requireRole('read')] as const,
  summary: 'Share a common cost among its users by Shapley value (exact to 20 players, sampled above)',
  description:
    'The game is data: a node pool (fixed + unit_cost per started unit of capacity), an airport game (the ' +
    'largest need) or an explicit table of coalition costs. Up to `exact_max` (default 20) players the shares ' +
    'are exact, by enumerating all 2^n coalitions; above, airport games are exact by their closed form ' +
    '(Littlechild & Owen 1973) and the others get the mean marginal cost over `samples` seeded random ' +
    'orders with a 95 % interval per player (normal approximation; not rescaled, every order already sums to ' +
    'the total). Work: 2^n + n 2^(n-1) steps exact, n (samples + 1) sampled; a 422 `budget_exceeded` ' +
    '(shapley_steps) past the budget. See docs/markets.md.',
  request: { body: jsonBody(ShapleyRequest) },
  responses: {
    200: json(ShapleyResult, 'the shares'),
    ...problems(
      'validation_failed',
      'malformed_json',
      'payload_too_large',
      'unsupported_media_type',
      'unauthorized',
      'budget_exceeded',
    ),
  },
})

export const marketsShapley = router().openapi(shapleyRoute, (c) => {
  const { game, samples, seed, exact_max: exactMax } = c.req.valid('json')
  try {
    return c.json(shapley(game, { samples, seed, exactMax, budget: shapleyBudget() }), 200)
  } catch (e) {
    // the schema refuses what the core does; this keeps a core refusal a 400 should they ever drift
    if (e instanceof ShapleyGameError)
      throw new ApiError('validation_failed', e.message, {
        errors: [{ pointer: `/game${e.pointer}`, message: e.message }],
      })
    throw e
  }
})
