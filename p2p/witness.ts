// Cross-witnessing: announce our holons' checkpoints, check peers' for consistency with the last one seen
// (proof fetched from the announcing node, which asks its worker), cosign what holds, flag what does not.
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { ed25519 } from '@noble/curves/ed25519.js'
import { z } from 'zod'
import {
  type Checkpoint,
  cosign,
  fromBase64,
  hexToBytes,
  NoteError,
  toBase64,
  verifyCheckpoint,
  verifyCosignature,
} from '../functions/ledger/index.ts'
import { equalBytes, sha3Tree, verifyConsistency } from '../functions/merkle/index.ts'
import type { Bridge } from './bridge.ts'
import { type GossipMessage, type GossipSub, TopicValidatorResult } from './gossip.ts'
import type { Logger } from './log.ts'
import type { Metrics } from './metrics.ts'
import type { Rhizome } from './rhizome.ts'
import { decode, encode, PROTOCOLS, TOPICS, WireError } from './wire.ts'

const note = z.string().min(1).max(16_384)
export const CheckpointMessage = z.strictObject({
  v: z.literal(1),
  origin: z.string().max(256),
  holon: z.string().max(64),
  note,
})
export const WitnessMessage = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('cosignature'),
    origin: z.string().max(256),
    holon: z.string().max(64),
    note,
    witness: z.string().max(256),
    /** The witness's Ed25519 public key, base64; its name embeds the gossip sender's peer id. */
    witness_key: z.string().max(64),
    line: z.string().max(512),
  }),
  z.strictObject({
    kind: z.literal('flag'),
    reason: z.enum(['equivocation', 'inconsistent']),
    origin: z.string().max(256),
    notes: z.tuple([note, note]),
    detail: z.string().max(1024),
  }),
])
export type WitnessMessage = z.infer<typeof WitnessMessage>
const ProofRequest = z.strictObject({
  holon: z.string().max(64),
  from: z.number().int().positive(),
  to: z.number().int().positive(),
})
const ProofReply = z.strictObject({ proof: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(64) })

interface Seen extends Checkpoint {
  note: string
}

export class Witness {
  /** The last checkpoint of each peer origin we accepted (or took from its artifact). */
  readonly seen = new Map<string, Seen>()
  readonly flags: WitnessMessage[] = []
  /** Every signed checkpoint seen per origin and size (bounded): two roots for one size convict. */
  private readonly signed = new Map<string, Map<number, string>>()
  readonly name: string
  private timer?: ReturnType<typeof setInterval>
  private readonly published = new Map<string, string>()
  private readonly node: Libp2p<{ pubsub: GossipSub }>
  private readonly rhizome: Rhizome
  private readonly bridge: Bridge | undefined
  private readonly secret: Uint8Array
  private readonly log: Logger
  private readonly metrics: Metrics

  constructor(
    node: Libp2p<{ pubsub: GossipSub }>,
    o: { rhizome: Rhizome; bridge?: Bridge; secret: Uint8Array; log: Logger; metrics: Metrics },
  ) {
    this.node = node
    this.rhizome = o.rhizome
    this.bridge = o.bridge
    this.secret = o.secret
    this.log = o.log
    this.metrics = o.metrics
    this.name = `omega-witness/${node.peerId.toString()}`
  }

  async start(announceMs: number): Promise<void> {
    const pubsub = this.node.services.pubsub
    pubsub.topicValidators.set(TOPICS.checkpoint, (_p, m) => this.validateCheckpoint(m))
    pubsub.topicValidators.set(TOPICS.witness, (_p, m) => this.validateWitness(m))
    pubsub.addEventListener('message', (e) => {
      const m = e.detail
      if (m.topic === TOPICS.checkpoint && m.type === 'signed') void this.onCheckpoint(m.from, m.data)
      if (m.topic === TOPICS.witness && m.type === 'signed') void this.onWitness(m.data)
    })
    pubsub.subscribe(TOPICS.checkpoint)
    pubsub.subscribe(TOPICS.witness)
    await this.node.handle(PROTOCOLS.proof, (s) => this.answerProof(s), { maxInboundStreams: 8 })
    if (this.bridge) this.timer = setInterval(() => void this.announce(), announceMs)
  }

  stop(): void {
    clearInterval(this.timer)
  }

  /** The pinned key of a peer origin (from its rhizome artifact); its artifact's checkpoint seeds what we saw. */
  private keyOf(origin: string): string | undefined {
    const a = this.rhizome.known.get(origin)
    if (a && !this.seen.has(origin)) {
      try {
        this.seen.set(origin, { ...verifyCheckpoint(a.checkpoint, a.verifier_key), note: a.checkpoint })
      } catch {
        // an artifact's checkpoint was verified on arrival
      }
    }
    return a?.verifier_key
  }

  private reject(reason: string): TopicValidatorResult {
    this.metrics.inc(`witness.dropped.${reason}`)
    return TopicValidatorResult.Reject
  }

