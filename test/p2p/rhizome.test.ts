// Rhizome handshakes between real nodes on loopback: delivery, drops that are never forwarded, catch-up, restart.
import { afterAll, describe, expect, it } from 'vitest'
import { encode, TOPICS } from '../../p2p/wire.ts'
import { artifact, captureLog, connect, spawnNode, teardown, until } from './support.ts'

type Node = Awaited<ReturnType<typeof spawnNode>>
const nodes: Node[] = []
afterAll(() => teardown(nodes))

async function mesh(n: number): Promise<Node[]> {
  const made = await Promise.all(Array.from({ length: n }, () => spawnNode({ phase: { publish_ms: 200 } })))
  nodes.push(...made)
  await connect(made)
  const [hub] = made as [Node]
  await until(() => hub.node.services.pubsub.getSubscribers(TOPICS.rhizome).length === n - 1, 'subscriptions')
  // Every spoke must also have seen the hub subscribe, or its first publish reaches nobody.
  await until(
    () => made.every((m) => m.node.services.pubsub.getSubscribers(TOPICS.rhizome).length > 0),
    'spokes see the hub',
  )
  return made
}

describe('rhizome gossip', () => {
  it('delivers a signed artifact to every node', async () => {
    const [a, b, c, d] = await mesh(4)
    const v2 = artifact({ version: 2 })
    await (a as Node).rhizome.publish(v2.artifact)
    for (const n of [b, c, d] as Node[])
      await until(() => n.rhizome.known.has(v2.origin), 'artifact on every node')
  })

  it.each([
    ['forged', 'invalid', () => encode({ ...artifact().artifact, kernel_version: 9 })],
    ['malformed', 'malformed', () => new TextEncoder().encode('{"not": "an artifact"')],
    ['oversized', 'oversized', () => new Uint8Array(70 * 1024).fill(32)],
    // Correctly signed, one member added: the signature must cover exactly what was received.
    ['padded', 'malformed', () => encode({ ...artifact().artifact, relayed_by: 'someone' })],
    [
      'nested-padded',
      'malformed',
      () => {
        const a = artifact().artifact
        return encode({ ...a, invariants: [{ ...a.invariants[0], unsigned: 1 }] })
      },
    ],
  ])(
    'a %s message is dropped, counted, never forwarded, and costs its sender score',
    async (_, reason, bytes) => {
      const [hub, relay, sender] = await mesh(3)
      await (sender as Node).node.services.pubsub.publish(TOPICS.rhizome, bytes())
      await until(
        () => (hub as Node).metrics.get(`rhizome.dropped.${reason}`) === 1,
        `${reason} drop counted ${JSON.stringify((hub as Node).metrics.snapshot())}`,
        3000,
      )
      // The hub does not forward it: the third node never sees it.
      await new Promise((r) => setTimeout(r, 300))
      expect((relay as Node).metrics.get('rhizome.received')).toBe(0)
      const pubsub = (hub as Node).node.services.pubsub as unknown as { getScore(peer: string): number }
      const score = () => pubsub.getScore((sender as Node).peerId)
      await until(() => score() < 0, 'the sender loses score')
    },
  )

  it('a replayed (older) artifact is dropped as a replay', async () => {
    const [hub, sender] = await mesh(2)
    const v2 = artifact({ version: 2 })
    await (sender as Node).rhizome.publish(v2.artifact)
    await until(() => (hub as Node).rhizome.known.has(v2.origin), 'v2 arrives')
    const v1 = artifact({ secret: v2.secret, origin: v2.origin, version: 1 }).artifact
    await (sender as Node).node.services.pubsub.publish(TOPICS.rhizome, encode(v1))
    await until(() => (hub as Node).metrics.get('rhizome.dropped.replay') === 1, 'replay drop counted')
    expect((hub as Node).rhizome.known.get(v2.origin)?.kernel_version).toBe(2)
  })

  it('a node that joins late or restarts catches up on what was published while it was away', async () => {
    const [a, b] = await mesh(2)
    const early = artifact()
    await (a as Node).rhizome.publish(early.artifact)
    await until(() => (b as Node).rhizome.known.has(early.origin), 'b has it')

    const late = await spawnNode()
    nodes.push(late)
    await late.node.dial((b as Node).addrs()[0] as never)
    await until(() => late.rhizome.known.has(early.origin), 'late joiner caught up')
    expect(late.metrics.get('catchup.accepted')).toBeGreaterThanOrEqual(1)

    const id = late.peerId
    await late.stop()
    const newer = artifact({ secret: early.secret, origin: early.origin, version: 2 })
    await (a as Node).rhizome.publish(newer.artifact)
    const back = await spawnNode({}, late.dir)
    nodes.push(back)
    expect(back.peerId).toBe(id)
    await back.node.dial((a as Node).addrs()[0] as never)
    await until(() => back.rhizome.known.get(early.origin)?.kernel_version === 2, 'restarted node caught up')
  })
})

