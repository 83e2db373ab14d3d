// Points, topologies and node ids: the shapes every geometric request shares.
import { z } from '@hono/zod-openapi'

/** Most nodes a request may carry; larger topologies are stored by name (PUT /v1/topologies/{name}). */
export const MAX_REQUEST_NODES = 10_000
export const MAX_REQUEST_EDGES = 100_000

export const Point = z
  .array(z.number())
  .min(2, 'points have 2 to 512 coordinates')
  .max(512, 'points have 2 to 512 coordinates')
  .openapi('Point', { description: 'Poincaré-ball coordinates, |x| < 1', example: [0.1, -0.2] })

export const NodeId = z.string().min(1).max(128)

export const NodeSpec = z
  .strictObject({
    id: NodeId,
    coords: Point,
    load: z.number().min(0).max(1e9).optional().describe('current load; gradient_flow avoids loaded nodes'),
    region: z.string().max(64).optional().describe('a label placement policies can prefer'),
  })
  .openapi('NodeSpec')

export const Edge = z
  .tuple([NodeId, NodeId])
  .openapi('Edge', { description: 'an undirected edge between two node ids' })

export const TopologySpec = z
  .strictObject({
    nodes: z
      .array(NodeSpec)
      .min(1)
      .max(
        MAX_REQUEST_NODES,
        `at most ${MAX_REQUEST_NODES} nodes per request; store larger topologies with PUT /v1/topologies/{name}`,
      ),
    edges: z
      .array(Edge)
      .max(MAX_REQUEST_EDGES)
      .optional()
      .describe('absent: no adjacency (k-nearest placement)'),
  })
  .openapi('TopologySpec')

export const TopologyName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    'topology names are 1-64 of a-z 0-9 . _ - (starting with a letter or digit)',
  )
  .openapi({ param: { name: 'name', in: 'path' }, example: 'edge-mesh' })

export type NodeSpec = z.infer<typeof NodeSpec>
export type TopologySpec = z.infer<typeof TopologySpec>
