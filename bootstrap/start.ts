// `npm start`: local credentials on first run, `wrangler dev` (workerd + local SQLite Durable Objects),
// then the example holons from bootstrap/holons loaded over HTTP, and the URLs to try.
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { root, send, startDev } from './dev-server.ts'
import { loadTemplate, type Template } from './template.ts'

const { values } = parseArgs({
  options: { port: { type: 'string', default: process.env.PORT ?? '8787' }, 'no-load': { type: 'boolean' } },
})

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
