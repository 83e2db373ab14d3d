// /mcp: the gate for AI agents over the Model Context Protocol (Streamable HTTP, stateless: a server per request).
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { Hono } from 'hono'
import { createMcpServer } from '../../mcp/server.ts'
import { requireRole } from '../auth.ts'
import { bodyLimit } from '../middleware/index.ts'
import type { AppEnv } from '../openapi.ts'
import { ApiError, problemResponse } from '../problems.ts'

export const mcp = new Hono<AppEnv>()
  // The same credentials as the REST API: reads (and so the endpoint) are open unless OMEGA_READ_TOKEN is set;
  // the commit tool checks for write, an override for admin, from the role found here.
  .post('/mcp', requireRole('read'), bodyLimit, async (c) => {
    const server = createMcpServer({ env: c.env, role: c.get('role'), who: c.get('who') })
    // No sessions and JSON answers: every POST carries its whole exchange, as a stateless worker needs.
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    })
    await server.connect(transport)
    const response = await transport.handleRequest(c.req.raw)
    // JSON answers are complete once handleRequest returns: closing now drops nothing.
    await server.close()
    return response
  })
  // No server-initiated stream (GET) and no session to end (DELETE): 405, which clients take as "POST only".
  .on(['GET', 'DELETE'], '/mcp', (c) => {
    const res = problemResponse(
      c,
      new ApiError('method_not_allowed', 'the MCP endpoint is stateless: send JSON-RPC with POST'),
    )
    res.headers.set('allow', 'POST')
    return res
  })
