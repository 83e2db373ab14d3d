// The witness service: announce our holons' checkpoints, check peers' for consistency with the last one seen
// (proof fetched from the announcing node, which asks its worker), cosign what holds, flag what does not.
// Evidence is read by the pure core (functions/rhizome/evidence.ts), the same checks the worker runs.
import type { PeerId, Startable, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { ed25519 } from '@noble/curves/ed25519.js'
import { z } from 'zod'
import { type Checkpoint, cosign, hexToBytes, toBase64, verifyCheckpoint } from '../functions/ledger/index.ts'
import { equalBytes, sha3Tree, verifyConsistency } from '../functions/merkle/index.ts'
import {
  type Cosignature,
  type Flag,
  noteBody,
  type PinnedOf,
  readAnnouncement,
  readWitnessMessage,
} from '../functions/rhizome/index.ts'
import type { NodeComponents, ServiceInit } from './components.ts'
import { type GossipMessage, TopicValidatorResult } from './gossip.ts'
import type { Rhizome } from './rhizome.ts'
import { decode, decodeJson, decodeSigned, encode, PROTOCOLS, TOPICS, WireError } from './wire.ts'

export type WitnessMessage = (Cosignature & { kind: 'cosignature' }) | (Flag & { kind: 'flag' })

const ANNOUNCEMENT_BYTES = 20_000
const WITNESS_BYTES = 40_000
const ProofRequest = z.strictObject({
  holon: z.string().max(64),
  from: z.number().int().positive(),
  to: z.number().int().positive(),
})
const ProofReply = z.strictObject({ proof: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(64) })

interface Seen extends Checkpoint {
  note: string
}

export interface WitnessInit extends ServiceInit {
  /** How often local holons' checkpoints are announced (when they changed). */
  announceMs: number
}

type Components = NodeComponents & { rhizome: Rhizome }

export class Witness implements Startable {
  /** The last checkpoint of each peer origin we accepted (or took from its artifact). */
  readonly seen = new Map<string, Seen>()
  readonly flags: WitnessMessage[] = []
  /** Every signed checkpoint seen per origin and size (bounded): two roots for one size convict. */
  private readonly signed = new Map<string, Map<number, string>>()
  readonly name: string
  running = false
  private timer?: ReturnType<typeof setInterval>
  private readonly published = new Map<string, string>()
  private readonly c: Components
  private readonly init: WitnessInit
  /** The peer identity's Ed25519 seed doubles as the witness key (its name embeds the peer id). */
  private readonly secret: Uint8Array
  private readonly onMessage = (e: CustomEvent<GossipMessage>) => {
    const m = e.detail
    if (m.topic === TOPICS.checkpoint && m.type === 'signed') void this.onCheckpoint(m.from, m.data)
    if (m.topic === TOPICS.witness && m.type === 'signed') void this.onWitness(m.data)
  }
  /** Pinned keys and holons come from the rhizome's verified artifacts. */
  private readonly pinned: PinnedOf = (origin) => this.keyOf(origin)

  constructor(components: Components, init: WitnessInit) {
    this.c = components
    this.init = init
    this.secret = components.privateKey.raw.slice(0, 32)
    this.name = `omega-witness/${components.peerId.toString()}`
  }

  async start(): Promise<void> {
    this.c.pubsub.topicValidators.set(TOPICS.checkpoint, (_p, m) => this.validateCheckpoint(m))
    this.c.pubsub.topicValidators.set(TOPICS.witness, (_p, m) => this.validateWitness(m))
    await this.c.registrar.handle(PROTOCOLS.proof, (s) => this.answerProof(s), { maxInboundStreams: 8 })
    this.running = true
  }

  afterStart(): void {
    this.c.pubsub.addEventListener('message', this.onMessage)
    this.c.pubsub.subscribe(TOPICS.checkpoint)
    this.c.pubsub.subscribe(TOPICS.witness)
    if (this.init.bridge) this.timer = setInterval(() => void this.announce(), this.init.announceMs)
  }

  async stop(): Promise<void> {
    this.running = false
    clearInterval(this.timer)
    this.timer = undefined
    this.c.pubsub.removeEventListener('message', this.onMessage)
    this.c.pubsub.topicValidators.delete(TOPICS.checkpoint)
    this.c.pubsub.topicValidators.delete(TOPICS.witness)
    await this.c.registrar.unhandle(PROTOCOLS.proof)
  }

  /** The pinned artifact of a peer origin; its checkpoint seeds what we saw. */
  private keyOf(origin: string) {
    const a = this.c.rhizome.known.get(origin)
    if (a && !this.seen.has(origin)) {
      try {
        this.seen.set(origin, { ...verifyCheckpoint(a.checkpoint, a.verifier_key), note: a.checkpoint })
      } catch {
        // an artifact's checkpoint was verified on arrival
      }
    }
    return a
  }

  private verdict(f: () => unknown, topic: string): TopicValidatorResult {
    try {
      f()
      return TopicValidatorResult.Accept
    } catch (e) {
      if (!(e instanceof WireError)) throw e
      // Evidence about an origin we know nothing of is not the sender's fault: ignored, not penalised.
      if (e.reason === 'unknown_origin') {
        this.init.metrics.inc(`witness.ignored.${topic}.unknown_origin`)
        return TopicValidatorResult.Ignore
      }
      this.init.metrics.inc(`witness.dropped.${e.reason}`)
      return TopicValidatorResult.Reject
    }
  }

  private validateCheckpoint(msg: GossipMessage): TopicValidatorResult {
    return this.verdict(
      () => decodeSigned(msg.data, ANNOUNCEMENT_BYTES, (json) => readAnnouncement(json, this.pinned)),
      'checkpoint',
    )
  }

  private validateWitness(msg: GossipMessage): TopicValidatorResult {
    return this.verdict(() => {
      if (msg.type !== 'signed') throw new WireError('unsigned', 'unsigned')
      const m = decodeSigned(msg.data, WITNESS_BYTES, (json) => readWitnessMessage(json, this.pinned))
      // A cosignature is by the node that gossiped it: its name embeds the sender's peer id.
      if (m.kind === 'cosignature' && m.message.witness !== `omega-witness/${msg.from.toString()}`)
        throw new WireError('invalid', 'cosignature not by its sender')
    }, 'witness')
  }

  /** Publishes each local holon's checkpoint when it changed since the last announcement. */
  private async announce(): Promise<void> {
    const bridge = this.init.bridge
    if (!bridge) return
    try {
      for (const a of await bridge.local()) {
        const cp = await bridge.checkpoint(a.holon)
        if (this.published.get(a.origin) === cp || !this.running) continue
        await this.c.pubsub.publish(
          TOPICS.checkpoint,
          encode({ v: 1, origin: a.origin, holon: a.holon, note: cp }),
        )
        this.published.set(a.origin, cp)
        this.init.metrics.inc('witness.announced')
      }
    } catch (e) {
      this.init.log('debug', 'checkpoint announce failed', { error: (e as Error).message })
    }
  }

  /** Checks a peer checkpoint: two roots for one size are equivocation; growth must be consistent to be cosigned. */
  private async onCheckpoint(from: PeerId, data: Uint8Array): Promise<void> {
    const { message: m, checkpoint: cp } = decodeSigned(data, ANNOUNCEMENT_BYTES, (json) =>
      readAnnouncement(json, this.pinned),
    )
    const bySize = this.signed.get(m.origin) ?? new Map<number, string>()
    this.signed.set(m.origin, bySize)
    const other = bySize.get(cp.size)
    const key = this.c.rhizome.known.get(m.origin)?.verifier_key as string
    if (other && !equalBytes(verifyCheckpoint(other, key).root, cp.root)) {
      return this.flag('equivocation', m.origin, [other, m.note], `two roots signed for size ${cp.size}`)
    }
    bySize.set(cp.size, m.note)
    if (bySize.size > 256) bySize.delete(bySize.keys().next().value as number)
    const last = this.seen.get(m.origin)
    if (!last || cp.size <= last.size) return
    let consistent: boolean
    try {
      const proof = await this.fetchProof(from, m.holon, last.size, cp.size)
      consistent = verifyConsistency(sha3Tree, last.size, cp.size, proof, last.root, cp.root)
    } catch (e) {
      this.init.metrics.inc('witness.proof_unavailable')
      this.init.log('debug', 'consistency proof unavailable', {
        origin: m.origin,
        error: (e as Error).message,
      })
      return
    }
    if (!consistent) {
      return this.flag(
        'inconsistent',
        m.origin,
        [last.note, m.note],
        `size ${last.size} is not a prefix of size ${cp.size}`,
      )
    }
    this.seen.set(m.origin, { ...cp, note: m.note })
    const line = cosign(noteBody(m.note), this.name, this.secret, Math.floor(Date.now() / 1000))
    const msg: WitnessMessage = {
      kind: 'cosignature',
      origin: m.origin,
      holon: m.holon,
      note: m.note,
      witness: this.name,
      witness_key: toBase64(ed25519.getPublicKey(this.secret)),
      line,
    }
    await this.c.pubsub.publish(TOPICS.witness, encode(msg))
    this.init.metrics.inc('witness.cosigned')
  }

  private async flag(
    reason: 'equivocation' | 'inconsistent',
    origin: string,
    notes: [string, string],
    detail: string,
  ) {
    const msg: WitnessMessage = { kind: 'flag', reason, origin, notes, detail }
    this.flags.push(msg)
    this.init.metrics.inc(`witness.flagged.${reason}`)
    this.init.log('warn', 'checkpoint flagged', { reason, origin, detail })
    await this.c.pubsub.publish(TOPICS.witness, encode(msg))
    await this.init.bridge?.flag(msg).catch(() => {})
  }

  /** Cosignatures of our own holons' checkpoints go to our worker; flags about anyone are kept and relayed. */
  private async onWitness(data: Uint8Array): Promise<void> {
    const m = decodeJson(data, WITNESS_BYTES) as WitnessMessage
    if (m.kind === 'flag') {
      this.flags.push(m)
      this.init.metrics.inc(`witness.flag_received.${m.reason}`)
      await this.init.bridge?.flag(m).catch(() => {})
      return
    }
    if (!this.init.bridge || !this.published.has(m.origin)) return
    try {
      await this.init.bridge.cosignature(m)
      this.init.metrics.inc('witness.cosignatures_delivered')
    } catch (e) {
      this.init.log('warn', 'cosignature delivery failed', { error: (e as Error).message })
    }
  }

  private async fetchProof(peer: PeerId, holon: string, from: number, to: number): Promise<Uint8Array[]> {
    const stream = await this.c.connectionManager.openStream(peer, PROTOCOLS.proof, {
      signal: AbortSignal.timeout(5000),
    })
    const lp = lpStream(stream)
    await lp.write(encode({ holon, from, to }))
    const reply = decode(
      (await lp.read({ signal: AbortSignal.timeout(10_000) })).subarray(),
      ProofReply,
      8192,
    )
    await stream.close().catch(() => {})
    return reply.proof.map(hexToBytes)
  }

  private async answerProof(stream: Stream): Promise<void> {
    const lp = lpStream(stream)
    try {
      const req = decode(
        (await lp.read({ signal: AbortSignal.timeout(5000) })).subarray(),
        ProofRequest,
        1024,
      )
      if (!this.init.bridge) throw new Error('no worker behind this node')
      const proof = await this.init.bridge.consistency(req.holon, req.from, req.to)
      await lp.write(encode({ proof }))
      await stream.close()
    } catch (e) {
      stream.abort(e as Error)
    }
  }
}

/** The libp2p service factory (after `rhizome`, whose pinned artifacts it checks evidence against). */
export const witness =
  (init: WitnessInit) =>
  (components: Components): Witness =>
    new Witness(components, init)