describe('key and origin conflicts', () => {
  it('are dropped and said in the node log: another key for a pinned origin, our own origin, our installation', async () => {
    const log = captureLog()
    const hub = await spawnNode({}, undefined, log)
    const sender = await spawnNode()
    nodes.push(hub, sender)
    await connect([hub, sender])
    await until(() => hub.node.services.pubsub.getSubscribers(TOPICS.rhizome).length === 1, 'mesh')
    await until(() => sender.node.services.pubsub.getSubscribers(TOPICS.rhizome).length === 1, 'mesh back')
    // The hub's own holon (as if from its worker's outbox).
    const install = `org-${Math.random().toString(36).slice(2)}.example`
    const mine = artifact({ origin: `${install}/holons/coop` })
    await hub.rhizome.publish(mine.artifact)

    const peer = artifact()
    await sender.rhizome.publish(peer.artifact)
    await until(() => hub.rhizome.known.has(peer.origin), 'peer artifact')
    const warned = (msg: string) => log.lines.filter((l) => l.level === 'warn' && l.msg === msg)

    await sender.node.services.pubsub.publish(
      TOPICS.rhizome,
      encode(artifact({ origin: peer.origin, version: 2 }).artifact),
    )
    await until(() => hub.metrics.get('rhizome.dropped.key_mismatch') === 1, 're-keyed origin dropped')
    expect(warned('origin announced with another key')[0]?.fields).toMatchObject({
      origin: peer.origin,
      pinned_key: peer.artifact.verifier_key,
    })

    const shadow = artifact({ origin: mine.origin, version: 2 }).artifact
    await sender.node.services.pubsub.publish(TOPICS.rhizome, encode(shadow))
    await until(() => hub.metrics.get('rhizome.dropped.key_mismatch') === 2, 'our own origin dropped')
    expect(warned('a peer announces one of our origins')[0]?.fields).toMatchObject({
      origin: mine.origin,
      announced_key: shadow.verifier_key,
    })

    const twin = artifact({ origin: `${install}/holons/city` })
    await sender.rhizome.publish(twin.artifact)
    await until(() => warned('a peer uses our ledger origin').length === 1, 'installation collision said')
    expect(warned('a peer uses our ledger origin')[0]?.fields).toMatchObject({ installation: install })
    expect(hub.metrics.get('rhizome.origin_collision')).toBe(1)
  })
})

describe('alerts', () => {
  it('reach peers that know the origin, and forged or replayed ones are dropped', async () => {
    const { peerAlert } = await import('../support/artifacts.ts')
    const [a, b] = await mesh(2)
    const org = artifact()
    await (a as Node).rhizome.publish(org.artifact)
    await until(() => (b as Node).rhizome.known.has(org.origin), 'artifact known')
    const alert = peerAlert(org, new Date().toISOString())
    await (a as Node).alerts.publish(alert)
    await until(
      () => (b as Node).alerts.latest.get(org.origin)?.issued_at === alert.issued_at,
      'alert received',
    )
    await (a as Node).node.services.pubsub.publish(
      TOPICS.alert,
      encode({ ...alert, threat: 0.1, issued_at: new Date(Date.now() + 1000).toISOString() }),
    )
    await until(() => (b as Node).metrics.get('alert.dropped.invalid') === 1, 'forged alert dropped')
    await (a as Node).node.services.pubsub.publish(
      TOPICS.alert,
      encode(peerAlert(org, '2020-01-01T00:00:00.000Z')),
    )
    await until(() => (b as Node).metrics.get('alert.dropped.replay') === 1, 'old alert dropped')
    const padded = { ...peerAlert(org, new Date(Date.now() + 2000).toISOString()), note: 'unsigned' }
    await (a as Node).node.services.pubsub.publish(TOPICS.alert, encode(padded))
    await until(() => (b as Node).metrics.get('alert.dropped.malformed') === 1, 'padded alert dropped')
    expect((b as Node).alerts.latest.get(org.origin)?.issued_at).toBe(alert.issued_at)
  })
})
