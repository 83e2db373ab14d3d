// The MCP SDK's own client, connected to the worker (its fetch handler inside workerd) over Streamable HTTP.

import { exports } from 'cloudflare:workers'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker'

export async function connect(token?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('https://omega.test/mcp'), {
    fetch: (url, init) => exports.default.fetch(url, init),
    ...(token && { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
  })
  const client = new Client(
    { name: 'omega-test', version: '0.0.0' },
    { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() },
  )
  await client.connect(transport)
  return client
}

export interface ToolAnswer {
  isError?: boolean
  content: { type: string; text: string }[]
  structuredContent?: any
}

export const callTool = async (client: Client, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as ToolAnswer
