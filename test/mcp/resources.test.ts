// MCP resources and prompts (META_PROMPT, kernels), the endpoint's HTTP edges, and its credentials.
import { createExecutionContext } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker'
import { describe, expect, it } from 'vitest'
import metaPrompt from '../../bootstrap/META_PROMPT.md?raw'
import { createApp } from '../../functions/http/app.ts'
import { createHolon, send, WRITE } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'
import { callTool, connect } from './support.ts'

describe('MCP resources and prompts', () => {
  it('serves META_PROMPT.md as it is in bootstrap/ (regenerate with npm run mcp:prompt)', async () => {
    const client = await connect()
    const { resources } = await client.listResources()
    expect(resources).toContainEqual(
      expect.objectContaining({ uri: 'omega://meta-prompt', mimeType: 'text/markdown' }),
    )
    const read = await client.readResource({ uri: 'omega://meta-prompt' })
    expect((read.contents[0] as { text: string }).text).toBe(metaPrompt)
    expect(metaPrompt).toContain('## 7. Wire the gate via MCP')
    await client.close()
  })

  it("serves each holon's kernel at omega://holons/{id}/kernel, and names unknown holons", async () => {
    const holon = await createHolon(contractKernel)
    const client = await connect()
    const { resourceTemplates } = await client.listResourceTemplates()
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['omega://holons/{id}/kernel'])
    const read = await client.readResource({ uri: `omega://holons/${holon}/kernel` })
    const doc = JSON.parse((read.contents[0] as { text: string }).text)
    expect(doc).toMatchObject({ holon, kernel_version: 1, kernel: { id: contractKernel.id } })
    expect(Object.keys(doc.kernel.invariants)).toEqual(Object.keys(contractKernel.invariants))
    await expect(client.readResource({ uri: 'omega://holons/nope-404/kernel' })).rejects.toThrow(
      /holon_not_found/,
    )
    await expect(client.readResource({ uri: 'omega://elsewhere' })).rejects.toThrow(/no resource/)
    await client.close()
  })

  it('offers the META_PROMPT as a prompt bound to a holon', async () => {
    const client = await connect()
    const { prompts } = await client.listPrompts()
    expect(prompts.map((p) => p.name)).toEqual(['act_through_holon'])
    const p = await client.getPrompt({ name: 'act_through_holon', arguments: { holon: 'city-tax' } })
    const text = (p.messages[0] as { content: { text: string } }).content.text
    expect(text.startsWith(metaPrompt)).toBe(true)
    expect(text).toContain('omega://holons/city-tax/kernel')
    await expect(
      client.getPrompt({ name: 'act_through_holon', arguments: { holon: 'Bad Id' } }),
    ).rejects.toThrow()
    await client.close()
  })
})

describe('MCP endpoint over HTTP', () => {
  it('answers GET and DELETE with 405 naming POST, and refuses a bad token with 401 like the REST API', async () => {
    for (const method of ['GET', 'DELETE']) {
      const r = await send(method, '/mcp')
      expect(r.status).toBe(405)
      expect(r.headers.get('allow')).toBe('POST')
    }
    const bad = await send('POST', '/mcp', { type: 'application/json', body: '{}', token: 'wrong' })
    expect(bad.status).toBe(401)
    expect(bad.headers.get('www-authenticate')).toBe('Bearer realm="omega"')
  })

  it('answers one plain JSON-RPC POST without a session, as the README curl line sends it', async () => {
    const holon = await createHolon(contractKernel)
    const res = await exports.default.fetch('https://omega.test/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'get_state', arguments: { holon } },
      }),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await res.json()) as {
      id: number
      result: { structuredContent: { holon: string; torsion: number } }
    }
    expect(body.id).toBe(1)
    expect(body.result.structuredContent).toMatchObject({ holon, torsion: 0 })
  })

  it('refuses a body above OMEGA_MAX_BODY_BYTES with 413', async () => {
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'ping',
      params: { pad: 'x'.repeat(1 << 20) },
    })
    const r = await send('POST', '/mcp', { type: 'application/json', body: big })
    expect(r.status).toBe(413)
  })

  it('needs the read token for everything once OMEGA_READ_TOKEN is set; commit still needs write', async () => {
    const app = createApp()
    const guarded = { ...env, OMEGA_READ_TOKEN: 'test-read-token' }
    const connectTo = async (token?: string) => {
      const client = new Client(
        { name: 't', version: '0' },
        { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() },
      )
      await client.connect(
        new StreamableHTTPClientTransport(new URL('https://omega.test/mcp'), {
          fetch: async (url, init) => app.request(String(url), init, guarded, createExecutionContext()),
          ...(token && { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
        }),
      )
      return client
    }
    await expect(connectTo()).rejects.toThrow(/401/)
    const holon = await createHolon(contractKernel)
    const reader = await connectTo('test-read-token')
    expect((await callTool(reader, 'get_state', { holon })).structuredContent).toMatchObject({
      holon,
      events: 0,
    })
    const refused = await callTool(reader, 'commit', { holon, event: { id: 'x' } })
    expect(refused.structuredContent).toMatchObject({ type: '/problems/forbidden', status: 403 })
    await reader.close()
    const writer = await connectTo(WRITE)
    const event = { id: 'w1', contributed: 100, returned: 98, trace_id: 't-w1' }
    const done = await callTool(writer, 'commit', { holon, event })
    expect(done.structuredContent).toMatchObject({ committed: 1 })
    await writer.close()
  })
})
