// /v1/markets/auction: sealed XOR bids for capacity bundles and the VCG outcome (docs/markets.md#vcg-auction-for-capacity).
import { z } from '@hono/zod-openapi'

/** Size bounds: at most 200 bidders, 8 bundles each, 16 resources per bundle or supply. */
export const AUCTION_MAX = { bidders: 200, bundles: 8, resources: 16 } as const

const ResourceName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'a resource name: letters, digits, _ . : - (not starting with _)')
const Quantity = z.number().min(0).max(1e12)
const Resources = z
  .record(ResourceName, Quantity)
  .refine((r) => Object.keys(r).length <= AUCTION_MAX.resources, {
    message: `at most ${AUCTION_MAX.resources} resources`,
  })
  .openapi('AuctionResources', {
    description: 'quantities by resource (cpu, memory, region:eu, ...: any names); a missing resource is 0',
    example: { cpu: 4, memory: 16, 'region:eu': 1 },
  })

export const AuctionBid = z
  .strictObject({
    bidder: z.string().min(1).max(128).describe('the tenant bidding; ties among optima go to the lowest id'),
    bundles: z
      .array(
        z.strictObject({
          bundle: Resources,
          value: z.number().min(0).max(1e12).describe('what winning this bundle is worth to the bidder'),
        }),
      )
      .max(AUCTION_MAX.bundles)
      .describe('XOR bid: at most one of these bundles wins'),
  })
  .openapi('AuctionBid')

export const AuctionRequest = z
  .strictObject({
    supply: Resources.describe('the capacity for sale'),
    bids: z.array(AuctionBid).max(AUCTION_MAX.bidders),
    method: z
      .enum(['auto', 'exact', 'greedy'])
      .optional()
      .describe(
        "'auto' (default): exact within the exact limit, greedy beyond; 'exact': refuse (422) rather than approximate",
      ),
  })
  .superRefine((a, ctx) => {
    const seen = new Set<string>()
    a.bids.forEach((b, i) => {
      if (seen.has(b.bidder))
        ctx.addIssue({
          code: 'custom',
          path: ['bids', i, 'bidder'],
          message: `bidder ${b.bidder} bids twice`,
        })
      seen.add(b.bidder)
    })
  })
  .openapi('AuctionRequest')

export const AuctionResult = z
  .strictObject({
    awards: z
      .array(
        z.strictObject({
          bidder: z.string(),
          bundle_index: z.number().int().min(0),
          bundle: Resources,
          value: z.number(),
          payment: z.number().min(0).describe('Clarke pivot: W*(-i) - (W* - v_i)'),
        }),
      )
      .describe('winners only, in the order of bids'),
    utilities: z
      .array(z.strictObject({ bidder: z.string(), utility: z.number() }))
      .describe('per bid: reported value won minus payment (0 for losers)'),
    welfare: z.number().describe("sum of the winners' reported values"),
    method: z.enum(['exact', 'greedy']),
    bound: z
      .number()
      .min(1)
      .optional()
      .describe(
        "for 'greedy': welfare >= optimum / bound (payments over a greedy allocation are not truthful)",
      ),
    payments_total: z.number(),
    steps: z.number().int().min(0).describe('auction_steps spent'),
  })
  .openapi('AuctionResult')
