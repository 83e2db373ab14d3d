// The MCP server: the gate's tools, the META_PROMPT and each holon's kernel as resources, a prompt to use them.
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js'
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker'
import { toJSONSchema } from 'zod'
import { HolonId } from '../../schemas/holon.ts'
import { existingHolon, listHolons } from '../http/directory-client.ts'
import { unwrap } from '../http/holon-client.ts'
import { ApiError } from '../http/problems.ts'
import { VERSION } from '../http/routes/docs.ts'
import { META_PROMPT } from './meta-prompt.ts'
import { apiErrorOf, problemOf } from './problem.ts'
import { TOOLS, type Tool, type ToolContext } from './tools.ts'

const META_URI = 'omega://meta-prompt'
const KERNEL_URI = /^omega:\/\/holons\/([^/]+)\/kernel$/
/** Kernels listed by resources/list: the first page of the directory (resources/templates/list covers the rest). */
const LISTED_KERNELS = 100

type Listed = {
  name: string
  title: string
  description: string
  inputSchema: { type: 'object' } & Record<string, unknown>
  annotations: Tool['annotations']
}

/** Tool listings, converted from the zod schemas once per isolate (the server itself is made per request). */
let listing: Listed[] | undefined
function toolListing(): Listed[] {
  listing ??= TOOLS.map((t) => {
    const { $schema: _, ...schema } = toJSONSchema(t.input, { io: 'input', unrepresentable: 'any' })
    return {
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: { ...schema, type: 'object' },
      annotations: t.annotations,
    }
  })
  return listing
}

const text = (value: unknown) => JSON.stringify(value, null, 2)

/**
 * Runs a tool: its answer as structured content (and JSON text), or the REST API's problem document for the
 * same refusal as a tool error (isError, title and detail first). A fault that is no refusal is logged and
 * answered as `internal`, never thrown at the transport.
 */
export async function callTool(name: string, args: unknown, ctx: ToolContext): Promise<CallToolResult> {
  const t = TOOLS.find((x) => x.name === name)
  if (!t) throw new McpError(ErrorCode.InvalidParams, `no tool '${name}'; tools/list names them`)
  try {
    const value = (await t.run(args, ctx)) as Record<string, unknown>
    const content: CallToolResult['content'] = []
    if (Array.isArray(value.summary)) content.push({ type: 'text', text: value.summary.join('\n') })
    content.push({ type: 'text', text: text(value) })
    return { content, structuredContent: value }
  } catch (err) {
    const api = apiErrorOf(err)
    if (!api) console.error('mcp tool fault', name, err)
    const fault = new ApiError('internal', 'an unexpected error occurred; it has been logged')
    const problem = problemOf(api ?? fault, `mcp:tools/${name}`)
    return {
      isError: true,
      content: [
        { type: 'text', text: `${problem.title}: ${problem.detail}` },
        { type: 'text', text: text(problem) },
      ],
      structuredContent: problem,
    }
  }
}

async function readKernel(ctx: ToolContext, id: string) {
  if (!HolonId.safeParse(id).success) throw new McpError(ErrorCode.InvalidParams, `'${id}' is not a holon id`)
  try {
    return unwrap(id, await (await existingHolon(ctx.env, id, ctx.who)).info())
  } catch (err) {
    const api = apiErrorOf(err)
    if (!api) throw err
    throw new McpError(
      ErrorCode.InvalidParams,
      `${api.code}: ${api.detail}`,
      problemOf(api, `omega://holons/${id}/kernel`),
    )
  }
}

/** A fresh server for one request (stateless Streamable HTTP): `ctx` carries this request's credential. */
export function createMcpServer(ctx: ToolContext): Server {
  const server = new Server(
    { name: 'omega', title: 'Omega gate', version: VERSION },
    {
      capabilities: { tools: {}, resources: {}, prompts: {} },
      instructions:
        "Omega gates actions against a holon's kernel of invariants. Read omega://meta-prompt first. Before acting: " +
        'get_state, then evaluate the action as an event; act only on admit / admit_improving, then commit the same ' +
        'event. explain_refusal says what would make a refused event admissible. Never override on your own.',
      // The default validator (Ajv) compiles code at run time, which workerd forbids.
      jsonSchemaValidator: new CfWorkerJsonSchemaValidator(),
    },
  )
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: toolListing() }))
  server.setRequestHandler(CallToolRequestSchema, (req) =>
    callTool(req.params.name, req.params.arguments, ctx),
  )

  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    const page = await listHolons(ctx.env, ctx.who, { limit: LISTED_KERNELS })
    return {
      resources: [
        {
          uri: META_URI,
          name: 'META_PROMPT',
          title: 'How an AI agent acts through an Omega holon',
          mimeType: 'text/markdown',
        },
        ...page.holons.map((h) => ({
          uri: `omega://holons/${h.id}/kernel`,
          name: `${h.id} kernel`,
          mimeType: 'application/json',
        })),
      ],
    }
  })
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [
      {
        uriTemplate: 'omega://holons/{id}/kernel',
        name: 'holon kernel',
        title: "A holon's kernel: invariants, thresholds, weights, aggregates and gate policy",
        mimeType: 'application/json',
      },
    ],
  }))
  server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
    const uri = req.params.uri
    if (uri === META_URI) return { contents: [{ uri, mimeType: 'text/markdown', text: META_PROMPT }] }
    const m = KERNEL_URI.exec(uri)
    if (!m) throw new McpError(ErrorCode.InvalidParams, `no resource '${uri}'`)
    const info = await readKernel(ctx, decodeURIComponent(m[1] as string))
    const doc = {
      holon: info.id,
      kernel_version: info.kernel_version,
      kernel_digest: info.kernel_digest,
      kernel: info.kernel,
    }
    return { contents: [{ uri, mimeType: 'application/json', text: text(doc) }] }
  })

  server.setRequestHandler(ListPromptsRequestSchema, () => ({
    prompts: [
      {
        name: 'act_through_holon',
        title: 'Act through an Omega holon',
        description: 'The META_PROMPT with the holon to act on: read the kernel, evaluate, commit, report.',
        arguments: [{ name: 'holon', description: 'the holon id', required: true }],
      },
    ],
  }))
  server.setRequestHandler(GetPromptRequestSchema, (req) => {
    if (req.params.name !== 'act_through_holon')
      throw new McpError(ErrorCode.InvalidParams, `no prompt '${req.params.name}'`)
    const holon = req.params.arguments?.holon ?? ''
    if (!HolonId.safeParse(holon).success)
      throw new McpError(ErrorCode.InvalidParams, 'argument `holon` must be a holon id')
    return {
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: `${META_PROMPT}\n\nThe holon is \`${holon}\`: its kernel is the resource omega://holons/${holon}/kernel. Use the tools get_state, evaluate, commit and explain_refusal.`,
          },
        },
      ],
    }
  })
  return server
}
