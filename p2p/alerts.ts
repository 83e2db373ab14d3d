// Holon alerts between organisations: our holons' ALERT/QUARANTINE decisions out, peers' verified ones in.
import type { Libp2p } from '@libp2p/interface'
import { ArtifactError, type RhizomeAlert, verifyAlert } from '../functions/rhizome/index.ts'
import { RhizomeAlert as AlertSchema } from '../schemas/federation.ts'
import type { Bridge } from './bridge.ts'
import { type GossipMessage, type GossipSub, TopicValidatorResult } from './gossip.ts'
import type { Logger } from './log.ts'
import type { Metrics } from './metrics.ts'
import type { Rhizome } from './rhizome.ts'
import { decode, encode, TOPICS, WireError } from './wire.ts'

export class Alerts {
  /** Latest alert per origin. */
  readonly latest = new Map<string, RhizomeAlert>()
  private readonly node: Libp2p<{ pubsub: GossipSub }>
  private readonly rhizome: Rhizome
  private readonly bridge: Bridge | undefined
  private readonly log: Logger
  private readonly metrics: Metrics

  constructor(
    node: Libp2p<{ pubsub: GossipSub }>,
    o: { rhizome: Rhizome; bridge?: Bridge; log: Logger; metrics: Metrics },
  ) {
    this.node = node
    this.rhizome = o.rhizome
    this.bridge = o.bridge
    this.log = o.log
    this.metrics = o.metrics
  }

  start(): void {
    const pubsub = this.node.services.pubsub
    pubsub.topicValidators.set(TOPICS.alert, (_p, m) => this.validate(m))
    pubsub.addEventListener('message', (e) => {
      if (e.detail.topic === TOPICS.alert) void this.accepted(e.detail.data)
    })
    pubsub.subscribe(TOPICS.alert)
  }

  /** Signed with the origin's pinned key (from its artifact) and newer than its last alert. */
  private check(bytes: Uint8Array): RhizomeAlert {
    const a = decode(bytes, AlertSchema, 8192) as RhizomeAlert
    const key = this.rhizome.known.get(a.origin)?.verifier_key
    if (!key) throw new WireError('invalid', `no artifact known for ${a.origin}`)
    try {
      verifyAlert(a, key)
    } catch (e) {
      if (e instanceof ArtifactError) throw new WireError('invalid', e.message)
      throw e
    }
    const last = this.latest.get(a.origin)
    if (last && a.issued_at <= last.issued_at) throw new WireError('replay', 'not newer than the last alert')
    return a
  }

  private validate(msg: GossipMessage): TopicValidatorResult {
    this.metrics.inc('alert.received')
    try {
      if (msg.type !== 'signed') throw new WireError('unsigned', 'unsigned')
      this.check(msg.data)
      return TopicValidatorResult.Accept
    } catch (e) {
      if (!(e instanceof WireError)) throw e
      this.metrics.inc(`alert.dropped.${e.reason}`)
      return TopicValidatorResult.Reject
    }
  }

  private async accepted(data: Uint8Array): Promise<void> {
    const a = decode(data, AlertSchema, 8192) as RhizomeAlert
    const last = this.latest.get(a.origin)
    if (last && a.issued_at <= last.issued_at) return
    this.latest.set(a.origin, a)
    this.metrics.inc('alert.accepted')
    this.log('warn', 'peer holon alert', { origin: a.origin, decision: a.decision, threat: a.threat })
    await this.bridge
      ?.alert(a)
      .catch((e) => this.log('warn', 'alert delivery failed', { error: (e as Error).message }))
  }

  async publish(a: RhizomeAlert): Promise<void> {
    await this.node.services.pubsub.publish(TOPICS.alert, encode(a))
    this.metrics.inc('alert.published')
  }
}
