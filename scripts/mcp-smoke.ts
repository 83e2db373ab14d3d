// Starts the worker (wrangler's unstable_startWorker), connects the MCP SDK's stock client over real HTTP, walks the
// gate tools once and times them; then times the refusal explainer alone. `npm run mcp:smoke` (docs/mcp.md).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { unstable_startWorker } from 'wrangler'
import { StepBudget } from '../functions/budget/index.ts'
import {
  compileKernel,
  EXPRESSION_CPU_MS,
  EXPRESSION_STEPS,
  initialAggregates,
  NS_PER_STEP,
  step,
} from '../functions/kernel/index.ts'
import { explainEvent, MAX_FIELDS } from '../functions/mcp/explain.ts'
import { KernelSpec } from '../schemas/kernel.ts'

const args = process.argv.slice(2)
if (args.includes('--help') || args.includes('-h')) {
  console.log(
    'usage: npm run mcp:smoke [-- --port N]\n  starts the worker on 127.0.0.1:N (default 8799) and drives /mcp',
  )
  process.exit(0)
}
const portAt = args.indexOf('--port')
const port = portAt >= 0 ? Number(args[portAt + 1]) : 8799
if (
  !Number.isInteger(port) ||
  port < 1 ||
  port > 65535 ||
  args.some((a, i) => a.startsWith('-') && a !== '--port' && i !== portAt)
) {
  console.error('mcp:smoke: usage: npm run mcp:smoke [-- --port N]')
  process.exit(2)
}

const ADMIN = 'smoke-admin-token'
const WRITE = 'smoke-write-token'
const kernel = {
  id: 'spend-cap',
  aggregates: { total: { fold: 'sum', expr: 'double(event.amount)', empty: 0 } },
  invariants: { budget: { score: '1.0 - agg.total / 200.0', threshold: 0.5 } },
}

const ms = (since: number) => `${(performance.now() - since).toFixed(1)} ms`
let t0 = 0
const dir = mkdtempSync(join(tmpdir(), 'omega-mcp-'))
const worker = await unstable_startWorker({
  config: 'wrangler.toml',
  dev: { server: { hostname: '127.0.0.1', port }, inspector: false, persist: dir, logLevel: 'none' },
  bindings: {
    OMEGA_ADMIN_TOKEN: { type: 'plain_text', value: ADMIN },
    OMEGA_WRITE_TOKEN: { type: 'plain_text', value: WRITE },
  },
} as never)
try {
  await worker.ready
  const base = `http://127.0.0.1:${port}`
  const put = await fetch(`${base}/v1/holons/smoke`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ kernel }),
  })
  console.log(`PUT /v1/holons/smoke: ${put.status}`)
  const client = new Client({ name: 'mcp-smoke', version: '0.0.0' })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${WRITE}` } },
    }),
  )
  t0 = performance.now()
  const { tools } = await client.listTools()
  console.log(`tools/list: ${tools.map((t) => t.name).join(', ')} (${ms(t0)})`)
  const call = async (name: string, a: Record<string, unknown>) => {
    t0 = performance.now()
    const r = (await client.callTool({ name, arguments: a })) as {
      isError?: boolean
      content: { text: string }[]
    }
    console.log(
      `${name}: ${r.isError ? 'tool error' : 'ok'} (${ms(t0)}): ${r.content[0]?.text.split('\n')[0]?.slice(0, 110)}`,
    )
    return r
  }
  await call('commit', { holon: 'smoke', event: { id: 'e1', amount: 60 } })
  await call('evaluate', { holon: 'smoke', event: { id: 'e2', amount: 70 } })
  await call('explain_refusal', { holon: 'smoke', event: { id: 'e2', amount: 70 } })
  await call('get_state', { holon: 'smoke' })
  await client.close()
} finally {
  await worker.dispose()
  rmSync(dir, { recursive: true, force: true })
}

// The explainer alone, at its field limit: a spend kernel and an event with MAX_FIELDS numeric fields.
const k = compileKernel(KernelSpec.parse(kernel))
const states = step(k, initialAggregates(k), { id: 'h', amount: 60 }).states
const event: Record<string, unknown> = { id: 'e', amount: 70 }
for (let i = 1; i < MAX_FIELDS; i++) event[`f${i}`] = i
const runs = 20
const budget = () => new StepBudget('expression_steps', EXPRESSION_STEPS, EXPRESSION_CPU_MS)
explainEvent(k, states, event, { budget: budget() }) // warm-up
let spent = 0
t0 = performance.now()
for (let i = 0; i < runs; i++) {
  const b = budget()
  explainEvent(k, states, event, { budget: b })
  spent = b.spent
}
const each = (performance.now() - t0) / runs
console.log(
  `explainEvent, ${MAX_FIELDS} numeric fields: ${each.toFixed(2)} ms each, ${spent} steps ` +
    `(${((each * 1e6) / spent).toFixed(0)} ns/step; the budget assumes ${NS_PER_STEP}; ${EXPRESSION_STEPS} steps max)`,
)
