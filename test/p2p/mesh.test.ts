// The phase service with real pulses on loopback: set pulses reach peers with their sender, the synthetic
// oscillator stands in without them, bad phase messages are dropped by reason, and stop() ends publishing.
import { afterAll, describe, expect, it } from 'vitest'
import { centred } from '../../functions/phase/index.ts'
import { encode, TOPICS } from '../../p2p/wire.ts'
import type { MeshPulse } from '../../schemas/federation.ts'
import { connect, spawnNode, teardown, until } from './support.ts'

type Node = Awaited<ReturnType<typeof spawnNode>>
const nodes: Node[] = []
afterAll(() => teardown(nodes))

const phase = { natural_hz: 1, coupling: 2, publish_ms: 100, timeout_ms: 1500, kappa: 1 }

async function pair(over: Record<string, unknown> = {}): Promise<[Node, Node]> {
  const made = await Promise.all([
    spawnNode({ phase, ...over } as never),
    spawnNode({ phase, ...over } as never),
  ])
  nodes.push(...made)
  await connect(made)
  return made as [Node, Node]
}

const pulse = (holon: string, over: Partial<MeshPulse> = {}): MeshPulse => {
  const now = Date.now()
  return {
    holon,
    origin: 'org-a.example',
    beat_at: now - 200,
    next_at: now + 600,
    period_ms: 800,
    t_sync: { re: 0.25, im: -0.5 },
    ...over,
  }
}

describe('mesh pulses between nodes', () => {
  it('publishes set pulses; peers keep them with the sending node; null returns to the synthetic oscillator', async () => {
    const [a, b] = await pair()
    const mine = [pulse('coop'), pulse('mill', { coords: [0.1, 0.2], ml_weight: 0.3 })]
    a.phase.setLocal(mine)
    await until(() => b.phase.peerPulses().filter((p) => p.node === a.peerId).length === 2, 'two pulses at b')
    const seen = b.phase
      .peerPulses()
      .filter((p) => p.node === a.peerId)
      .sort((x, y) => x.holon.localeCompare(y.holon))
    expect(seen.map(({ node: _, received_ms: __, ...p }) => p)).toEqual(mine)
    expect(seen[0]?.received_ms).toBeGreaterThan(Date.now() - 2000)
    // r over every known pulse: a's two and b's synthetic one
    const rb = b.phase.report()
    expect(rb.pulses).toBe(3)
    expect(rb.peers).toBe(1)
    // a's own phase is its first set pulse's beat phase: the time since its beat, over its 800 ms period
    // (ms clocks read around the report, 50 ms of slack before it; compared on the circle, so a beat in between
    // and rounding in the last bit do not matter)
    const t0 = Date.now()
    const ra = a.phase.report()
    const t1 = Date.now()
    const beatAt = (mine[0] as MeshPulse).beat_at
    const phaseAt = (t: number) => (2 * Math.PI * ((((t - beatAt) % 800) + 800) % 800)) / 800
    const after = centred(ra.phase - phaseAt(t0 - 50))
    expect(after).toBeGreaterThanOrEqual(-1e-9)
    expect(after).toBeLessThanOrEqual((2 * Math.PI * (t1 - t0 + 51)) / 800 + 1e-9)

    a.phase.setLocal(null)
    await until(
      () => b.phase.peerPulses().some((p) => p.node === a.peerId && p.holon === 'synthetic'),
      'the synthetic pulse again',
    )
    const synthetic = b.phase.peerPulses().find((p) => p.node === a.peerId && p.holon === 'synthetic')
    expect(synthetic).toMatchObject({ origin: `p2p/${a.peerId}`, period_ms: 1000 })
    // a's message now carries its complete set (the synthetic pulse): the set pulses are withdrawn
    await until(
      () => b.phase.peerPulses().filter((p) => p.node === a.peerId).length === 1,
      'set pulses withdrawn',
      5000,
    )
  })

  it('drops malformed, oversized, replayed and skewed phase messages and counts them', async () => {
    // gossipsub graylists a sender after two invalid messages: three senders, two bad messages each at most
    const made = await Promise.all(
      [0, 1, 2, 3].map(() => spawnNode({ phase, max_message_bytes: 2048 } as never)),
    )
    nodes.push(...made)
    await connect(made) // b is the hub
    const [b, a, c, d] = made as [Node, Node, Node, Node]
    // the senders publish nothing of their own: a complete set from d would withdraw the pulse it sends here
    for (const x of [a, c, d]) x.phase.setLocal([])
    await until(
      () => [a, c, d].every((x) => x.node.services.pubsub.getSubscribers(TOPICS.phase).length > 0),
      'subscriptions',
    )
    const pub = (n: Node, m: unknown) => n.node.services.pubsub.publish(TOPICS.phase, encode(m))
    const t = Date.now()
    await pub(a, { v: 1, phase: 1, omega: 6.28, t, pulse: 1 }) // version 1 is gone
    await pub(a, { v: 2, t: t + 1, pulses: [{ ...pulse('x'), extra: true }] })
    await pub(c, { v: 2, t: t + 2, pulses: Array.from({ length: 20 }, (_, i) => pulse(`h${i}`)) }) // > 2048 B
    await pub(c, { v: 2, t: t + 120_000, pulses: [pulse('future')] })
    await pub(d, { v: 2, t: t + 3, pulses: [pulse('ok')] })
    await until(() => b.phase.peerPulses().some((p) => p.holon === 'ok'), 'the valid pulse')
    await pub(d, { v: 2, t: t + 3, pulses: [pulse('again')] }) // not newer than the last from d
    await until(
      () =>
        b.metrics.get('phase.dropped.malformed') >= 2 &&
        b.metrics.get('phase.dropped.oversized') >= 1 &&
        b.metrics.get('phase.dropped.replay') >= 2,
      'drops by reason',
    ).catch((e) => {
      console.log(b.metrics.snapshot())
      throw e
    })
    const holons = b.phase.peerPulses().map((p) => p.holon)
    expect(holons).not.toContain('again')
    expect(holons).not.toContain('future')
  })

  it('stop() ends publishing', async () => {
    const [a] = await pair()
    await until(() => a.metrics.get('phase.published') >= 2, 'publishing')
    await a.stop()
    const n = a.metrics.get('phase.published')
    await new Promise((r) => setTimeout(r, 500))
    expect(a.metrics.get('phase.published')).toBe(n)
  })
})
