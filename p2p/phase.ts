// The phase service: publishes this organisation's pulses on the phase topic and keeps peers' pulses. A node
// with a worker publishes its holons' real beats (GET /v1/federation/pulses) and delivers peers' pulses back in
// batches (POST /v1/federation/phases), where each holon's alarm couples its next beat to them. A node without
// a worker runs a synthetic Kuramoto oscillator, published as one pulse. The maths is pure (functions/phase).
import type { Startable } from '@libp2p/interface'
import {
  beatPhase,
  centred,
  couplingWeights,
  globalPulse,
  kuramotoStep,
  orderParameter,
  TWO_PI,
} from '../functions/phase/index.ts'
import type { MeshPulse } from '../schemas/federation.ts'
import type { NodeComponents, ServiceInit } from './components.ts'
import { type GossipMessage, TopicValidatorResult } from './gossip.ts'
import { decode, encode, PhaseMessage, TOPICS, WireError } from './wire.ts'

/** Clock skew tolerated between organisations. */
const MAX_SKEW_MS = 30_000
/** The registry takes at most this many pulses a call. */
const DELIVERY_BATCH = 1000

export interface PhaseOptions {
  naturalHz: number
  coupling: number
  publishMs: number
  timeoutMs: number
  kappa: number
  coords?: number[]
  pulse: number
  /** Initial phase (random by default). */
  phase?: number
  /** Largest phase message, in bytes (the node's max_message_bytes). */
  maxBytes?: number
}

/** A peer's pulse as kept here and delivered to the worker: which node published it, and when we received it. */
export type PeerPulse = MeshPulse & { node: string; received_ms: number }

export interface PhaseReport {
  /** Our beat phase (the first local pulse's, or the synthetic oscillator's), radians in [0, 2π). */
  phase: number
  /** Order parameter r in [0, 1] over the beat phases of every known pulse, ours and the peers'. */
  r: number
  /** Our phase minus the mean phase ψ, in (−π, π]. */
  offset: number
  /** Re T_global = Σ w_P Re T_P (ours weighing 1 / (n + 1)). */
  t_global: number
  /** Live peer nodes (distinct senders). */
  peers: number
  /** Live pulses known: ours and the peers'. */
  pulses: number
}

const key = (node: string, p: MeshPulse) => `${node}\n${p.origin}\n${p.holon}`

export class PhaseSync implements Startable {
  running = false
  private theta: number
  private readonly omega: number
  private readonly peers = new Map<string, PeerPulse>()
  /** Last message time per sender, for the replay rule (kept a while after the sender went silent). */
  private readonly lastT = new Map<string, { t: number; at: number }>()
  /** Received since the last delivery to the worker, the latest per (sender, origin, holon). */
  private pending = new Map<string, PeerPulse>()
  private explicit: MeshPulse[] | null = null
  private bridged: MeshPulse[] | null = null
  private lastSent = 0
  private lastText = ''
  private lastPublish = 0
  private busy = false
  private last = performance.now()
  private timers: ReturnType<typeof setInterval>[] = []
  private readonly c: NodeComponents
  private readonly opts: PhaseOptions
  private readonly init: ServiceInit
  private readonly maxBytes: number
  private readonly onMessage = (e: CustomEvent<GossipMessage>) => {
    if (e.detail.topic === TOPICS.phase && e.detail.type === 'signed')
      this.receive(e.detail.from.toString(), e.detail.data)
  }

  constructor(components: NodeComponents, opts: PhaseOptions, init: ServiceInit) {
    this.c = components
    this.opts = opts
    this.init = init
    this.theta = opts.phase ?? Math.random() * TWO_PI
    this.omega = TWO_PI * opts.naturalHz
    this.maxBytes = opts.maxBytes ?? 64 * 1024
  }

  start(): void {
    this.c.pubsub.topicValidators.set(TOPICS.phase, (_peer, msg) => this.validate(msg))
    this.running = true
  }

  afterStart(): void {
    this.c.pubsub.addEventListener('message', this.onMessage)
    this.c.pubsub.subscribe(TOPICS.phase)
    this.timers.push(setInterval(() => this.step(), 20))
    this.timers.push(setInterval(() => void this.tick(), this.opts.publishMs))
  }

  stop(): void {
    this.running = false
    for (const t of this.timers) clearInterval(t)
    this.timers = []
    this.c.pubsub.removeEventListener('message', this.onMessage)
    this.c.pubsub.topicValidators.delete(TOPICS.phase)
  }

