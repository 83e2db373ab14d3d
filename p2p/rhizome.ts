// Rhizome handshakes on the node: validate artifacts before gossip forwards them, deliver them to the worker,
// publish the worker's own, and answer and send catch-up requests so late joiners miss nothing.
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { ArtifactError, type RhizomeArtifact, verifyArtifact } from '../functions/rhizome/index.ts'
import { RhizomeArtifact as ArtifactSchema } from '../schemas/federation.ts'
import type { Bridge } from './bridge.ts'
import { type GossipMessage, type GossipSub, TopicValidatorResult } from './gossip.ts'
import type { Logger } from './log.ts'
import type { Metrics } from './metrics.ts'
import { CatchUpReply, decode, encode, PROTOCOLS, TOPICS, WireError } from './wire.ts'

type Services = { pubsub: GossipSub }

/** Newer means a higher kernel version, or the same version issued later; anything else is a replay. */
const newer = (a: RhizomeArtifact, than: RhizomeArtifact | undefined) =>
  !than ||
  a.kernel_version > than.kernel_version ||
  (a.kernel_version === than.kernel_version && a.issued_at > than.issued_at)

export class Rhizome {
  /** The latest verified artifact per origin, ours and our peers'. */
  readonly known = new Map<string, RhizomeArtifact>()
  private readonly node: Libp2p<Services>
  private readonly bridge: Bridge | undefined
  private readonly log: Logger
  private readonly metrics: Metrics
  private readonly maxBytes: number

  constructor(
    node: Libp2p<Services>,
    opts: { bridge?: Bridge; log: Logger; metrics: Metrics; maxBytes: number },
  ) {
    this.node = node
    this.bridge = opts.bridge
    this.log = opts.log
    this.metrics = opts.metrics
    this.maxBytes = opts.maxBytes
  }

  async start(): Promise<void> {
    const pubsub = this.node.services.pubsub
    pubsub.topicValidators.set(TOPICS.rhizome, (_peer, msg) => this.validate(msg))
    pubsub.addEventListener('message', (e) => {
      if (e.detail.topic === TOPICS.rhizome) void this.accepted(e.detail)
    })
    pubsub.subscribe(TOPICS.rhizome)
    await this.node.handle(PROTOCOLS.catchUp, (stream) => this.answerCatchUp(stream), {
      maxInboundStreams: 8,
    })
  }

  /** Checks one artifact; the reason of a refusal is counted, the artifact is never forwarded. */
  check(bytes: Uint8Array): RhizomeArtifact {
    const a = decode(bytes, ArtifactSchema, this.maxBytes) as RhizomeArtifact
    try {
      verifyArtifact(a)
    } catch (e) {
      if (e instanceof ArtifactError) throw new WireError('invalid', e.message)
      throw e
    }
    const prior = this.known.get(a.origin)
    if (prior && prior.verifier_key !== a.verifier_key)
      throw new WireError('invalid', `origin ${a.origin} re-keyed`)
    if (!newer(a, prior))
      throw new WireError('replay', `not newer than ${a.origin} v${prior?.kernel_version}`)
    return a
  }

  private validate(msg: GossipMessage): TopicValidatorResult {
    this.metrics.inc('rhizome.received')
    if (msg.type !== 'signed') return this.drop('unsigned', 'unsigned message')
    try {
      this.check(msg.data)
      return TopicValidatorResult.Accept
    } catch (e) {
      if (e instanceof WireError) return this.drop(e.reason, e.message)
      throw e
    }
  }

  /** Rejected messages are not forwarded, and gossipsub's score penalises the peer that sent them. */
  private drop(reason: string, detail: string): TopicValidatorResult {
    this.metrics.inc(`rhizome.dropped.${reason}`)
    this.log('debug', 'rhizome message dropped', { reason, detail })
    return TopicValidatorResult.Reject
  }

  private async accepted(msg: GossipMessage): Promise<void> {
    const a = decode(msg.data, ArtifactSchema, this.maxBytes) as RhizomeArtifact
    if (!newer(a, this.known.get(a.origin))) return
    this.known.set(a.origin, a)
    this.metrics.inc('rhizome.accepted')
    this.log('info', 'peer artifact', { origin: a.origin, kernel_version: a.kernel_version })
    await this.deliver([a])
  }

  private async deliver(artifacts: RhizomeArtifact[]): Promise<void> {
    if (!this.bridge || artifacts.length === 0) return
    try {
      const results = await this.bridge.deliver(artifacts)
      for (const r of results) this.metrics.inc(`inbox.${r.outcome}`)
    } catch (e) {
      this.metrics.inc('inbox.failed')
      this.log('warn', 'inbox delivery failed', { error: (e as Error).message })
    }
  }

  /** Publishes our own artifact (from the worker's outbox). */
  async publish(a: RhizomeArtifact): Promise<void> {
    this.known.set(a.origin, a)
    await this.node.services.pubsub.publish(TOPICS.rhizome, encode(a))
    this.metrics.inc('rhizome.published')
  }

  private async answerCatchUp(stream: Stream): Promise<void> {
    const lp = lpStream(stream)
    try {
      await lp.read({ signal: AbortSignal.timeout(5000) })
      const local = this.bridge ? await this.bridge.local().catch(() => []) : []
      const all = new Map([...this.known].map(([k, v]) => [k, v]))
      for (const a of local) if (newer(a, all.get(a.origin))) all.set(a.origin, a)
      await lp.write(encode({ artifacts: [...all.values()] }))
      await stream.close()
    } catch (e) {
      this.log('debug', 'catch-up answer failed', { error: (e as Error).message })
      stream.abort(e as Error)
    }
  }

  /** Asks one peer for every artifact it knows; each goes through the same checks as gossip. */
  async catchUp(peer: PeerId): Promise<number> {
    const stream = await this.node.dialProtocol(peer, PROTOCOLS.catchUp, {
      signal: AbortSignal.timeout(5000),
    })
    const lp = lpStream(stream, { maxDataLength: 16 * 1024 * 1024 })
    await lp.write(encode({ v: 1 }))
    const reply = decode(
      (await lp.read({ signal: AbortSignal.timeout(10_000) })).subarray(),
      CatchUpReply,
      16 * 1024 * 1024,
    )
    await stream.close().catch(() => {})
    const fresh: RhizomeArtifact[] = []
    for (const raw of reply.artifacts) {
      try {
        const a = this.check(encode(raw))
        this.known.set(a.origin, a)
        fresh.push(a)
      } catch (e) {
        if (!(e instanceof WireError)) throw e
        if (e.reason !== 'replay') this.metrics.inc(`catchup.dropped.${e.reason}`)
      }
    }
    this.metrics.inc('catchup.accepted', fresh.length)
    await this.deliver(fresh)
    return fresh.length
  }
}
