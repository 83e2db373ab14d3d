// POST /v1/markets/auction: a stateless VCG auction for capacity (winner determination and Clarke payments).
import { createRoute } from '@hono/zod-openapi'
import { AuctionRequest, AuctionResult } from '../../../schemas/auction.ts'
import { AuctionError, auctionBudget, runVcg } from '../../markets/index.ts'
import { requireRole } from '../auth.ts'
import { bearerAuth, json, jsonBody, problems, router } from '../openapi.ts'
import { ApiError } from '../problems.ts'

const auctionRoute = createRoute({
  method: 'post',
  path: '/v1/markets/auction',
  tags: ['markets'],
  summary: 'Run a sealed-bid VCG auction for capacity bundles',
  description:
    'Each bidder submits XOR bids on bundles of resources; the winners maximise reported welfare under the ' +
    'supply (exact branch and bound within the exact limit, a value/sqrt(size) greedy with a proven `bound` ' +
    'beyond), and each winner pays its externality, W*(-i) - (W* - v_i). Ties go to the lowest bidder id. Runs ' +
    'within the `auction_steps` budget (docs/markets.md#vcg-auction-for-capacity).',
  security: [{}, ...bearerAuth],
  middleware: [requireRole('read')] as const,
  request: { body: jsonBody(AuctionRequest) },
  responses: {
    200: json(AuctionResult, 'the awards, payments and welfare'),
    ...problems(
      'validation_failed',
      'malformed_json',
      'payload_too_large',
      'unsupported_media_type',
      'unauthorized',
      'forbidden',
      'bad_request',
      'budget_exceeded',
    ),
  },
})

export const marketsAuction = router().openapi(auctionRoute, (c) => {
  const auction = c.req.valid('json')
  try {
    const r = runVcg(auction, auctionBudget())
    const won = new Map(r.awards.map((w) => [w.bidder, w.value - w.payment]))
    const utilities = auction.bids.map((b) => ({ bidder: b.bidder, utility: won.get(b.bidder) ?? 0 }))
    return c.json({ ...r, utilities }, 200)
  } catch (e) {
    if (e instanceof AuctionError)
      throw new ApiError('bad_request', e.message, { errors: [{ pointer: e.pointer, message: e.message }] })
    throw e
  }
})