  /** Publish these pulses instead of the worker's or the synthetic one (null: back to those). */
  setLocal(pulses: MeshPulse[] | null): void {
    this.explicit = pulses === null ? null : pulses.map((p) => ({ ...p }))
  }

  /** Peers' live pulses: published by another node within `timeoutMs`. */
  peerPulses(): PeerPulse[] {
    return this.live(Date.now())
  }

  /** What we publish: set pulses, else the worker's holons' beats, else the synthetic oscillator as one pulse. */
  localPulses(): MeshPulse[] {
    if (this.explicit) return this.explicit
    if (this.init.bridge) return this.bridged ?? []
    const now = Date.now()
    const period = Math.max(100, Math.round(1000 / this.opts.naturalHz))
    const next = Math.round(now + ((TWO_PI - this.theta) / this.omega) * 1000)
    return [
      {
        holon: 'synthetic',
        origin: `p2p/${this.c.peerId.toString()}`,
        beat_at: Math.max(0, next - period),
        next_at: next,
        period_ms: period,
        t_sync: { re: this.opts.pulse, im: 0 },
        ...(this.opts.coords && { coords: this.opts.coords }),
      },
    ]
  }

  /** Rejects malformed, oversized, unsigned, replayed (not newer than the last from that sender) and skewed messages. */
  private validate(msg: GossipMessage): TopicValidatorResult {
    this.init.metrics.inc('phase.received')
    try {
      if (msg.type !== 'signed') throw new WireError('unsigned', 'unsigned')
      const m = decode(msg.data, PhaseMessage, this.maxBytes)
      const prior = this.lastT.get(msg.from.toString())
      if ((prior && m.t <= prior.t) || Math.abs(m.t - Date.now()) > MAX_SKEW_MS) {
        throw new WireError('replay', 'stale or replayed phase')
      }
      return TopicValidatorResult.Accept
    } catch (e) {
      if (!(e instanceof WireError)) throw e
      this.init.metrics.inc(`phase.dropped.${e.reason}`)
      return TopicValidatorResult.Reject
    }
  }

  private receive(from: string, data: Uint8Array): void {
    const m = decode(data, PhaseMessage, this.maxBytes)
    const prior = this.lastT.get(from)
    if (prior && m.t <= prior.t) return
    this.step()
    const now = Date.now()
    this.lastT.set(from, { t: m.t, at: now })
    if (m.all) {
      // the sender's complete set: a pulse it no longer publishes (a stopped holon, the synthetic one) goes now
      const current = new Set(m.pulses.map((p) => key(from, p)))
      for (const [k, p] of this.peers) if (p.node === from && !current.has(k)) this.peers.delete(k)
    }
    for (const p of m.pulses) {
      const kept: PeerPulse = { ...p, node: from, received_ms: now }
      this.peers.set(key(from, p), kept)
      if (this.init.bridge) this.pending.set(key(from, p), kept)
    }
    this.init.metrics.inc('phase.accepted')
  }

  private live(now: number): PeerPulse[] {
    for (const [id, p] of this.peers) {
      if (now - p.received_ms > this.opts.timeoutMs) {
        this.peers.delete(id)
        this.init.log('info', 'peer pulse timed out', { peer: p.node, holon: p.holon })
      }
    }
    for (const [from, l] of this.lastT)
      if (now - l.at > MAX_SKEW_MS + this.opts.timeoutMs) this.lastT.delete(from)
    return [...this.peers.values()]
  }

  private weights(coords: readonly (readonly number[] | undefined)[]): number[] {
    return couplingWeights(this.opts.coords, coords, this.opts.kappa)
  }

  /** One explicit Euler step of the synthetic oscillator up to now, coupled to every live peer pulse. */
  step(): void {
    const t = performance.now()
    const dt = Math.min(0.1, (t - this.last) / 1000)
    this.last = t
    if (this.explicit || this.init.bridge) return // real pulses are published: the oscillator stands idle
    const now = Date.now()
    const peers = this.live(now)
    const w = this.weights(peers.map((p) => p.coords))
    const coupled = peers.map((p, i) => ({
      phase: beatPhase(p.next_at, p.period_ms, now),
      weight: w[i] as number,
    }))
    this.theta = kuramotoStep(this.theta, this.omega, this.opts.coupling, dt, coupled)
  }

