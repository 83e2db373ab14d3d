// /v1/markets/equilibrium: a congestion game (inline graph or a stored topology) and its best-response equilibrium.
import { z } from '@hono/zod-openapi'
import { NodeId, TopologyName } from './geometry.ts'

export const MAX_GAME_NODES = 2000
export const MAX_GAME_EDGES = 10_000
export const MAX_GAME_AGENTS = 1000

const Latency = {
  free: z
    .number()
    .min(0)
    .max(1e9)
    .optional()
    .describe('BPR free-flow latency (default 1; stored: hyperbolic length)'),
  capacity: z.number().gt(0).max(1e12).optional().describe('BPR capacity (default 1)'),
  alpha: z.number().min(0).max(1e6).optional().describe('BPR alpha (default 0.15)'),
  beta: z.number().gt(0).max(16).optional().describe('BPR beta (default 4)'),
}

export const EquilibriumEdge = z
  .strictObject({
    from: NodeId,
    to: NodeId,
    ...Latency,
    a: z.number().min(0).max(1e9).optional().describe('polynomial latency a + b x^power instead of BPR'),
    b: z.number().min(0).max(1e9).optional(),
    power: z.number().gt(0).max(16).optional().describe('default 1 (linear)'),
  })
  .superRefine((e, ctx) => {
    const poly = e.a !== undefined || e.b !== undefined || e.power !== undefined
    const bpr =
      e.free !== undefined || e.capacity !== undefined || e.alpha !== undefined || e.beta !== undefined
    if (poly && (e.a === undefined || e.b === undefined))
      ctx.addIssue({ code: 'custom', message: 'a polynomial latency needs both a and b' })
    if (poly && bpr)
      ctx.addIssue({ code: 'custom', message: 'give either BPR (free, capacity, alpha, beta) or a, b' })
  })
  .openapi('EquilibriumEdge', {
    description: 'latency(x) = free (1 + alpha (x / capacity)^beta) (BPR), or a + b x^power',
  })

export const EdgeDefaults = z
  .strictObject(Latency)
  .openapi('EquilibriumEdgeDefaults', { description: 'BPR parameters for edges that do not set them' })

export const EquilibriumAgent = z
  .strictObject({
    id: z.string().min(1).max(128),
    from: NodeId,
    to: NodeId,
    demand: z.number().gt(0).max(1e6).optional().describe('weight on every edge of its path (default 1)'),
  })
  .openapi('EquilibriumAgent')

export const EquilibriumRequest = z
  .strictObject({
    nodes: z.array(NodeId).min(1).max(MAX_GAME_NODES).optional().describe('inline graph: node ids'),
    edges: z.array(EquilibriumEdge).max(MAX_GAME_EDGES).optional().describe('inline graph: edges'),
    directed: z.boolean().optional().describe('inline graph: default true; a stored topology is undirected'),
    topology: TopologyName.optional().describe(
      'or the name of a stored topology (instead of nodes and edges)',
    ),
    edge_defaults: EdgeDefaults.optional(),
    agents: z.array(EquilibriumAgent).min(1).max(MAX_GAME_AGENTS),
    max_rounds: z.number().int().min(0).max(10_000).optional().describe('default 100'),
    epsilon: z
      .number()
      .min(0)
      .max(1e9)
      .optional()
      .describe('smallest improvement that moves an agent (1e-9)'),
    start: z.enum(['sequential', 'free_flow']).optional().describe('starting profile (default sequential)'),
    optimum: z.boolean().optional().describe('also compute the social optimum and the PoA (default true)'),
  })
  .superRefine((b, ctx) => {
    const inline = b.nodes !== undefined || b.edges !== undefined
    if (inline === (b.topology !== undefined))
      ctx.addIssue({ code: 'custom', message: 'give either nodes and edges, or a stored topology name' })
    if (b.topology !== undefined && b.directed !== undefined)
      ctx.addIssue({ code: 'custom', message: 'a stored topology is undirected', path: ['directed'] })
    const ids = new Set<string>()
    b.agents.forEach((a, i) => {
      if (ids.has(a.id))
        ctx.addIssue({ code: 'custom', message: 'duplicate agent id', path: ['agents', i, 'id'] })
      ids.add(a.id)
    })
  })
  .openapi('EquilibriumRequest')

export const EquilibriumResult = z
  .object({
    paths: z.array(
      z.object({
        agent: z.string(),
        nodes: z.array(z.string()).describe('the path, origin to destination'),
        edges: z.array(z.number().int()).describe('inline: indexes into the request edges'),
        demand: z.number(),
        cost: z.number().describe('path latency at the equilibrium loads'),
      }),
    ),
    loads: z
      .array(z.object({ from: z.string(), to: z.string(), load: z.number(), latency: z.number() }))
      .describe('every edge that carries load'),
    social_cost: z.number().describe('sum over agents of demand * path latency'),
    epsilon: z.number().describe('largest gain any agent could still get by switching alone'),
    rounds: z.number().int(),
    converged: z.boolean().describe('a full round without an improving move (an epsilon-Nash equilibrium)'),
    optimum: z
      .object({
        social_cost: z.number(),
        method: z.enum(['exact', 'local']).describe('local: an upper bound on the optimum'),
      })
      .optional(),
    price_of_anarchy: z
      .number()
      .optional()
      .describe('social_cost / optimum; with a local optimum, a lower bound'),
    steps: z.number().int().describe('equilibrium_steps spent'),
  })
  .openapi('EquilibriumResult')

export type EquilibriumRequest = z.infer<typeof EquilibriumRequest>
export type EquilibriumResult = z.infer<typeof EquilibriumResult>
export type EdgeDefaults = z.infer<typeof EdgeDefaults>
export type EquilibriumEdge = z.infer<typeof EquilibriumEdge>
export type EquilibriumAgent = z.infer<typeof EquilibriumAgent>
