// `npm start`: local credentials on first run, `wrangler dev` (workerd + local SQLite Durable Objects),
// then the example holons from bootstrap/holons loaded over HTTP, and the URLs to try.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadTemplate, type Template } from './template.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const { values } = parseArgs({
  options: { port: { type: 'string', default: process.env.PORT ?? '8787' }, 'no-load': { type: 'boolean' } },
})
const port = Number(values.port)
const base = `http://127.0.0.1:${port}`

/** Reads .dev.vars, creating it with fresh random tokens when missing (it is git-ignored). */
function devVars(): Record<string, string> {
  const file = `${root}.dev.vars`
  if (!existsSync(file)) {
    const token = () => randomBytes(24).toString('base64url')
    const text = [
      '# Local secrets written by `npm start`; never commit. Production: `wrangler secret put NAME`.',
      `OMEGA_WRITE_TOKEN=${token()}`,
      `OMEGA_ADMIN_TOKEN=${token()}`,
      'OMEGA_READ_TOKEN=',
      '',
    ].join('\n')
    writeFileSync(file, text, { mode: 0o600 })
    console.log('Generated local credentials in .dev.vars')
  }
  const vars: Record<string, string> = {}
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (m) vars[m[1] as string] = m[2] as string
  }
  return vars
}

async function waitReady(child: ReturnType<typeof spawn>): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`)
    try {
      if ((await fetch(`${base}/`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`the worker did not answer on ${base} within 2 minutes`)
}

async function load(t: Template, vars: Record<string, string>): Promise<void> {
  const call = async (method: string, path: string, body: unknown, token: string | undefined) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
    return res
  }
  await call('PUT', `/v1/holons/${t.holon}`, { kernel: t.kernel }, vars.OMEGA_ADMIN_TOKEN)
  await call('POST', `/v1/holons/${t.holon}/events`, { events: t.seed }, vars.OMEGA_WRITE_TOKEN)
  console.log(
    `  loaded ${t.holon}: ${Object.keys(t.kernel.invariants).length} invariants, ${t.seed.length} events`,
  )
}

function banner(templates: Template[], vars: Record<string, string>): void {
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
  ]
  if (first) {
    const rejected = first.try.find((x) => x.expect !== 'admit') ?? first.try[0]
    lines.push(
      '',
      'Try:',
      `  curl -s ${base}/v1/holons/${first.holon}/state`,
      `  curl -s -X POST ${base}/v1/holons/${first.holon}/evaluate -H 'content-type: application/json' \\`,
      `    -d '${JSON.stringify({ event: rejected?.event })}'`,
    )
  }
  console.log(lines.join('\n'))
}

const vars = devVars()
const child = spawn('wrangler', ['dev', '--ip', '127.0.0.1', '--port', String(port)], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: process.env,
})
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig))
child.on('exit', (code) => process.exit(code ?? 0))

await waitReady(child)
const dir = `${root}bootstrap/holons/`
const templates = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => loadTemplate(JSON.parse(readFileSync(dir + f, 'utf8'))))
if (!values['no-load']) {
  console.log('Loading example holons from bootstrap/holons:')
  for (const t of templates) await load(t, vars)
}
banner(templates, vars)
