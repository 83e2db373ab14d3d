// Loopback federation nodes for tests: temporary key files, ephemeral ports, quiet logs.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NodeConfig, type NodeConfigInput } from '../../p2p/config.ts'
import { loadIdentity } from '../../p2p/identity.ts'
import { logger } from '../../p2p/log.ts'
import { type OmegaNode, startNode } from '../../p2p/node.ts'
import { peerArtifact } from '../support/artifacts.ts'

export const tmp = () => mkdtempSync(join(tmpdir(), 'omega-p2p-'))

export async function spawnNode(
  over: Partial<NodeConfigInput> = {},
  dir = tmp(),
): Promise<OmegaNode & { dir: string }> {
  const config = NodeConfig.parse({
    listen: ['/ip4/127.0.0.1/tcp/0'],
    key: join(dir, 'peer.key'),
    state: dir,
    log: 'silent',
    inbound_per_second: 1000,
    ...over,
  })
  const { key } = await loadIdentity(config.key)
  const node = await startNode(config, key, logger('silent'))
  return Object.assign(node, { dir })
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
