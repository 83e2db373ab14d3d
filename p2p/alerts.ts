// The alerts service: our holons' ALERT/QUARANTINE decisions out, peers' verified ones in.
import type { Startable } from '@libp2p/interface'
import { type RhizomeAlert, readAlert } from '../functions/rhizome/index.ts'
import type { NodeComponents, ServiceInit } from './components.ts'
import { type GossipMessage, TopicValidatorResult } from './gossip.ts'
import type { Rhizome } from './rhizome.ts'
import { decodeJson, decodeSigned, encode, TOPICS, WireError } from './wire.ts'

const MAX_BYTES = 8192

export class Alerts implements Startable {
  /** Latest alert per origin. */
  readonly latest = new Map<string, RhizomeAlert>()
  running = false
  private readonly c: NodeComponents & { rhizome: Rhizome }
  private readonly init: ServiceInit
  private readonly onMessage = (e: CustomEvent<GossipMessage>) => {
    if (e.detail.topic === TOPICS.alert) void this.accepted(e.detail.data)
  }

  constructor(components: NodeComponents & { rhizome: Rhizome }, init: ServiceInit) {
    this.c = components
    this.init = init
  }

  start(): void {
    this.c.pubsub.topicValidators.set(TOPICS.alert, (_p, m) => this.validate(m))
    this.running = true
  }

  afterStart(): void {
    this.c.pubsub.addEventListener('message', this.onMessage)
    this.c.pubsub.subscribe(TOPICS.alert)
  }

  stop(): void {
    this.running = false
    this.c.pubsub.removeEventListener('message', this.onMessage)
    this.c.pubsub.topicValidators.delete(TOPICS.alert)
  }

  /** Exactly what was received is signed with the origin's pinned key (from its artifact), and newer than the last. */
  private check(bytes: Uint8Array): RhizomeAlert {
    const a = decodeSigned(bytes, MAX_BYTES, (json) =>
      readAlert(json, (origin) => this.c.rhizome.known.get(origin)?.verifier_key),
    )
    const last = this.latest.get(a.origin)
    if (last && a.issued_at <= last.issued_at) throw new WireError('replay', 'not newer than the last alert')
    return a
  }

  private validate(msg: GossipMessage): TopicValidatorResult {
    this.init.metrics.inc('alert.received')
    try {
      if (msg.type !== 'signed') throw new WireError('unsigned', 'unsigned')
      this.check(msg.data)
      return TopicValidatorResult.Accept
    } catch (e) {
      if (!(e instanceof WireError)) throw e
      this.init.metrics.inc(`alert.dropped.${e.reason}`)
      return TopicValidatorResult.Reject
    }
  }

  private async accepted(data: Uint8Array): Promise<void> {
    const a = decodeJson(data, MAX_BYTES) as RhizomeAlert
    const last = this.latest.get(a.origin)
    if (last && a.issued_at <= last.issued_at) return
    this.latest.set(a.origin, a)
    this.init.metrics.inc('alert.accepted')
    this.init.log('warn', 'peer holon alert', { origin: a.origin, decision: a.decision, threat: a.threat })
    await this.init.bridge
      ?.alert(a)
      .catch((e) => this.init.log('warn', 'alert delivery failed', { error: (e as Error).message }))
  }

  async publish(a: RhizomeAlert): Promise<void> {
    await this.c.pubsub.publish(TOPICS.alert, encode(a))
    this.init.metrics.inc('alert.published')
  }
}

/** The libp2p service factory (after `rhizome`, whose pinned keys it checks against). */
export const alerts =
  (init: ServiceInit) =>
  (components: NodeComponents & { rhizome: Rhizome }): Alerts =>
    new Alerts(components, init)
