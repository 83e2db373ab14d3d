// /v1/markets/shapley: a cost game as data (pool, airport or table) and its Shapley cost shares.
import { z } from '@hono/zod-openapi'

/** Sizes: exact enumeration to 20 players, sampling to 10,000, explicit tables to 16 (65,536 costs). */
export const SHAPLEY_MAX_PLAYERS = 10_000
const TABLE_MAX_PLAYERS = 16
const MAX_SAMPLES = 100_000

const PlayerId = z.string().min(1).max(128)
const Amount = z.number().min(0).max(1e12)

/** Ids name shares in the result, so two players may not share one. */
const uniqueIds = (ids: readonly string[], ctx: z.RefinementCtx, at: (i: number) => PropertyKey[]) => {
  const seen = new Set<string>()
  for (const [i, id] of ids.entries()) {
    if (seen.has(id)) ctx.addIssue({ code: 'custom', path: at(i), message: `player '${id}' occurs twice` })
    seen.add(id)
  }
}

export const PoolGame = z
  .strictObject({
    kind: z.literal('pool'),
    players: z
      .array(z.strictObject({ id: PlayerId, demand: Amount.describe('units of load, e.g. vCPU') }))
      .min(1)
      .max(SHAPLEY_MAX_PLAYERS),
    unit_capacity: z.number().gt(0).max(1e12).describe('load one unit (node) of the pool carries'),
    unit_cost: Amount.describe('cost of one unit (node) for the period'),
    fixed: Amount.optional().describe('cost of running the pool at all (any nonempty coalition)'),
  })
  .superRefine((g, ctx) =>
    uniqueIds(
      g.players.map((p) => p.id),
      ctx,
      (i) => ['players', i, 'id'],
    ),
  )
  .openapi('ShapleyPoolGame', {
    description:
      'A shared node pool: cost(S) = fixed + unit_cost * ceil(sum of demands in S / unit_capacity) for nonempty S, ' +
      '0 for the empty set (a load within 1e-9 units of a boundary fits below it).',
  })

export const AirportGame = z
  .strictObject({
    kind: z.literal('airport'),
    players: z
      .array(z.strictObject({ id: PlayerId, need: Amount.describe('size of the shared facility it needs') }))
      .min(1)
      .max(SHAPLEY_MAX_PLAYERS),
  })
  .superRefine((g, ctx) =>
    uniqueIds(
      g.players.map((p) => p.id),
      ctx,
      (i) => ['players', i, 'id'],
    ),
  )
  .openapi('ShapleyAirportGame', {
    description:
      'cost(S) = the largest need in S (Littlechild & Owen 1973): one runway long enough for all of S.',
  })

export const TableGame = z
  .strictObject({
    kind: z.literal('table'),
    players: z.array(PlayerId).min(1).max(TABLE_MAX_PLAYERS),
    costs: z
      .array(z.number().min(-1e12).max(1e12))
      .max(2 ** TABLE_MAX_PLAYERS)
      .describe('costs[mask]: the cost of the coalition whose members are the set bits (player i is bit i)'),
  })
  .superRefine((g, ctx) => {
    uniqueIds(g.players, ctx, (i) => ['players', i])
    if (g.costs.length !== 2 ** g.players.length)
      ctx.addIssue({
        code: 'custom',
        path: ['costs'],
        message: `${g.players.length} players need 2^${g.players.length} = ${2 ** g.players.length} costs`,
      })
    else if (g.costs[0] !== 0)
      ctx.addIssue({ code: 'custom', path: ['costs', 0], message: 'the empty coalition costs 0' })
  })
  .openapi('ShapleyTableGame', { description: 'Any cost function, as the cost of every coalition.' })

export const CostGame = z
  .discriminatedUnion('kind', [PoolGame, AirportGame, TableGame])
  .openapi('CostGame', { description: 'A cost game given as data, so the shares can be recomputed offline.' })

export const ShapleyRequest = z
  .strictObject({
    game: CostGame,
    samples: z
      .number()
      .int()
      .min(2)
      .max(MAX_SAMPLES)
      .optional()
      .describe('permutations sampled when the game is too large to enumerate (default 1,000)'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional()
      .describe('seed of the sampler (mulberry32); the result names it'),
    exact_max: z
      .number()
      .int()
      .min(0)
      .max(20)
      .optional()
      .describe('enumerate exactly up to this many players (default and most 20), sample above'),
  })
  .openapi('ShapleyRequest')

export const ShapleyResult = z
  .strictObject({
    shares: z
      .array(
        z.strictObject({
          player: z.string(),
          share: z.number(),
          ci95: z
            .tuple([z.number(), z.number()])
            .optional()
            .describe('sampled only: mean +- 1.96 standard errors (normal approximation)'),
        }),
      )
      .describe('in player order'),
    total: z.number().describe('cost of the grand coalition; the shares sum to it (up to rounding)'),
    method: z.enum(['exact', 'sampled']),
    samples: z.number().int().optional(),
    seed: z.number().int().optional(),
    steps: z.number().int().describe('work done, in shapley_steps'),
  })
  .openapi('ShapleyResult')
