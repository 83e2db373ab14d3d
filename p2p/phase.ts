// Mesh phase synchronisation: Kuramoto coupling of the organisations' pulse oscillators over gossipsub.
//   dθ_i/dt = ω_i + K Σ_j w_j sin(θ_j − θ_i),  Σ_j w_j = 1 over live peers (equal, or exp(−κ d_ij) in the ball)
//   r e^{iψ} = mean over self and live peers of e^{iθ};   T_global = Σ_P w_P T_P (self included, weights summing to 1)
import type { Libp2p } from '@libp2p/interface'
import { distance } from '../functions/geometry/poincare.ts'
import { type GossipMessage, type GossipSub, TopicValidatorResult } from './gossip.ts'
import type { Logger } from './log.ts'
import type { Metrics } from './metrics.ts'
import { decode, encode, PhaseMessage, TOPICS, WireError } from './wire.ts'

const TWO_PI = 2 * Math.PI
const wrap = (x: number) => ((x % TWO_PI) + TWO_PI) % TWO_PI
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

export class PhaseSync {
  private theta: number
  private readonly omega: number
  private readonly peers = new Map<string, Peer>()
  private last = performance.now()
  private timers: ReturnType<typeof setInterval>[] = []
  private readonly node: Libp2p<{ pubsub: GossipSub }>
  private readonly opts: PhaseOptions
  private readonly log: Logger
  private readonly metrics: Metrics

  constructor(node: Libp2p<{ pubsub: GossipSub }>, opts: PhaseOptions, log: Logger, metrics: Metrics) {
    this.node = node
    this.opts = opts
    this.log = log
    this.metrics = metrics
    this.theta = opts.phase ?? Math.random() * TWO_PI
    this.omega = TWO_PI * opts.naturalHz
  }

  start(): void {
    const pubsub = this.node.services.pubsub
    pubsub.topicValidators.set(TOPICS.phase, (peer, msg) => this.validate(peer.toString(), msg))
    pubsub.addEventListener('message', (e) => {
      if (e.detail.topic === TOPICS.phase && e.detail.type === 'signed')
        this.receive(e.detail.from.toString(), e.detail.data)
    })
    pubsub.subscribe(TOPICS.phase)
    this.timers.push(setInterval(() => this.step(), 20))
    this.timers.push(setInterval(() => void this.publish(), this.opts.publishMs))
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t)
    this.timers = []
  }

  /** Rejects malformed, oversized, unsigned and replayed (not newer than the last from that sender) messages. */
  private validate(_from: string, msg: GossipMessage): TopicValidatorResult {
    this.metrics.inc('phase.received')
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
      this.metrics.inc(`phase.dropped.${e.reason}`)
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
    this.metrics.inc('phase.accepted')
  }

  private live(now: number): [string, Peer][] {
    for (const [id, p] of this.peers) {
      if (now - p.at > this.opts.timeoutMs) {
        this.peers.delete(id)
        this.log('info', 'peer phase timed out', { peer: id })
      }
    }
    return [...this.peers]
  }

  /** Coupling weights over live peers, summing to 1: exp(−κ d) when both ends have ball coordinates. */
  private weights(peers: [string, Peer][]): number[] {
    const raw = peers.map(([, p]) =>
      this.opts.coords && p.coords && p.coords.length === this.opts.coords.length
        ? Math.exp(-this.opts.kappa * distance(this.opts.coords, p.coords, this.opts.kappa))
        : 1,
    )
    const sum = raw.reduce((a, b) => a + b, 0)
    return raw.map((w) => w / sum)
  }

  private peerPhase(p: Peer, now: number): number {
    return wrap(p.phase + (p.omega * (now - p.at)) / 1000)
  }

  /** One explicit Euler step of the Kuramoto equation up to now. */
  step(): void {
    const now = performance.now()
    const dt = Math.min(0.1, (now - this.last) / 1000)
    this.last = now
    const peers = this.live(now)
    let pull = 0
    if (peers.length > 0) {
      const w = this.weights(peers)
      peers.forEach(([, p], i) => {
        pull += (w[i] as number) * Math.sin(this.peerPhase(p, now) - this.theta)
      })
    }
    this.theta = wrap(this.theta + dt * (this.omega + this.opts.coupling * pull))
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
      await this.node.services.pubsub.publish(TOPICS.phase, encode(msg))
      this.metrics.inc('phase.published')
    } catch (e) {
      this.log('debug', 'phase publish failed', { error: (e as Error).message })
    }
  }

  report(): PhaseReport {
    const now = performance.now()
    this.step()
    const peers = this.live(now)
    const phases = [this.theta, ...peers.map(([, p]) => this.peerPhase(p, now))]
    const re = phases.reduce((a, t) => a + Math.cos(t), 0) / phases.length
    const im = phases.reduce((a, t) => a + Math.sin(t), 0) / phases.length
    const psi = Math.atan2(im, re)
    let offset = wrap(this.theta - psi)
    if (offset > Math.PI) offset -= TWO_PI
    const self = 1 / (peers.length + 1)
    const w = peers.length > 0 ? this.weights(peers).map((x) => x * (1 - self)) : []
    const tGlobal = self * this.opts.pulse + peers.reduce((a, [, p], i) => a + (w[i] as number) * p.pulse, 0)
    return { phase: this.theta, r: Math.hypot(re, im), offset, t_global: tGlobal, peers: peers.length }
  }
}
