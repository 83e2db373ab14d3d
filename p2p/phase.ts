// The phase service: Kuramoto coupling of the organisations' pulse oscillators over gossipsub. The maths is
// pure (functions/phase); this keeps the peers' last phases, steps on a timer and publishes ours.
import type { Startable } from '@libp2p/interface'
import {
  advance,
  centred,
  couplingWeights,
  globalPulse,
  kuramotoStep,
  orderParameter,
  TWO_PI,
} from '../functions/phase/index.ts'
import type { NodeComponents, ServiceInit } from './components.ts'
import { type GossipMessage, TopicValidatorResult } from './gossip.ts'
import { decode, encode, PhaseMessage, TOPICS, WireError } from './wire.ts'

/** Clock skew tolerated between organisations. */
const MAX_SKEW_MS = 30_000

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
}

interface Peer {
  phase: number
  omega: number
  /** Local receive time (ms) of `phase`: the peer's phase now is extrapolated from it. */
  at: number
  sentAt: number
  pulse: number
  coords?: number[]
}

export interface PhaseReport {
  phase: number
  /** Order parameter r in [0, 1]: 1 when every live oscillator has the same phase. */
  r: number
  /** This node's phase minus the mean phase ψ, in (−π, π]. */
  offset: number
  t_global: number
  peers: number
}

export class PhaseSync implements Startable {
  running = false
  private theta: number
  private readonly omega: number
  private readonly peers = new Map<string, Peer>()
  private last = performance.now()
  private timers: ReturnType<typeof setInterval>[] = []
  private readonly c: NodeComponents
  private readonly opts: PhaseOptions
  private readonly init: ServiceInit
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
  }

  start(): void {
    this.c.pubsub.topicValidators.set(TOPICS.phase, (_peer, msg) => this.validate(msg))
    this.running = true
  }

  afterStart(): void {
    this.c.pubsub.addEventListener('message', this.onMessage)
    this.c.pubsub.subscribe(TOPICS.phase)
    this.timers.push(setInterval(() => this.step(), 20))
    this.timers.push(setInterval(() => void this.publish(), this.opts.publishMs))
  }

  stop(): void {
    this.running = false
    for (const t of this.timers) clearInterval(t)
    this.timers = []
    this.c.pubsub.removeEventListener('message', this.onMessage)
    this.c.pubsub.topicValidators.delete(TOPICS.phase)
  }

  /** Rejects malformed, oversized, unsigned and replayed (not newer than the last from that sender) messages. */
  private validate(msg: GossipMessage): TopicValidatorResult {
    this.init.metrics.inc('phase.received')
    try {
      if (msg.type !== 'signed') throw new WireError('unsigned', 'unsigned')
      const m = decode(msg.data, PhaseMessage, 4096)
      const prior = this.peers.get(msg.from.toString())
      if ((prior && m.t <= prior.sentAt) || Math.abs(m.t - Date.now()) > MAX_SKEW_MS) {
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
    const m = decode(data, PhaseMessage, 4096)
    const prior = this.peers.get(from)
    if (prior && m.t <= prior.sentAt) return
    this.step()
    this.peers.set(from, {
      phase: m.phase,
      omega: m.omega,
      at: performance.now(),
      sentAt: m.t,
      pulse: m.pulse,
      coords: m.coords,
    })
    this.init.metrics.inc('phase.accepted')
  }

  private live(now: number): Peer[] {
    for (const [id, p] of this.peers) {
      if (now - p.at > this.opts.timeoutMs) {
        this.peers.delete(id)
        this.init.log('info', 'peer phase timed out', { peer: id })
      }
    }
    return [...this.peers.values()]
  }

  private weights(peers: Peer[]): number[] {
    return couplingWeights(
      this.opts.coords,
      peers.map((p) => p.coords),
      this.opts.kappa,
    )
  }

  private peerPhase(p: Peer, now: number): number {
    return advance(p.phase, p.omega, (now - p.at) / 1000)
  }

  /** One explicit Euler step of the Kuramoto equation up to now. */
  step(): void {
    const now = performance.now()
    const dt = Math.min(0.1, (now - this.last) / 1000)
    this.last = now
    const peers = this.live(now)
    const w = this.weights(peers)
    const coupled = peers.map((p, i) => ({ phase: this.peerPhase(p, now), weight: w[i] as number }))
    this.theta = kuramotoStep(this.theta, this.omega, this.opts.coupling, dt, coupled)
  }

  private async publish(): Promise<void> {
    this.step()
    const msg: PhaseMessage = {
      v: 1,
      phase: this.theta,
      omega: this.omega,
      t: Date.now(),
      pulse: this.opts.pulse,
      ...(this.opts.coords && { coords: this.opts.coords }),
    }
    try {
      await this.c.pubsub.publish(TOPICS.phase, encode(msg))
      this.init.metrics.inc('phase.published')
    } catch (e) {
      this.init.log('debug', 'phase publish failed', { error: (e as Error).message })
    }
  }

  report(): PhaseReport {
    const now = performance.now()
    this.step()
    const peers = this.live(now)
    const { r, psi } = orderParameter([this.theta, ...peers.map((p) => this.peerPhase(p, now))])
    const w = this.weights(peers)
    const tGlobal = globalPulse(
      this.opts.pulse,
      peers.map((p, i) => ({ pulse: p.pulse, weight: w[i] as number })),
    )
    return { phase: this.theta, r, offset: centred(this.theta - psi), t_global: tGlobal, peers: peers.length }
  }
}

/** The libp2p service factory: `services: { phase: phaseSync({ ... }) }`. */
export const phaseSync =
  (opts: PhaseOptions, init: ServiceInit) =>
  (components: NodeComponents): PhaseSync =>
    new PhaseSync(components, opts, init)
