// `npm start`: local credentials on first run, `wrangler dev` (workerd + local SQLite Durable Objects),
// then the example holons from bootstrap/holons loaded over HTTP, and the URLs to try.
import { randomBytes } from 'node:crypto'
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs'
import { type CommandSpec, command, fail, intFlag } from '../scripts/cli.ts'
import { root, startDev } from './dev-server.ts'
import { completeDevVars, ORIGIN_VAR, parseDevVars } from './dev-vars.ts'
import { type Call, loadHolon } from './load.ts'
import { loadTemplate, type Template } from './template.ts'

export const spec: CommandSpec = {
  name: 'npm start --',
  summary:
    'Runs the worker locally (wrangler dev: workerd, local SQLite Durable Objects), writing credentials to .dev.vars on first run, then creates the example holons of bootstrap/holons that do not exist yet.',
  flags: {
    port: { type: 'string', value: '1..65535', help: 'the port to listen on (default $PORT, else 8787)' },
    'no-load': { type: 'boolean', help: 'do not create the example holons' },
  },
  env: {
    PORT: 'the port when --port is not given',
  },
  examples: ['npm start', 'npm start -- --port 8788 --no-load'],
  secrets: 'the tokens are read from .dev.vars (generated on first run, git-ignored)',
}

const { values } = command(spec)
let port = 8787
try {
  // an empty PORT counts as unset; an empty --port is an error
  port = intFlag(
    values.port ?? (process.env.PORT || undefined),
    values.port === undefined ? 'port (from $PORT)' : 'port',
    {
      min: 1,
      max: 65_535,
      fallback: 8787,
    },
  )
} catch (e) {
  fail(spec, e)
}

/** Reads .dev.vars (git-ignored), creating it or adding what it lacks: tokens and this installation's origin. */
function devVars(): Record<string, string> {
  const file = `${root}.dev.vars`
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : undefined
  const random = (n: number) => randomBytes(n).toString('base64url')
  const { append, generated } = completeDevVars(existing, random)
  if (append) {
    appendFileSync(file, append, { mode: 0o600 })
    console.log(`Generated ${generated.join(', ')} in .dev.vars`)
  }
  const vars = parseDevVars(readFileSync(file, 'utf8'))
  if (generated.includes(ORIGIN_VAR))
    console.log(`This installation's ledger origin: ${vars[ORIGIN_VAR]} (holons created earlier keep theirs)`)
  return vars
}

const http =
  (base: string): Call =>
  async (method, path, body, token) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(token && { authorization: `Bearer ${token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  }

async function load(base: string, t: Template, vars: Record<string, string>): Promise<void> {
  await loadHolon(
    http(base),
    t,
    { admin: vars.OMEGA_ADMIN_TOKEN, write: vars.OMEGA_WRITE_TOKEN },
    console.log,
  )
}

function banner(base: string, templates: Template[], vars: Record<string, string>): void {
  const [first] = templates
  const lines = [
    '',
    `Omega is running on ${base}`,
    `  API reference   ${base}/docs`,
    `  OpenAPI         ${base}/openapi.json`,
    ...templates.map((t) => `  ${t.holon.padEnd(15)} ${base}/v1/holons/${t.holon}/state`),
    '',
    `Write token (OMEGA_WRITE_TOKEN): ${vars.OMEGA_WRITE_TOKEN}`,
    `Admin token (OMEGA_ADMIN_TOKEN): ${vars.OMEGA_ADMIN_TOKEN}`,
    `Bridge token (OMEGA_BRIDGE_TOKEN, for the p2p node): ${vars.OMEGA_BRIDGE_TOKEN ?? '(none: add one to .dev.vars)'}`,
    vars.OMEGA_JWT_KEYS
      ? 'Tenant credentials: on (npm run token -- --tenant ID); stored resources are read with a credential only'
      : 'Tenant credentials: off (npm run token -- --init, then restart, turns them on: docs/tenancy.md)',
  ]
  if (first) {
    const rejected = first.try.find((x) => x.expect !== 'admit') ?? first.try[0]
    const auth = vars.OMEGA_JWT_KEYS
      ? ` -H "authorization: Bearer $(npm run -s token -- --tenant default)"`
      : ''
    lines.push(
      '',
      'Try:',
      // With tenant keys configured, stored resources are not readable anonymously (docs/tenancy.md).
      `  curl -s ${base}/v1/holons/${first.holon}/state${auth}`,
      `  curl -s -X POST ${base}/v1/holons/${first.holon}/evaluate -H 'content-type: application/json'${auth} \\`,
      `    -d '${JSON.stringify({ event: rejected?.event })}'`,
    )
  }
  console.log(lines.join('\n'))
}

const vars = devVars()
let server: Awaited<ReturnType<typeof startDev>>
try {
  server = await startDev({ port })
} catch (e) {
  fail(spec, e)
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => server.stop())
server.child.on('exit', (code) => process.exit(code ?? 0))

const dir = `${root}bootstrap/holons/`
const templates = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => loadTemplate(JSON.parse(readFileSync(dir + f, 'utf8'))))
try {
  if (!values['no-load']) {
    console.log('Loading example holons from bootstrap/holons:')
    for (const t of templates) await load(server.base, t, vars)
  }
  banner(server.base, templates, vars)
} catch (e) {
  console.error(`npm start: ${(e as Error).message}`)
  server.stop()
  process.exitCode = 1
}
