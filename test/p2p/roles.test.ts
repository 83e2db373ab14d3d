// Node roles on loopback: what a full, light, witness and relay node runs, forwards, stores and publishes, and the
// command line refusing a role whose requirements are not met.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { lpStream } from '@libp2p/utils'
import { afterAll, describe, expect, it } from 'vitest'
import { signCheckpoint } from '../../functions/ledger/index.ts'
import { sha3Tree } from '../../functions/merkle/index.ts'
import { checkRole, NotInRoleError, nodeConfig, parseCli, RoleConfigError } from '../../p2p/config.ts'
import type { GossipMessage } from '../../p2p/gossip.ts'
import { encode, PROTOCOLS, TOPICS } from '../../p2p/wire.ts'
import { artifact, spawnNode, teardown, tmp, until } from './support.ts'

type Node = Awaited<ReturnType<typeof spawnNode>>
const nodes: Node[] = []
afterAll(() => teardown(nodes))

const root = new URL('../..', import.meta.url).pathname
const run = promisify(execFile)

async function spawn(role: 'full' | 'light' | 'witness' | 'relay', over: Record<string, unknown> = {}) {
  const n = await spawnNode({ role, phase: { publish_ms: 100 } as never, ...over })
  nodes.push(n)
  return n
}

/** Every gossip message a node receives, with its topic and signer (the peer that published it). */
function inbox(n: Node): { topic: string; from: string }[] {
  const seen: { topic: string; from: string }[] = []
  n.node.services.pubsub.addEventListener('message', (e: CustomEvent<GossipMessage>) => {
    if (e.detail.type === 'signed') seen.push({ topic: e.detail.topic, from: e.detail.from.toString() })
  })
  return seen
}

const subscribed = (n: Node, topic: string, peers: number) =>
  until(() => n.node.services.pubsub.getSubscribers(topic).length >= peers, `${topic} subscribers`)

