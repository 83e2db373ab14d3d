// Cross-witnessing between nodes: a holon that signs two roots for one size is flagged to every peer.
import { afterAll, describe, expect, it } from 'vitest'
import { signCheckpoint } from '../../functions/ledger/index.ts'
import { encode, TOPICS } from '../../p2p/wire.ts'
import { artifact, connect, spawnNode, teardown, until } from './support.ts'

type Node = Awaited<ReturnType<typeof spawnNode>>
const nodes: Node[] = []
afterAll(() => teardown(nodes))

describe('witnessing', () => {
  it('flags equivocation with the evidence, on every node; forged checkpoints are dropped', async () => {
    const made = await Promise.all([spawnNode(), spawnNode(), spawnNode()])
    nodes.push(...made)
    await connect(made)
    const [rogue, w1, w2] = made as [Node, Node, Node]
    await until(
      () => made.every((n) => n.node.services.pubsub.getSubscribers(TOPICS.checkpoint).length > 0),
      'mesh',
    )
    const org = artifact()
    await rogue.rhizome.publish(org.artifact)
    await until(() => w1.rhizome.known.has(org.origin) && w2.rhizome.known.has(org.origin), 'artifact known')

    const at = (fill: number) =>
      signCheckpoint({ origin: org.origin, size: 5, root: new Uint8Array(32).fill(fill) }, org.secret)
    const pubsub = rogue.node.services.pubsub
    await pubsub.publish(TOPICS.checkpoint, encode({ v: 1, origin: org.origin, holon: 'coop', note: at(1) }))
    await until(() => w1.witness.seen.get(org.origin)?.size === 5, 'first checkpoint seen', 10_000).catch(
      () => {},
    )
    await pubsub.publish(TOPICS.checkpoint, encode({ v: 1, origin: org.origin, holon: 'coop', note: at(2) }))
    for (const w of [w1, w2]) {
      await until(
        () => w.witness.flags.some((f) => f.kind === 'flag' && f.reason === 'equivocation'),
        'equivocation flagged',
      )
    }
    const forged = signCheckpoint(
      { origin: org.origin, size: 6, root: new Uint8Array(32) },
      artifact().secret,
    )
    await pubsub.publish(TOPICS.checkpoint, encode({ v: 1, origin: org.origin, holon: 'coop', note: forged }))
    await until(() => w1.metrics.get('witness.dropped.invalid') >= 1, 'forged checkpoint dropped')
    expect(w1.metrics.get('witness.cosigned')).toBe(0)

    // Signed notes inside, one unsigned member added outside: dropped as malformed, on every message type.
    const flag = w1.witness.flags.find((f) => f.kind === 'flag')
    await pubsub.publish(
      TOPICS.checkpoint,
      encode({ v: 1, origin: org.origin, holon: 'coop', note: at(1), relayed: true }),
    )
    await pubsub.publish(TOPICS.witness, encode({ ...flag, severity: 'high' }))
    await until(
      () => w1.metrics.get('witness.dropped.malformed') >= 2,
      'padded announcement and flag dropped',
    )
    // An announcement naming another holon than the origin's artifact does.
    await pubsub.publish(TOPICS.checkpoint, encode({ v: 1, origin: org.origin, holon: 'other', note: at(1) }))
    await until(() => w1.metrics.get('witness.dropped.invalid') >= 2, 'wrong holon dropped')
  })
})

describe('inconsistency', () => {
  it('a checkpoint whose consistency proof fails is flagged with both checkpoints as evidence', async () => {
    const { lpStream } = await import('@libp2p/utils')
    const { PROTOCOLS } = await import('../../p2p/wire.ts')
    const made = await Promise.all([spawnNode(), spawnNode()])
    nodes.push(...made)
    await connect(made)
    const [rogue, w] = made as [Node, Node]
    await until(
      () => made.every((n) => n.node.services.pubsub.getSubscribers(TOPICS.checkpoint).length > 0),
      'mesh',
    )
    // The rogue answers proof requests with a proof that cannot hold.
    await rogue.node.unhandle(PROTOCOLS.proof)
    await rogue.node.handle(PROTOCOLS.proof, async (stream) => {
      const lp = lpStream(stream)
      await lp.read()
      await lp.write(encode({ proof: ['ab'.repeat(32), 'cd'.repeat(32)] }))
      await stream.close()
    })
    const org = artifact()
    await rogue.rhizome.publish(org.artifact)
    await until(() => w.rhizome.known.has(org.origin), 'artifact known')
    const grown = signCheckpoint(
      { origin: org.origin, size: 6, root: new Uint8Array(32).fill(9) },
      org.secret,
    )
    await rogue.node.services.pubsub.publish(
      TOPICS.checkpoint,
      encode({ v: 1, origin: org.origin, holon: 'coop', note: grown }),
    )
    await until(
      () => w.witness.flags.some((f) => f.kind === 'flag' && f.reason === 'inconsistent'),
      'inconsistency flagged',
    )
    const flag = w.witness.flags.find((f) => f.kind === 'flag') as { notes: string[] }
    expect(flag.notes).toEqual([org.artifact.checkpoint, grown])
    expect(w.metrics.get('witness.cosigned')).toBe(0)
  })
})
