// Assembles an Omega federation node: libp2p 3 (TCP, WebSockets, Noise, Yamux, identify, ping, gossipsub with
// strict signing and peer scoring), the rhizome and phase services, and the bridge loop to the worker.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { Alerts } from './alerts.ts'
import { Bridge } from './bridge.ts'
import type { NodeConfig } from './config.ts'
import { gossipsub, StrictSign } from './gossip.ts'
import { type Logger, logger } from './log.ts'
import { Metrics } from './metrics.ts'
import { PhaseSync } from './phase.ts'
import { Rhizome } from './rhizome.ts'
import { TOPICS } from './wire.ts'
import { Witness } from './witness.ts'

export type OmegaNode = Awaited<ReturnType<typeof startNode>>

export async function startNode(
  config: NodeConfig,
  privateKey: PrivateKey,
  log: Logger = logger(config.log),
) {
  const metrics = new Metrics()
  const node = await createLibp2p({
    privateKey,
    addresses: { listen: config.listen },
    connectionManager: { inboundConnectionThreshold: config.inbound_per_second },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        globalSignaturePolicy: StrictSign,
        allowPublishToZeroTopicPeers: true,
        allowedTopics: Object.values(TOPICS),
        // Gossipsub discards anything past 4x the limit unread; between 1x and 4x our validator counts and rejects it.
        maxInboundDataLength: config.max_message_bytes * 4,
        // Invalid messages (P4) weigh heavily: a peer that keeps sending them is pruned, then graylisted.
        scoreParams: {
          topics: Object.fromEntries(
            Object.values(TOPICS).map((t) => [
              t,
              {
                topicWeight: 1,
                timeInMeshWeight: 0.01,
                timeInMeshQuantum: 1000,
                timeInMeshCap: 100,
                firstMessageDeliveriesWeight: 1,
                firstMessageDeliveriesDecay: 0.9,
                firstMessageDeliveriesCap: 50,
                meshMessageDeliveriesWeight: 0,
                meshMessageDeliveriesDecay: 0.9,
                meshMessageDeliveriesCap: 10,
                meshMessageDeliveriesThreshold: 1,
                meshMessageDeliveriesWindow: 10,
                meshMessageDeliveriesActivation: 5000,
                meshFailurePenaltyWeight: 0,
                meshFailurePenaltyDecay: 0.9,
                invalidMessageDeliveriesWeight: -100,
                invalidMessageDeliveriesDecay: 0.99,
              },
            ]),
          ),
        },
        scoreThresholds: { gossipThreshold: -50, publishThreshold: -100, graylistThreshold: -400 },
      }),
    },
  })
  const bridge =
    config.worker && config.token ? new Bridge(config.worker, config.token, config.state) : undefined
  const rhizome = new Rhizome(node, { bridge, log, metrics, maxBytes: config.max_message_bytes })
  await rhizome.start()
  const phase = new PhaseSync(
    node,
    {
      naturalHz: config.phase.natural_hz,
      coupling: config.phase.coupling,
      publishMs: config.phase.publish_ms,
      timeoutMs: config.phase.timeout_ms,
      kappa: config.phase.kappa,
      coords: config.phase.coords,
      pulse: config.phase.pulse ?? 1 / config.phase.natural_hz,
      phase: config.phase.phase_init,
    },
    log,
    metrics,
  )
  phase.start()
  // The peer identity's Ed25519 seed doubles as the witness key (its name embeds the peer id).
  const witness = new Witness(node, { rhizome, bridge, secret: privateKey.raw.slice(0, 32), log, metrics })
  await witness.start(config.checkpoint_ms)
  const alerts = new Alerts(node, { rhizome, bridge, log, metrics })
  alerts.start()

  // Each new peer is asked for what it knows: nothing published is lost to a node that was away.
  node.addEventListener('peer:identify', (e) => {
    if (!e.detail.protocols.includes('/omega/catch-up/1.0.0')) return
    rhizome
      .catchUp(e.detail.peerId)
      .catch((err) => log('debug', 'catch-up failed', { error: (err as Error).message }))
  })

  let polling: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const poll = async () => {
    if (!bridge || stopped) return
    try {
      const { artifacts, alerts: raised, commit } = await bridge.pull()
      for (const a of artifacts) await rhizome.publish(a)
      for (const a of raised) await alerts.publish(a)
      commit()
      await bridge.presence(node.peerId.toString(), phase.report().peers)
    } catch (e) {
      log('warn', 'outbox poll failed', { error: (e as Error).message })
    }
    if (!stopped) polling = setTimeout(poll, config.poll_ms)
  }
  void poll()

  for (const addr of config.peers) {
    node
      .dial(multiaddr(addr))
      .catch((e) => log('warn', 'dial failed', { peer: addr, error: (e as Error).message }))
  }
  log('info', 'node started', { peer: node.peerId.toString(), listen: node.getMultiaddrs().map(String) })

  return {
    node,
    rhizome,
    phase,
    witness,
    alerts,
    metrics,
    peerId: node.peerId.toString(),
    addrs: () => node.getMultiaddrs(),
    async stop() {
      stopped = true
      clearTimeout(polling)
      phase.stop()
      witness.stop()
      await node.stop()
      log('info', 'node stopped', { metrics: metrics.snapshot() })
    },
  }
}
