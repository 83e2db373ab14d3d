// `npm start`: local credentials on first run, `wrangler dev` (workerd + local SQLite Durable Objects),
// then the example holons from bootstrap/holons loaded over HTTP, and the URLs to try.
import { randomBytes } from 'node:crypto'
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { root, send, startDev } from './dev-server.ts'
import { loadTemplate, type Template } from './template.ts'

const { values } = parseArgs({
  options: { port: { type: 'string', default: process.env.PORT ?? '8787' }, 'no-load': { type: 'boolean' } },
})

const GENERATED = ['OMEGA_WRITE_TOKEN', 'OMEGA_ADMIN_TOKEN', 'OMEGA_BRIDGE_TOKEN']

/** Reads .dev.vars (git-ignored), creating it, or adding tokens it lacks, with fresh random values. */
function devVars(): Record<string, string> {
  const file = `${root}.dev.vars`
  const read = () => {
    const vars: Record<string, string> = {}
    if (!existsSync(file)) return vars
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
      if (m) vars[m[1] as string] = m[2] as string
    }
    return vars
  }
  const vars = read()
  const missing = GENERATED.filter((k) => !vars[k])
  if (missing.length > 0) {
    const fresh = missing.map((k) => `${k}=${randomBytes(24).toString('base64url')}`)
    const header = existsSync(file)
      ? ''
      : '# Local secrets written by `npm start`; never commit. Production: `wrangler secret put NAME`.\nOMEGA_READ_TOKEN=\n'
    appendFileSync(file, `${header}${fresh.join('\n')}\n`, { mode: 0o600 })
    console.log(`Generated ${missing.join(', ')} in .dev.vars`)
  }
  return read()
}

async function load(base: string, t: Template, vars: Record<string, string>): Promise<void> {
  // A holon kept from an earlier run whose template kernel changed gets it as a new kernel version.
  await send(base, 'PUT', `/v1/holons/${t.holon}`, { kernel: t.kernel }, vars.OMEGA_ADMIN_TOKEN).catch(() =>
    send(base, 'PUT', `/v1/holons/${t.holon}/kernel`, { kernel: t.kernel }, vars.OMEGA_ADMIN_TOKEN),
  )
  await send(base, 'POST', `/v1/holons/${t.holon}/events`, { events: t.seed }, vars.OMEGA_WRITE_TOKEN)
  console.log(
    `  loaded ${t.holon}: ${Object.keys(t.kernel.invariants).length} invariants, ${t.seed.length} events`,
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
const server = await startDev({ port: Number(values.port) })
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
