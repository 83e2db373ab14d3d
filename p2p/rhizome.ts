// The rhizome service: validates artifacts before gossip forwards them, delivers them to the worker, publishes
// the worker's own, and answers and sends catch-up requests so late joiners miss nothing.
import type { IdentifyResult, PeerId, Startable, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { admit, installationOf, type RhizomeArtifact, readArtifact } from '../functions/rhizome/index.ts'
import type { NodeComponents, ServiceInit } from './components.ts'
import { NotInRoleError } from './config.ts'
import { type GossipMessage, TopicValidatorResult } from './gossip.ts'
import {
  CatchUpReply,
  decode,
  decodeJson,
  decodeSigned,
  encode,
  PROTOCOLS,
  TOPICS,
  WireError,
} from './wire.ts'

export interface RhizomeInit extends ServiceInit {
  maxBytes: number
  /** False on a witness node: it keeps peers' artifacts for their keys but publishes none of its own. */
  publishes?: boolean
}

export class Rhizome implements Startable {
  /** The latest verified artifact per origin, ours and our peers'. */
  readonly known = new Map<string, RhizomeArtifact>()
  /** Origins of our own holons (published from our worker's outbox). */
  readonly own = new Set<string>()
  /** (origin, key) conflicts already reported to the worker (bounded). */
  private readonly reported = new Set<string>()
  running = false
  private readonly c: NodeComponents
  private readonly init: RhizomeInit
  private readonly onMessage = (e: CustomEvent<GossipMessage>) => {
    if (e.detail.topic === TOPICS.rhizome) void this.accepted(e.detail)
  }
  // Each new peer is asked for what it knows: nothing published is lost to a node that was away.
  private readonly onIdentify = (e: CustomEvent<IdentifyResult>) => {
    if (!e.detail.protocols.includes(PROTOCOLS.catchUp)) return
    this.catchUp(e.detail.peerId).catch((err) =>
      this.init.log('debug', 'catch-up failed', { error: (err as Error).message }),
    )
  }

  constructor(components: NodeComponents, init: RhizomeInit) {
    this.c = components
    this.init = init
  }

  async start(): Promise<void> {
    this.c.pubsub.topicValidators.set(TOPICS.rhizome, (_peer, msg) => this.validate(msg))
    await this.c.registrar.handle(PROTOCOLS.catchUp, (stream) => this.answerCatchUp(stream), {
      maxInboundStreams: 8,
    })
    this.running = true
  }

  afterStart(): void {
    this.c.pubsub.addEventListener('message', this.onMessage)
    this.c.events.addEventListener('peer:identify', this.onIdentify)
    this.c.pubsub.subscribe(TOPICS.rhizome)
  }

  async stop(): Promise<void> {
    this.running = false
    this.c.pubsub.removeEventListener('message', this.onMessage)
    this.c.events.removeEventListener('peer:identify', this.onIdentify)
    this.c.pubsub.topicValidators.delete(TOPICS.rhizome)
    await this.c.registrar.unhandle(PROTOCOLS.catchUp)
  }

  /**
   * Checks one artifact: strictly, over exactly the members received (pure core), then the pin and replay
   * rule shared with the worker. A refusal is counted; the artifact is never forwarded.
   */
  check(bytes: Uint8Array): RhizomeArtifact {
    const a = decodeSigned(bytes, this.init.maxBytes, readArtifact)
    const prior = this.known.get(a.origin)
    const { outcome, detail } = admit(a, prior)
    if (outcome === 'key_mismatch') {
      const mine = this.own.has(a.origin)
      this.init.log(
        'warn',
        mine ? 'a peer announces one of our origins' : 'origin announced with another key',
        {
          origin: a.origin,
          pinned_key: prior?.verifier_key,
          announced_key: a.verifier_key,
        },
      )
      this.reportConflict(a)
      throw new WireError('key_mismatch', detail ?? 'not the pinned key')
    }
    if (outcome === 'conflict') throw new WireError('conflict', detail ?? 'two kernels for one version')
    if (outcome !== 'accepted')
      throw new WireError('replay', `not newer than ${a.origin} v${prior?.kernel_version}`)
    return a
  }

  /**
   * A validly signed artifact under another key than the pinned one goes to the worker once per (origin, key):
   * the worker refuses it too and lists the conflict in its federation document, so it is not only in our log.
   */
  private reportConflict(a: RhizomeArtifact): void {
    const key = `${a.origin}\n${a.verifier_key}`
    if (!this.init.bridge || this.reported.has(key) || this.reported.size >= 1024) return
    this.reported.add(key)
    void this.deliver([a])
  }

  private validate(msg: GossipMessage): TopicValidatorResult {
    this.init.metrics.inc('rhizome.received')
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
    this.init.metrics.inc(`rhizome.dropped.${reason}`)
    this.init.log('debug', 'rhizome message dropped', { reason, detail })
    return TopicValidatorResult.Reject
  }

  /** A peer whose installation shares our ledger origin is a collision waiting to happen: say so where it shows. */
  private warnCollision(a: RhizomeArtifact): void {
    const ours = new Set([...this.own].map(installationOf))
    if (!ours.has(installationOf(a.origin))) return
    this.init.metrics.inc('rhizome.origin_collision')
    this.init.log('warn', 'a peer uses our ledger origin', {
      origin: a.origin,
      installation: installationOf(a.origin),
      announced_key: a.verifier_key,
      hint: 'each installation needs its own OMEGA_LEDGER_ORIGIN',
    })
  }

  /** Gossipsub emits only what the validator accepted: the artifact is verified, only a race is left to rule out. */
  private async accepted(msg: GossipMessage): Promise<void> {
    const a = decodeJson(msg.data, this.init.maxBytes) as RhizomeArtifact
    if (admit(a, this.known.get(a.origin)).outcome !== 'accepted') return
    this.known.set(a.origin, a)
    this.init.metrics.inc('rhizome.accepted')
    this.init.log('info', 'peer artifact', { origin: a.origin, kernel_version: a.kernel_version })
    this.warnCollision(a)
    await this.deliver([a])
  }

  private async deliver(artifacts: RhizomeArtifact[]): Promise<void> {
    if (!this.init.bridge || artifacts.length === 0) return
    try {
      const results = await this.init.bridge.deliver(artifacts)
      for (const r of results) this.init.metrics.inc(`inbox.${r.outcome}`)
    } catch (e) {
      this.init.metrics.inc('inbox.failed')
      this.init.log('warn', 'inbox delivery failed', { error: (e as Error).message })
    }
  }

  /** Publishes our own artifact (from the worker's outbox). */
  async publish(a: RhizomeArtifact): Promise<void> {
    if (this.init.publishes === false) throw new NotInRoleError('a witness node publishes no artifacts')
    this.known.set(a.origin, a)
    this.own.add(a.origin)
    await this.c.pubsub.publish(TOPICS.rhizome, encode(a))
    this.init.metrics.inc('rhizome.published')
  }

  private async answerCatchUp(stream: Stream): Promise<void> {
    const lp = lpStream(stream)
    try {
      await lp.read({ signal: AbortSignal.timeout(5000) })
      const local = this.init.bridge ? await this.init.bridge.local().catch(() => []) : []
      const all = new Map(this.known)
      for (const a of local) if (admit(a, all.get(a.origin)).outcome === 'accepted') all.set(a.origin, a)
      await lp.write(encode({ artifacts: [...all.values()] }))
      await stream.close()
    } catch (e) {
      this.init.log('debug', 'catch-up answer failed', { error: (e as Error).message })
      stream.abort(e as Error)
    }
  }

  /** Asks one peer for every artifact it knows; each goes through the same checks as gossip. */
  async catchUp(peer: PeerId): Promise<number> {
    const stream = await this.c.connectionManager.openStream(peer, PROTOCOLS.catchUp, {
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
        this.warnCollision(a)
        fresh.push(a)
      } catch (e) {
        if (!(e instanceof WireError)) throw e
        if (e.reason !== 'replay') this.init.metrics.inc(`catchup.dropped.${e.reason}`)
      }
    }
    this.init.metrics.inc('catchup.accepted', fresh.length)
    await this.deliver(fresh)
    return fresh.length
  }
}

/** The libp2p service factory: `services: { rhizome: rhizome({ ... }) }`. */
export const rhizome =
  (init: RhizomeInit) =>
  (components: NodeComponents): Rhizome =>
    new Rhizome(components, init)
