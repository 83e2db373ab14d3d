// `OMEGA_BRIDGE_TOKEN=... npm run p2p -- --worker <url> --listen <multiaddr> --peer <multiaddr>... [--config file]`
// Listens on loopback unless --listen says otherwise; keeps its key in --state (default .omega-p2p, git-ignored).
import { parseCli } from './config.ts'
import { loadIdentity } from './identity.ts'
import { logger } from './log.ts'
import { startNode } from './node.ts'

const config = parseCli(process.argv.slice(2))
const log = logger(config.log)
const { key, created } = await loadIdentity(config.key)
if (created) log('info', 'created a new peer identity (mode 600)', { key: config.key })
const omega = await startNode(config, key, log)

const report = setInterval(() => log('info', 'phase', { ...omega.phase.report() }), 10_000)
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
