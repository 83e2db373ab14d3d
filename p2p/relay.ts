// The relay service (role relay): subscribed to every Omega topic so that gossipsub forwards them, it validates
// what passes and drops what is bad (counted, never forwarded, the sender's score falls), and keeps nothing.
import type { Startable } from '@libp2p/interface'
import { readArtifact, strictShape } from '../functions/rhizome/index.ts'
import {
  RhizomeAlert as AlertSchema,
  CheckpointAnnouncement,
  CosignatureBody,
  FlagBody,
} from '../schemas/federation.ts'
import type { NodeComponents, ServiceInit } from './components.ts'
import { type GossipMessage, TopicValidatorResult } from './gossip.ts'
import { decode, decodeJson, decodeSigned, PhaseMessage, TOPICS, WireError } from './wire.ts'

/** Clock skew tolerated on phase messages (as the phase service does). */
const MAX_SKEW_MS = 30_000

export interface RelayInit extends ServiceInit {
  maxBytes: number
}

type Topic = (typeof TOPICS)[keyof typeof TOPICS]

/**
 * What a relay can check without keeping state: an artifact fully (it carries its own key), a phase message's
 * shape and clock, and the strict shape of messages signed by keys it does not keep (alerts, checkpoints,
 * cosignatures, flags). The receivers check signatures against their pins; the relay stops the malformed.
 */
function check(topic: Topic, msg: GossipMessage, maxBytes: number): void {
  if (msg.type !== 'signed') throw new WireError('unsigned', 'unsigned')
  const data = msg.data
  const shaped = (schema: Parameters<typeof strictShape>[0], what: string) =>
    decodeSigned(data, maxBytes, (json) => strictShape(schema, json, what))
  switch (topic) {
    case TOPICS.rhizome:
      decodeSigned(data, maxBytes, readArtifact)
      return
    case TOPICS.phase: {
      const m = decode(data, PhaseMessage, maxBytes)
      if (Math.abs(m.t - Date.now()) > MAX_SKEW_MS) throw new WireError('replay', 'phase clock out of range')
      return
    }
    case TOPICS.alert:
      shaped(AlertSchema, 'alert')
      return
    case TOPICS.checkpoint:
      shaped(CheckpointAnnouncement, 'checkpoint announcement')
      return
    case TOPICS.witness: {
      const kind = (decodeJson(data, maxBytes) as { kind?: unknown } | null)?.kind
      if (kind === 'flag') shaped(FlagBody, 'flag')
      else if (kind === 'cosignature') {
        const c = shaped(CosignatureBody, 'cosignature') as { witness: string }
        // A cosignature is by the node that gossiped it (as the witness service requires).
        if (c.witness !== `omega-witness/${msg.from.toString()}`)
          throw new WireError('invalid', 'cosignature not by its sender')
      } else throw new WireError('malformed', 'a witness message is a cosignature or a flag')
      return
    }
  }
}

export class Relay implements Startable {
  running = false
  private readonly c: NodeComponents
  private readonly init: RelayInit

  constructor(components: NodeComponents, init: RelayInit) {
    this.c = components
    this.init = init
  }

  start(): void {
    for (const topic of Object.values(TOPICS))
      this.c.pubsub.topicValidators.set(topic, (_peer, msg) => this.validate(topic, msg))
    this.running = true
  }

  afterStart(): void {
    for (const topic of Object.values(TOPICS)) this.c.pubsub.subscribe(topic)
  }

  stop(): void {
    this.running = false
    // No unsubscribe: gossipsub may already be stopped, and it drops its subscriptions itself.
    for (const topic of Object.values(TOPICS)) this.c.pubsub.topicValidators.delete(topic)
  }

  private validate(topic: Topic, msg: GossipMessage): TopicValidatorResult {
    const name = topic.split('/')[1] as string
    this.init.metrics.inc(`relay.received.${name}`)
    try {
      check(topic, msg, this.init.maxBytes)
      this.init.metrics.inc(`relay.accepted.${name}`)
      return TopicValidatorResult.Accept
    } catch (e) {
      if (!(e instanceof WireError)) throw e
      this.init.metrics.inc(`relay.dropped.${name}.${e.reason}`)
      this.init.log('debug', 'relayed message dropped', { topic, reason: e.reason, detail: e.message })
      return TopicValidatorResult.Reject
    }
  }
}

/** The libp2p service factory: the only Omega service of a relay node. */
export const relay =
  (init: RelayInit) =>
  (components: NodeComponents): Relay =>
    new Relay(components, init)
