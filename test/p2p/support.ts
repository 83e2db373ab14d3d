// Loopback federation nodes for tests and benchmarks: temporary key folders (removed again), ephemeral ports,
// quiet logs.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type NodeConfigInput, nodeConfig } from '../../p2p/config.ts'
import { loadIdentity } from '../../p2p/identity.ts'
import { type Logger, logger } from '../../p2p/log.ts'
import { type OmegaNode, startNode } from '../../p2p/node.ts'
import { peerArtifact } from '../support/artifacts.ts'

/** Every temporary folder made here: they hold private keys, so none may outlive the process. */
const made = new Set<string>()

export const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-p2p-'))
  made.add(dir)
  return dir
}

/** Removes the temporary folders made so far (afterAll, finally); also run when the process exits. */
export function removeTmp(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
  made.clear()
}
process.once('exit', removeTmp)

export async function spawnNode(
  over: Partial<NodeConfigInput> = {},
  dir = tmp(),
  log: Logger = logger('silent'),
): Promise<OmegaNode & { dir: string }> {
  const config = nodeConfig({
    listen: ['/ip4/127.0.0.1/tcp/0'],
    state: dir,
    log: 'silent',
    inbound_per_second: 1000,
    ...over,
  })
  const { key } = await loadIdentity(config.key)
  const node = await startNode(config, key, log)
  return Object.assign(node, { dir })
}

/** Stops the nodes, then removes every temporary folder (the afterAll of each node test file). */
export async function teardown(nodes: readonly OmegaNode[]): Promise<void> {
  try {
    await Promise.all(nodes.map((n) => n.stop().catch(() => {})))
  } finally {
    removeTmp()
  }
}

/** A logger that keeps its lines, to assert on what the node says. */
export function captureLog(): Logger & {
  lines: { level: string; msg: string; fields: Record<string, unknown> }[]
} {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = []
  return Object.assign(
    (level: string, msg: string, fields: Record<string, unknown> = {}) => {
      lines.push({ level, msg, fields })
    },
    { lines },
  )
}

/** Connects every node to the first one (a star is enough for gossipsub to build its mesh). */
export async function connect(nodes: OmegaNode[]): Promise<void> {
  const [hub, ...rest] = nodes
  for (const n of rest) await n.node.dial((hub as OmegaNode).addrs()[0] as never)
}

export async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** An organisation's holon artifact, signed with its own key. */
export const artifact = peerArtifact