  /** Each publishing period: refresh the worker's pulses, publish ours, deliver what peers sent. */
  private async tick(): Promise<void> {
    if (this.busy || !this.running) return
    this.busy = true
    try {
      const bridge = this.init.bridge
      if (bridge && !this.explicit) {
        this.bridged = await bridge.pulses().catch((e: unknown) => {
          this.init.log('warn', 'pulses from the worker failed', { error: (e as Error).message })
          return this.bridged
        })
      }
      this.step()
      // Unchanged pulses are republished only as a keep-alive (a third of the peers' timeout): a holon's beat
      // changes them once a period, and each message costs every peer a signature check.
      const pulses = this.localPulses()
      const text = JSON.stringify(pulses)
      const now = Date.now()
      if (text !== this.lastText || now - this.lastPublish >= this.opts.timeoutMs / 3) {
        this.lastText = text
        this.lastPublish = now
        await this.publish(pulses)
      }
      if (bridge) await this.deliver()
    } finally {
      this.busy = false
    }
  }

  /** Our pulses in as few messages as the size limit allows, each with a strictly newer `t`. */
  private async publish(pulses: MeshPulse[]): Promise<void> {
    const ENVELOPE = 64 // {"v":2,"t":…,"pulses":[…],"all":true}
    const batches: MeshPulse[][] = []
    let batch: MeshPulse[] = []
    let bytes = ENVELOPE
    for (const p of pulses) {
      const size = encode(p).length + 1
      if (batch.length > 0 && (batch.length >= 1000 || bytes + size > this.maxBytes)) {
        batches.push(batch)
        batch = []
        bytes = ENVELOPE
      }
      batch.push(p)
      bytes += size
    }
    if (batch.length > 0) batches.push(batch)
    for (const b of batches) {
      this.lastSent = Math.max(Date.now(), this.lastSent + 1)
      const m = encode({
        v: 2,
        t: this.lastSent,
        pulses: b,
        ...(batches.length === 1 && { all: true }),
      } satisfies PhaseMessage)
      if (m.length > this.maxBytes) continue // one pulse alone over the limit: peers would refuse it
      try {
        await this.c.pubsub.publish(TOPICS.phase, m)
        this.init.metrics.inc('phase.published')
      } catch (e) {
        this.init.log('debug', 'phase publish failed', { error: (e as Error).message })
      }
    }
  }

  /** Peers' pulses received since the last delivery, one call per sending node (the registry keys by node). */
  private async deliver(): Promise<void> {
    const bridge = this.init.bridge
    if (!bridge || this.pending.size === 0) return
    const byNode = new Map<string, MeshPulse[]>()
    for (const { node, received_ms: _, ...p } of this.pending.values()) {
      const list = byNode.get(node) ?? []
      list.push(p)
      byNode.set(node, list)
    }
    this.pending = new Map()
    for (const [node, pulses] of byNode) {
      for (let i = 0; i < pulses.length; i += DELIVERY_BATCH) {
        try {
          const r = await bridge.phases(node, pulses.slice(i, i + DELIVERY_BATCH))
          this.init.metrics.inc('phase.delivered', r.accepted)
          for (const [reason, n] of Object.entries(r.dropped))
            this.init.metrics.inc(`phase.worker_dropped.${reason}`, n)
        } catch (e) {
          this.init.log('warn', 'phase delivery failed', { error: (e as Error).message })
        }
      }
    }
  }

  report(): PhaseReport {
    this.step()
    const now = Date.now()
    const peers = this.live(now)
    const own = this.localPulses()
    const ownPhases = own.map((p) => beatPhase(p.next_at, p.period_ms, now))
    const phase = this.explicit || this.init.bridge ? (ownPhases[0] ?? this.theta) : this.theta
    const all = [...ownPhases, ...peers.map((p) => beatPhase(p.next_at, p.period_ms, now))]
    const { r, psi } = orderParameter(all.length > 0 ? all : [phase])
    const w = this.weights(peers.map((p) => p.coords))
    const selfPulse = own.length > 0 ? own.reduce((a, p) => a + p.t_sync.re, 0) / own.length : 0
    const tGlobal = globalPulse(
      selfPulse,
      peers.map((p, i) => ({ pulse: p.t_sync.re, weight: w[i] as number })),
    )
    return {
      phase,
      r,
      offset: centred(phase - psi),
      t_global: tGlobal,
      peers: new Set(peers.map((p) => p.node)).size,
      pulses: all.length,
    }
  }
}

/** The libp2p service factory: `services: { phase: phaseSync({ ... }) }`. */
export const phaseSync =
  (opts: PhaseOptions, init: ServiceInit) =>
  (components: NodeComponents): PhaseSync =>
    new PhaseSync(components, opts, init)
