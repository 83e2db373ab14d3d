// Memory per node role: one node of each role in its own process (so RSS is its own), joined to 5 full peers
// that gossip phase (every 250 ms), an artifact each and a checkpoint each; measured after a settle and a GC.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { signCheckpoint } from '../functions/ledger/index.ts'
import { sha3Tree } from '../functions/merkle/index.ts'
import type { Role } from '../p2p/config.ts'
import { encode, TOPICS } from '../p2p/wire.ts'
import { artifact, removeTmp, spawnNode, until } from '../test/p2p/support.ts'
import { fmt, table } from './report.ts'

const run = promisify(execFile)
const root = new URL('..', import.meta.url).pathname
const SETTLE_MS = 8000
const PEERS = 5

/** The measured process: starts one node (or none, for the baseline), waits, collects garbage, reports. */
const child = (role: Role | 'none', peers: string[]) => `
const s = await import(${JSON.stringify(`${root}test/p2p/support.ts`)})
const n = ${role === 'none' ? 'undefined' : `await s.spawnNode({ role: '${role}', peers: ${JSON.stringify(peers)} })`}
await new Promise((r) => setTimeout(r, ${SETTLE_MS}))
globalThis.gc(); globalThis.gc()
const m = process.memoryUsage()
const known = n && n.services.includes('rhizome') ? n.rhizome.known.size : 0
console.log(JSON.stringify({ rss: m.rss, heap: m.heapUsed, peers: n ? n.node.getPeers().length : 0, known, metrics: n ? n.metrics.snapshot() : {} }))
if (n) await n.stop()
s.removeTmp()
process.exit(0)`

export async function rolesBench(): Promise<void> {
  const rows: (string | number)[][] = []
  for (const role of ['none', 'full', 'light', 'witness', 'relay'] as const) {
    const peers = await Promise.all(Array.from({ length: PEERS }, () => spawnNode({ checkpoint_ms: 60_000 })))
    try {
      const addrs = peers.map((p) => String(p.addrs()[0]))
      const measured = run(
        process.execPath,
        ['--expose-gc', '--input-type=module', '-e', child(role, addrs)],
        {
          cwd: root,
          timeout: 180_000,
        },
      )
      if (role !== 'none') {
        // Once the newcomer is subscribed, every peer publishes its organisation's artifact and a checkpoint.
        await until(
          () => peers.every((p) => p.node.getPeers().length >= 1),
          'the measured node joins',
          120_000,
        )
        await new Promise((r) => setTimeout(r, 1500))
        for (const p of peers) {
          const org = artifact()
          await p.rhizome.publish(org.artifact)
          const note = signCheckpoint(
            { origin: org.origin, size: 1, root: sha3Tree.leaf(Uint8Array.of(1)) },
            org.secret,
          )
          await p.node.services.pubsub.publish(
            TOPICS.checkpoint,
            encode({ v: 1, origin: org.origin, holon: 'coop', note }),
          )
        }
      }
      const r = JSON.parse((await measured).stdout.trim().split('\n').pop() as string) as {
        rss: number
        heap: number
        peers: number
        known: number
        metrics: Record<string, number>
      }
      const received = Object.entries(r.metrics)
        .filter(([k]) => /\.received$|^relay\.received/.test(k))
        .reduce((a, [, v]) => a + v, 0)
      rows.push([
        role === 'none' ? 'baseline (modules loaded, no node)' : role,
        fmt(r.rss / 2 ** 20),
        fmt(r.heap / 2 ** 20),
        r.peers,
        r.known,
        received,
      ])
    } finally {
      await Promise.all(peers.map((p) => p.stop()))
      removeTmp()
    }
  }
  table(
    `Memory per node role (own process, ${PEERS} full peers, ${SETTLE_MS / 1000} s after start, after GC)`,
    ['role', 'RSS MB', 'heap used MB', 'peers', 'artifacts kept', 'gossip messages validated'],
    rows,
  )
}