describe('configuration', () => {
  it('defaults to full; --role picks another; a full node needs its worker and token, the others refuse one', () => {
    expect(nodeConfig({}).role).toBe('full')
    expect(parseCli(['--role', 'relay'], {}).role).toBe('relay')
    expect(() => parseCli(['--role', 'archive'], {})).toThrow(/role/)
    expect(() => checkRole(parseCli([], {}))).toThrow(RoleConfigError)
    expect(() => checkRole(parseCli([], {}))).toThrow(/--worker.*OMEGA_BRIDGE_TOKEN/)
    expect(() => checkRole(parseCli(['--worker', 'http://127.0.0.1:1'], {}))).toThrow(/OMEGA_BRIDGE_TOKEN/)
    const full = checkRole(parseCli(['--worker', 'http://127.0.0.1:1'], { OMEGA_BRIDGE_TOKEN: 't' }))
    expect(full.role).toBe('full')
    expect(() => checkRole(parseCli(['--role', 'light', '--worker', 'http://127.0.0.1:1'], {}))).toThrow(
      /role light talks to no worker/,
    )
    for (const role of ['light', 'witness', 'relay'])
      expect(checkRole(parseCli(['--role', role], {})).role).toBe(role)
  })

  it('npm run p2p: a full node without a worker, an unknown role or flag is one line on stderr and exit 2', async () => {
    const cli = async (...args: string[]) => {
      const env = { ...process.env, OMEGA_BRIDGE_TOKEN: '' }
      const state = ['--state', tmp(), '--listen', '/ip4/127.0.0.1/tcp/0']
      return run(process.execPath, ['p2p/main.ts', ...state, ...args], { cwd: root, env }).then(
        (r) => ({ code: 0, stderr: r.stderr, stdout: r.stdout }),
        (e: { code: number; stderr: string; stdout: string }) => e,
      )
    }
    const noWorker = await cli()
    expect(noWorker.code).toBe(2)
    expect(noWorker.stderr.trim().split('\n')).toHaveLength(1)
    expect(noWorker.stderr).toMatch(/--worker/)
    expect(noWorker.stderr).toMatch(/OMEGA_BRIDGE_TOKEN/)
    const bad = [
      ['--role', 'archive'],
      ['--bogus'],
      ['--role', 'light', '--worker', 'http://127.0.0.1:1'],
      ['--config', '/nonexistent/omega-node.json'],
    ]
    const results = await Promise.all(bad.map((args) => cli(...args)))
    for (const [i, r] of results.entries()) {
      const args = (bad[i] as string[]).join(' ')
      expect(r.code, args).toBe(2)
      expect(r.stderr.trim().split('\n'), args).toHaveLength(1)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
    const help = await cli('--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/--role full\|light\|witness\|relay/)
  }, 180_000)
})

describe('the services of each role', () => {
  it('full runs all five, light only phase, witness rhizome and witness, relay only relay; the rest are refused', async () => {
    const [full, light, wit, rel] = await Promise.all(
      (['full', 'light', 'witness', 'relay'] as const).map((r) => spawn(r)),
    )
    const running = (n: Node) =>
      Object.keys(n.node.services).filter((k) => !['identify', 'ping', 'pubsub'].includes(k))
    expect(running(full as Node)).toEqual(['rhizome', 'phase', 'witness', 'alerts', 'outbox'])
    expect(running(light as Node)).toEqual(['phase'])
    expect(running(wit as Node)).toEqual(['rhizome', 'witness'])
    expect(running(rel as Node)).toEqual(['relay'])
    expect(() => (light as Node).rhizome).toThrow(NotInRoleError)
    expect(() => (wit as Node).outbox).toThrow(NotInRoleError)
    expect(() => (rel as Node).phase).toThrow(NotInRoleError)
    // A light node answers no catch-up and proof requests: it holds no artifacts and no ledger.
    expect((light as Node).node.getProtocols()).not.toContain(PROTOCOLS.catchUp)
    expect((wit as Node).node.getProtocols()).toContain(PROTOCOLS.proof)
    expect((rel as Node).node.getProtocols()).not.toContain(PROTOCOLS.catchUp)
    // Subscriptions: gossipsub forwards only the topics a node joined.
    const topics = (n: Node) => [...n.node.services.pubsub.getTopics()].sort()
    expect(topics(light as Node)).toEqual([TOPICS.phase])
    expect(topics(wit as Node)).toEqual([TOPICS.checkpoint, TOPICS.rhizome, TOPICS.witness].sort())
    expect(topics(rel as Node)).toEqual(Object.values(TOPICS).sort())
    // Each role's node stops cleanly with libp2p's own stop (a service failing to stop would reject here).
    for (const n of [full, light, wit, rel] as Node[]) {
      await expect(n.node.stop()).resolves.toBeUndefined()
      expect(Object.values(n.node.services).filter((s) => (s as { running?: boolean }).running)).toEqual([])
    }
  })
})

describe('relay', () => {
  it('forwards an artifact between two nodes that are not connected, drops a forged one, publishes nothing', async () => {
    const [a, r, b] = [await spawn('full'), await spawn('relay'), await spawn('full')]
    const heardA = inbox(a)
    const heardB = inbox(b)
    await a.node.dial(r.addrs()[0] as never)
    await b.node.dial(r.addrs()[0] as never)
    expect(a.node.getPeers().map(String)).not.toContain(b.peerId)
    await subscribed(r, TOPICS.rhizome, 2)
    await subscribed(a, TOPICS.rhizome, 1)
    await subscribed(b, TOPICS.rhizome, 1)

    const org = artifact()
    await a.rhizome.publish(org.artifact)
    await until(() => b.rhizome.known.has(org.origin), 'artifact relayed to b')
    expect(r.metrics.get('relay.accepted.rhizome')).toBeGreaterThanOrEqual(1)

    const forged = encode({ ...artifact().artifact, kernel_version: 7 })
    await a.node.services.pubsub.publish(TOPICS.rhizome, forged)
    await until(() => r.metrics.get('relay.dropped.rhizome.invalid') === 1, 'forged artifact dropped')
    await new Promise((res) => setTimeout(res, 300))
    expect(b.metrics.get('rhizome.received')).toBe(1) // only the good one reached b

    // b's phase reaches a through the relay too (a counts b as a live peer), and the relay is in nobody's phase.
    await until(() => a.phase.report().peers === 1 && b.phase.report().peers === 1, 'phases relayed')
    expect(r.metrics.get('relay.accepted.phase')).toBeGreaterThan(0)
    const all = [...heardA, ...heardB]
    expect(all.length).toBeGreaterThan(0)
    expect(all.filter((m) => m.from === r.peerId)).toEqual([])
    expect(Object.keys(r.metrics.snapshot()).filter((k) => k.endsWith('.published'))).toEqual([])
    expect(() => r.rhizome).toThrow(NotInRoleError)
  })
})

describe('light', () => {
  it("a light node's phase reaches its peers; it stores no artifact and is sent none", async () => {
    const full = await spawn('full')
    const light = await spawn('light')
    await light.node.dial(full.addrs()[0] as never)
    await until(() => full.phase.report().peers === 1, "the light node's phase arrives")
    expect(full.metrics.get('phase.accepted')).toBeGreaterThan(0)
    await until(() => light.phase.report().peers === 1, 'the light node follows the mesh')

    await subscribed(full, TOPICS.phase, 1)
    const heard = inbox(light)
    await full.rhizome.publish(artifact().artifact)
    await new Promise((res) => setTimeout(res, 500))
    expect(full.node.services.pubsub.getSubscribers(TOPICS.rhizome).map(String)).not.toContain(light.peerId)
    expect(heard.filter((m) => m.topic !== TOPICS.phase)).toEqual([])
    expect(light.metrics.get('rhizome.received')).toBe(0)
    expect(() => light.rhizome).toThrow(NotInRoleError)
  })
})

describe('witness', () => {
  it("cosigns a peer's consistent checkpoint, keeps that peer's artifact for its key, and never publishes one", async () => {
    const org = await spawn('full')
    const wit = await spawn('witness')
    const heard = inbox(org)
    // The organisation's node answers proof requests itself (it has no worker here): size 1 -> 2.
    const leaf2 = sha3Tree.leaf(Uint8Array.of(2))
    await org.node.unhandle(PROTOCOLS.proof)
    await org.node.handle(PROTOCOLS.proof, async (stream) => {
      const lp = lpStream(stream)
      await lp.read()
      await lp.write(encode({ proof: [Buffer.from(leaf2).toString('hex')] }))
      await stream.close()
    })
    await wit.node.dial(org.addrs()[0] as never)
    await subscribed(org, TOPICS.checkpoint, 1)
    await subscribed(wit, TOPICS.rhizome, 1)

    const peer = artifact()
    await org.rhizome.publish(peer.artifact)
    await until(() => wit.rhizome.known.has(peer.origin), 'the witness pins the artifact')
    const grown = signCheckpoint(
      { origin: peer.origin, size: 2, root: sha3Tree.node(sha3Tree.leaf(Uint8Array.of(1)), leaf2) },
      peer.secret,
    )
    await org.node.services.pubsub.publish(
      TOPICS.checkpoint,
      encode({ v: 1, origin: peer.origin, holon: 'coop', note: grown }),
    )
    await until(() => wit.metrics.get('witness.cosigned') === 1, 'cosigned')
    await until(
      () => heard.some((m) => m.topic === TOPICS.witness && m.from === wit.peerId),
      'the cosignature reaches the organisation',
    )

    await expect(wit.rhizome.publish(artifact().artifact)).rejects.toThrow(NotInRoleError)
    await new Promise((res) => setTimeout(res, 300))
    expect(heard.filter((m) => m.from === wit.peerId).map((m) => m.topic)).toEqual([TOPICS.witness])
    expect(wit.metrics.get('rhizome.published')).toBe(0)
    expect(() => wit.outbox).toThrow(NotInRoleError)
  })
})