  private validateCheckpoint(msg: GossipMessage): TopicValidatorResult {
    try {
      const m = decode(msg.data, CheckpointMessage, 20_000)
      const key = this.keyOf(m.origin)
      if (!key) {
        this.metrics.inc('witness.ignored.unknown_origin')
        return TopicValidatorResult.Ignore
      }
      verifyCheckpoint(m.note, key)
      return TopicValidatorResult.Accept
    } catch (e) {
      if (e instanceof WireError) return this.reject(e.reason)
      if (e instanceof NoteError) return this.reject('invalid')
      throw e
    }
  }

  private validateWitness(msg: GossipMessage): TopicValidatorResult {
    try {
      const m = decode(msg.data, WitnessMessage, 40_000)
      if (m.kind === 'cosignature') {
        if (msg.type !== 'signed' || m.witness !== `omega-witness/${msg.from.toString()}`)
          return this.reject('invalid')
        const pub = fromBase64(m.witness_key)
        if (!pub || pub.length !== 32) return this.reject('invalid')
        verifyCosignature(m.line, m.note.slice(0, m.note.lastIndexOf('\n\n') + 1), m.witness, pub)
      } else {
        const key = this.keyOf(m.origin)
        if (!key) return TopicValidatorResult.Ignore
        const [a, b] = m.notes.map((n) => verifyCheckpoint(n, key)) as [Checkpoint, Checkpoint]
        if (m.reason === 'equivocation' && (a.size !== b.size || equalBytes(a.root, b.root)))
          return this.reject('invalid')
      }
      return TopicValidatorResult.Accept
    } catch (e) {
      if (e instanceof WireError) return this.reject(e.reason)
      if (e instanceof NoteError) return this.reject('invalid')
      throw e
    }
  }

  /** Publishes each local holon's checkpoint when it changed since the last announcement. */
  private async announce(): Promise<void> {
    if (!this.bridge) return
    try {
      for (const a of await this.bridge.local()) {
        const cp = await this.bridge.checkpoint(a.holon)
        if (this.published.get(a.origin) === cp) continue
        await this.node.services.pubsub.publish(
          TOPICS.checkpoint,
          encode({ v: 1, origin: a.origin, holon: a.holon, note: cp }),
        )
        this.published.set(a.origin, cp)
        this.metrics.inc('witness.announced')
      }
    } catch (e) {
      this.log('debug', 'checkpoint announce failed', { error: (e as Error).message })
    }
  }

  /** Checks a peer checkpoint: two roots for one size are equivocation; growth must be consistent to be cosigned. */
  private async onCheckpoint(from: PeerId, data: Uint8Array): Promise<void> {
    const m = decode(data, CheckpointMessage, 20_000)
    const key = this.keyOf(m.origin)
    if (!key) return
    const cp = verifyCheckpoint(m.note, key)
    const bySize = this.signed.get(m.origin) ?? new Map<number, string>()
    this.signed.set(m.origin, bySize)
    const other = bySize.get(cp.size)
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
      this.metrics.inc('witness.proof_unavailable')
      this.log('debug', 'consistency proof unavailable', { origin: m.origin, error: (e as Error).message })
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
    const body = m.note.slice(0, m.note.lastIndexOf('\n\n') + 1)
    const line = cosign(body, this.name, this.secret, Math.floor(Date.now() / 1000))
    const pub = toBase64(ed25519.getPublicKey(this.secret))
    const msg: WitnessMessage = {
      kind: 'cosignature',
      origin: m.origin,
      holon: m.holon,
      note: m.note,
      witness: this.name,
      witness_key: pub,
      line,
    }
    await this.node.services.pubsub.publish(TOPICS.witness, encode(msg))
    this.metrics.inc('witness.cosigned')
  }

  private async flag(
    reason: 'equivocation' | 'inconsistent',
    origin: string,
    notes: [string, string],
    detail: string,
  ) {
    const msg: WitnessMessage = { kind: 'flag', reason, origin, notes, detail }
    this.flags.push(msg)
    this.metrics.inc(`witness.flagged.${reason}`)
    this.log('warn', 'checkpoint flagged', { reason, origin, detail })
    await this.node.services.pubsub.publish(TOPICS.witness, encode(msg))
    await this.bridge?.flag(msg).catch(() => {})
  }

  /** Cosignatures of our own holons' checkpoints go to our worker; flags about anyone are kept and relayed. */
  private async onWitness(data: Uint8Array): Promise<void> {
    const m = decode(data, WitnessMessage, 40_000)
    if (m.kind === 'flag') {
      this.flags.push(m)
      this.metrics.inc(`witness.flag_received.${m.reason}`)
      await this.bridge?.flag(m).catch(() => {})
      return
    }
    if (!this.bridge || !this.published.has(m.origin)) return
    try {
      await this.bridge.cosignature(m)
      this.metrics.inc('witness.cosignatures_delivered')
    } catch (e) {
      this.log('warn', 'cosignature delivery failed', { error: (e as Error).message })
    }
  }

  private async fetchProof(peer: PeerId, holon: string, from: number, to: number): Promise<Uint8Array[]> {
    const stream = await this.node.dialProtocol(peer, PROTOCOLS.proof, { signal: AbortSignal.timeout(5000) })
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
      if (!this.bridge) throw new Error('no worker behind this node')
      const proof = await this.bridge.consistency(req.holon, req.from, req.to)
      await lp.write(encode({ proof }))
      await stream.close()
    } catch (e) {
      stream.abort(e as Error)
    }
  }
}
