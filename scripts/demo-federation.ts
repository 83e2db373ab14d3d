// `npm run demo:federation [-- --orgs 3] [--seconds 30]`: a federation on one machine. Each organisation is a
// worker (workerd via wrangler, its own port, storage and ledger origin) with its full node; the nodes peer on
// loopback. Same-named holons, a kernel change, pulses; then what arrived where. Everything is removed at the end.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { nodeConfig } from '../p2p/config.ts'
import { loadIdentity } from '../p2p/identity.ts'
import type { Logger } from '../p2p/log.ts'
import { type OmegaNode, startNode } from '../p2p/node.ts'

const USAGE = `usage: npm run demo:federation -- [--orgs 2|3] [--seconds N] [--collide]
  --orgs     organisations to start (default 2)
  --seconds  how long to wait at most for artifacts, cosignatures and the phase lock (default 30, 5..600)
  --collide  then start org-a-twin, misconfigured with org-a's ledger origin: the conflict shows, nothing is shadowed`

function refuse(message: string): never {
  console.error(`demo:federation: ${message.split('\n')[0]}`)
  process.exit(2)
}

let flags: { orgs?: string; seconds?: string; help?: boolean; collide?: boolean }
try {
  flags = parseArgs({
    strict: true,
    options: {
      orgs: { type: 'string' },
      seconds: { type: 'string' },
      collide: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values
} catch (e) {
  refuse((e as Error).message)
}
if (flags.help) {
  console.log(USAGE)
  process.exit(0)
}
const whole = (name: string, raw: string | undefined, dflt: number, min: number, max: number) => {
  if (raw === undefined) return dflt
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    refuse(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`)
  return Number(raw)
}
const ORGS = whole('orgs', flags.orgs, 2, 2, 3)
const SECONDS = whole('seconds', flags.seconds, 30, 5, 600)

type Worker = { dispose(): Promise<void>; ready: Promise<void>; url: Promise<URL> }
interface Org {
  name: string
  origin: string
  url: string
  admin: string
  write: string
  node: OmegaNode
  /** What the node logged at warn or above (key and origin conflicts show here). */
  warnings: { msg: string; fields: Record<string, unknown> }[]
}

/** The holon every organisation creates under the same name: each is its own, under its own ledger origin. */
const HOLON = 'coop'
const kernel = (threshold: number) => ({
  id: 'circular-economy',
  aggregates: {
    contributed: { fold: 'sum', expr: 'event.contributed' },
    returned: { fold: 'sum', expr: 'event.returned' },
    events: { fold: 'count' },
    traced: { fold: 'count', where: 'has(event.trace_id)' },
  },
  invariants: {
    Non_Spoliation: {
      score: 'agg.contributed == 0.0 ? 1.0 : min(1.0, agg.returned / agg.contributed)',
      threshold,
    },
    Traceability: { score: 'agg.events == 0.0 ? 1.0 : agg.traced / agg.events', threshold: 1.0, weight: 2.0 },
  },
  gate: { on_torsion: 'reject', admit_improving: true },
})

// A local demo needs no Cloudflare location data (and has no network to fetch it from): miniflare's placeholder.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false'

const folder = mkdtempSync(join(tmpdir(), 'omega-demo-'))
const closers: (() => Promise<void>)[] = []
let cleaning: Promise<void> | undefined
/** Stops nodes and workers (last started first) and removes the folder; once, whoever asks first. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const close of closers.reverse()) await close().catch(() => {})
    rmSync(folder, { recursive: true, force: true })
  })()
  return cleaning
}
const SIGNALS = ['SIGINT', 'SIGTERM'] as const
const onSignal = (sig: NodeJS.Signals) => {
  console.log(`\n${sig}: stopping everything`)
  void cleanup().then(() => {
    console.log(`removed ${folder}`)
    process.exit(130)
  })
}
/**
 * wrangler's dev server installs exit-on-signal handlers that end the process at once (leaving our nodes and
 * folder); ours stops the workers itself, so after each worker start only ours stays.
 */
function ownSignals(): void {
  for (const sig of SIGNALS) {
    for (const l of process.listeners(sig)) if (l !== onSignal) process.removeListener(sig, l)
    if (!process.listeners(sig).includes(onSignal)) process.once(sig, onSignal)
  }
}
ownSignals()

/** A free loopback port (the kernel picks it; the worker binds it right after). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

async function startOrg(
  name: string,
  others: OmegaNode[],
  hz: number,
  origin = `${name}.example`,
  /** Runs against the worker before its node starts (what exists then reaches peers by catch-up, not by chance). */
  before?: (worker: Pick<Org, 'name' | 'url' | 'admin'>) => Promise<void>,
): Promise<Org> {
  const { unstable_startWorker } = await import('wrangler')
  const secret = () => randomBytes(16).toString('hex')
  const [admin, write, bridge] = [secret(), secret(), secret()]
  const worker = (await unstable_startWorker({
    config: 'wrangler.toml',
    dev: {
      server: { hostname: '127.0.0.1', port: await freePort() },
      inspector: false,
      persist: join(folder, name, 'worker'),
      logLevel: 'none',
    },
    bindings: {
      OMEGA_ADMIN_TOKEN: { type: 'plain_text', value: admin },
      OMEGA_WRITE_TOKEN: { type: 'plain_text', value: write },
      OMEGA_BRIDGE_TOKEN: { type: 'plain_text', value: bridge },
      OMEGA_LEDGER_ORIGIN: { type: 'plain_text', value: origin },
    },
  } as never)) as Worker
  closers.push(() => worker.dispose())
  ownSignals()
  await worker.ready
  ownSignals()
  const url = String(await worker.url).replace(/\/$/, '')
  await before?.({ name, url, admin })
  const warnings: Org['warnings'] = []
  const log: Logger = (level, msg, fields = {}) => {
    if (level === 'warn' || level === 'error') warnings.push({ msg, fields })
  }
  const config = nodeConfig({
    role: 'full',
    worker: url,
    token: bridge,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    state: join(folder, name, 'node'),
    poll_ms: 200,
    checkpoint_ms: 500,
    inbound_per_second: 100,
    phase: { natural_hz: hz, coupling: 4, publish_ms: 100 },
    log: 'silent',
  })
  const node = await startNode(config, (await loadIdentity(config.key)).key, log)
  closers.push(() => node.stop())
  // Every pair connected: a witness fetches its consistency proof straight from the announcing node.
  for (const other of others) await node.node.dial(other.addrs()[0] as never)
  return { name, origin, url, admin, write, node, warnings }
}

async function call(
  org: Pick<Org, 'name' | 'url'>,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
) {
  const res = await fetch(`${org.url}${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  // biome-ignore lint/suspicious/noExplicitAny: the worker's documents, read field by field below
  const json = (await res.json()) as any
  if (!res.ok) throw new Error(`${org.name} ${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

const holonOrigin = (o: Org) => `${o.origin}/holons/${HOLON}`
const short = (peer: string) => `${peer.slice(0, 8)}…${peer.slice(-4)}`

async function eventually(cond: () => Promise<boolean>, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if (await cond().catch(() => false)) return true
    await new Promise((r) => setTimeout(r, 250))
  }
  return false
}

async function main(): Promise<void> {
  console.log(`demo: ${ORGS} organisations on this machine, temporary folder ${folder}`)
  const names = ['org-a', 'org-b', 'org-c'].slice(0, ORGS)
  const orgs: Org[] = []
  for (const [i, name] of names.entries()) {
    // Slightly different natural frequencies: the phase lock is the coupling's work, not a coincidence.
    const org = await startOrg(
      name,
      orgs.map((o) => o.node),
      1 + 0.03 * (i - 1),
    )
    orgs.push(org)
    console.log(
      `${name}: worker ${org.url}, ledger origin ${org.origin}, node ${short(org.node.peerId)} (role full)`,
    )
  }
  const [a] = orgs as [Org]
  for (const o of orgs) {
    await call(o, 'PUT', `/v1/holons/${HOLON}`, o.admin, { kernel: kernel(0.94) })
    await call(o, 'PUT', `/v1/holons/${HOLON}/pulse`, o.admin, { running: true, config: { period_ms: 1000 } })
    console.log(`${o.name}: created holon ${HOLON} (kernel v1) and started its pulse (1 beat/s)`)
  }
  await call(a, 'PUT', `/v1/holons/${HOLON}/kernel`, a.admin, { kernel: kernel(0.97) })
  console.log(`${a.name}: changed ${HOLON}'s kernel (Non_Spoliation threshold 0.94 -> 0.97): v2`)

  const started = Date.now()
  const deadline = started + SECONDS * 1000
  const peerVersions = async (o: Org) => {
    const doc = await call(o, 'GET', '/v1/federation/peers')
    return new Map<string, number>(
      doc.artifacts.map((x: { origin: string; kernel_version: number }) => [x.origin, x.kernel_version]),
    )
  }
  const wanted = (p: Org) => (p === a ? 2 : 1)
  const artifactsArrived = await eventually(async () => {
    for (const o of orgs) {
      const seen = await peerVersions(o)
      for (const p of orgs) if (p !== o && seen.get(holonOrigin(p)) !== wanted(p)) return false
    }
    return true
  }, deadline)
  console.log(
    `artifacts: ${artifactsArrived ? 'every organisation has every other one' : 'not all arrived'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  )

  // The ledger grows after the peers pinned org-a's artifact: its next checkpoints are witnessed.
  const event = (id: string) => ({ id, contributed: 10, returned: 10, trace_id: id })
  await call(a, 'POST', `/v1/holons/${HOLON}/events`, a.write, { events: [event('e1'), event('e2')] })
  console.log(`${a.name}: committed 2 events to ${HOLON}`)
  const witnesses = async (o: Org) =>
    new Set(
      (await call(o, 'GET', `/v1/holons/${HOLON}/ledger/cosignatures`)).cosignatures.map(
        (c: { witness: string }) => c.witness,
      ),
    )
  await eventually(async () => (await witnesses(a)).size >= orgs.length - 1, deadline)

  console.log('\nwhat arrived where:')
  for (const o of orgs) {
    const seen = await peerVersions(o)
    const list = [...seen].map(([origin, v]) => `${origin} v${v}`).join(', ')
    console.log(`${o.name}: peer artifacts ${seen.size}: ${list || 'none'}`)
  }
  for (const o of orgs) {
    const holon = await call(o, 'GET', `/v1/holons/${HOLON}`, o.admin)
    const cos = (await call(o, 'GET', `/v1/holons/${HOLON}/ledger/cosignatures`)).cosignatures as {
      witness: string
      size: number
    }[]
    const by = [...new Set(cos.map((c) => short(c.witness.replace('omega-witness/', ''))))]
    const pulse = await call(o, 'GET', `/v1/holons/${HOLON}/pulse`, o.admin)
    console.log(
      `${o.name}: holon ${HOLON} kernel v${holon.kernel_version}, pulse beat ${pulse.beat}, cosignatures ${cos.length}${by.length ? ` by ${by.join(', ')}` : ''}`,
    )
  }
  for (const o of orgs) {
    const flags = (await call(o, 'GET', '/v1/federation/flags')).flags.length
    const doc = await call(o, 'GET', '/v1/federation/peers')
    const nodeConflicts = o.warnings.filter((w) => /origin|key/.test(w.msg))
    console.log(
      `${o.name}: flags ${flags}, conflicts ${doc.conflicts.count} in the worker's federation document, ${nodeConflicts.length} in the node's log`,
    )
  }
  const distinct = new Set(orgs.map(holonOrigin))
  console.log(
    `same name, no shadowing: ${orgs.length} holons named ${HOLON}, ${distinct.size} distinct origins (${[...distinct].join(', ')})`,
  )
  // The lock as every node sees it (its own phase and its live peers'): r >= 0.99 on all, or the deadline.
  const lowest = () => Math.min(...orgs.map((o) => o.node.phase.report().r))
  const locked = await eventually(async () => lowest() >= 0.99, Math.max(deadline, Date.now() + 5000))
  const reports = orgs.map((o) => ({ name: o.name, ...o.node.phase.report() }))
  const r = Math.min(...reports.map((x) => x.r))
  console.log(
    `phase: r = ${r.toFixed(4)} over ${orgs.length} nodes, ${locked ? 'locked' : 'not locked'} (${reports.map((x) => `${x.name} offset ${x.offset.toFixed(3)} rad, ${x.peers} peers, ${x.pulses} pulses`).join('; ')})`,
  )
  if (flags.collide) await collide(orgs)
}

/**
 * A second installation started with org-a's ledger origin (a copied configuration): its `coop` claims org-a's
 * holon origin under another key, its `city` a new origin under org-a's name. Neither may pass unnoticed, and
 * org-a's `coop` must stay what every peer pinned.
 */
async function collide(orgs: Org[]): Promise<void> {
  const [a, b] = orgs as [Org, Org]
  const pinned = async (o: Org) =>
    (
      (await call(o, 'GET', '/v1/federation/peers')).artifacts as { origin: string; verifier_key: string }[]
    ).find((x) => x.origin === holonOrigin(a))?.verifier_key
  const keyBefore = await pinned(b)
  console.log(
    `\ncollision: org-a-twin starts with org-a's ledger origin ${a.origin} and creates holons coop and city`,
  )
  // Its holons exist before its node starts: every peer's catch-up with the new node fetches them.
  const twin = await startOrg(
    'org-a-twin',
    orgs.map((o) => o.node),
    1,
    a.origin,
    async (w) => {
      for (const holon of [HOLON, 'city'])
        await call(w, 'PUT', `/v1/holons/${holon}`, w.admin, { kernel: kernel(0.94) })
    },
  )
  const all = [...orgs, twin]
  const conflicts = async (o: Org) =>
    (await call(o, 'GET', '/v1/federation/peers')).conflicts as {
      count: number
      list: { origin: string; reason: string }[]
    }
  const nodeConflicts = (o: Org) => o.warnings.filter((w) => /origin|key/.test(w.msg))
  await eventually(
    async () =>
      (await conflicts(a)).count > 1 &&
      (await conflicts(b)).count > 0 &&
      nodeConflicts(a).length > 0 &&
      nodeConflicts(b).length > 0,
    Date.now() + SECONDS * 1000,
  )
  for (const o of all) {
    const c = await conflicts(o)
    const list = c.list.map((x) => `${x.reason} ${x.origin}`).join(', ')
    const logged = [...new Set(nodeConflicts(o).map((w) => w.msg))].join('; ')
    console.log(
      `${o.name}: conflicts ${c.count} in the worker's federation document${list ? ` (${list})` : ''}, ${nodeConflicts(o).length} in the node's log${logged ? ` (${logged})` : ''}`,
    )
  }
  const keyAfter = await pinned(b)
  console.log(
    `no shadowing: org-b still pins ${holonOrigin(a)} to org-a's key: ${keyAfter !== undefined && keyAfter === keyBefore ? 'yes' : 'NO'}`,
  )
}

try {
  await main()
  await cleanup()
  console.log(`stopped; removed ${folder}`)
  process.exit(0)
} catch (e) {
  console.error(`demo:federation: ${(e as Error).message}`)
  await cleanup()
  process.exit(1)
}
