// `OMEGA_BRIDGE_TOKEN=... npm run p2p -- --worker <url> --listen <multiaddr> --peer <multiaddr>... [--config file]`
// or `npm run p2p -- --role light|witness|relay --peer <multiaddr>` (no worker). Listens on loopback unless
// --listen says otherwise; keeps its key in --state (default .omega-p2p, git-ignored). Bad flags: one line, exit 2.
import { ZodError } from 'zod'
import { checkRole, parseCli, ROLES, RoleConfigError, SecretOnCommandLineError } from './config.ts'
import { IdentityError, loadIdentity } from './identity.ts'
import { logger } from './log.ts'
import { startNode } from './node.ts'

const USAGE = `usage: npm run p2p -- [--role ${ROLES.join('|')}] [--worker <url>] [--listen <multiaddr>]... [--peer <multiaddr>]... [--config <file>] [--state <dir>] [--key <file>] [--log debug|info|warn|error|silent]
  full (default): the organisation's node, needs --worker and OMEGA_BRIDGE_TOKEN in the environment
  light: phase sync only; witness: cosigns and flags peers' checkpoints; relay: forwards and validates only`

/** A configuration mistake is one line on stderr and exit 2, never a stack trace. */
function refuse(message: string): never {
  process.stderr.write(`p2p: ${message}\n`)
  process.exit(2)
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}

let config: ReturnType<typeof parseCli>
try {
  config = checkRole(parseCli(process.argv.slice(2)))
} catch (e) {
  if (e instanceof ZodError) {
    const issue = e.issues[0]
    refuse(
      `invalid configuration${issue?.path.length ? ` at ${issue.path.join('.')}` : ''}: ${issue?.message}`,
    )
  }
  if (e instanceof RoleConfigError || e instanceof SecretOnCommandLineError || e instanceof SyntaxError)
    refuse(e.message)
  // node:util parseArgs (unknown flags, missing values) and an unreadable --config file
  const code = (e as { code?: string }).code ?? ''
  if (code.startsWith('ERR_PARSE_ARGS') || ['ENOENT', 'EACCES', 'EISDIR'].includes(code))
    refuse((e as Error).message)
  throw e
}
const log = logger(config.log)
const identity = await loadIdentity(config.key).catch((e: unknown) => {
  if (e instanceof IdentityError) refuse(e.message)
  throw e
})
if (identity.created) log('info', 'created a new peer identity (mode 600)', { key: config.key })
const omega = await startNode(config, identity.key, log)

// Only nodes that run the phase service have a phase to report.
const report = omega.services.includes('phase')
  ? setInterval(() => log('info', 'phase', { ...omega.phase.report() }), 10_000)
  : setInterval(() => log('info', 'counters', omega.metrics.snapshot()), 10_000)
let stopping = false
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return
    stopping = true
    clearInterval(report)
    log('info', 'shutting down', { signal: sig })
    omega.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
