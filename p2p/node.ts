// Assembles an Omega federation node: libp2p 3 (TCP, WebSockets, Noise, Yamux, identify, ping, gossipsub with
// strict signing and peer scoring) and the Omega libp2p services its role runs (rhizome, phase, witness, alerts,
// outbox for a full node; phase for a light one; rhizome and witness for a witness; relay for a relay).
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { type Alerts, alerts } from './alerts.ts'
import { Bridge } from './bridge.ts'
import type { ServiceInit } from './components.ts'
import { isPublic, type NodeConfig, NotInRoleError, type Role } from './config.ts'
import { gossipsub, StrictSign } from './gossip.ts'
import { type Logger, logger } from './log.ts'
import { Metrics } from './metrics.ts'
import { type Outbox, outbox } from './outbox.ts'
import { type PhaseSync, phaseSync } from './phase.ts'
import { type Relay, relay } from './relay.ts'
import { type Rhizome, rhizome } from './rhizome.ts'
import { TOPICS } from './wire.ts'
import { type Witness, witness } from './witness.ts'

export type OmegaNode = Awaited<ReturnType<typeof startNode>>

export interface OmegaServices {
  rhizome: Rhizome
  phase: PhaseSync
  witness: Witness
  alerts: Alerts
  outbox: Outbox
  relay: Relay
}
export type OmegaService = keyof OmegaServices

/** The Omega services each role runs, in libp2p's dependency order (a service sees those before it). */
export const ROLE_SERVICES: Record<Role, readonly OmegaService[]> = {
  full: ['rhizome', 'phase', 'witness', 'alerts', 'outbox'],
  light: ['phase'],
  witness: ['rhizome', 'witness'],
  relay: ['relay'],
}

type ServiceFactories = {
  rhizome: ReturnType<typeof rhizome>
  phase: ReturnType<typeof phaseSync>
  witness: ReturnType<typeof witness>
  alerts: ReturnType<typeof alerts>
  outbox: ReturnType<typeof outbox>
  relay: ReturnType<typeof relay>
}

/** The factories of a role's services; only a full node talks to its worker (the others get no bridge). */
function omegaServices(config: NodeConfig, shared: ServiceInit) {
  const factories = {
    rhizome: () =>
      rhizome({ ...shared, maxBytes: config.max_message_bytes, publishes: config.role === 'full' }),
    phase: () =>
      phaseSync(
        {
          naturalHz: config.phase.natural_hz,
          coupling: config.phase.coupling,
          publishMs: config.phase.publish_ms,
          timeoutMs: config.phase.timeout_ms,
          kappa: config.phase.kappa,
          coords: config.phase.coords,
          pulse: config.phase.pulse ?? 1 / config.phase.natural_hz,
          phase: config.phase.phase_init,
          maxBytes: config.max_message_bytes,
        },
        shared,
      ),
    witness: () => witness({ ...shared, announceMs: config.checkpoint_ms }),
    alerts: () => alerts(shared),
    outbox: () => outbox({ ...shared, pollMs: config.poll_ms }),
    relay: () => relay({ ...shared, maxBytes: config.max_message_bytes }),
  }
  return Object.fromEntries(ROLE_SERVICES[config.role].map((name) => [name, factories[name]()]))
}

/**
 * Omega's services are libp2p services (factory -> Startable, registered in `services`, in dependency order):
 * libp2p starts them with the node, and node.stop() stops every one of them.
 */
export async function startNode(
  config: NodeConfig,
  privateKey: PrivateKey,
  log: Logger = logger(config.log),
) {
  const metrics = new Metrics()
  const bridge =
    config.role === 'full' && config.worker && config.token
      ? new Bridge(config.worker, config.token, config.state)
      : undefined
  const shared = { bridge, log, metrics }
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
      // Typed as a full node's services; a node of another role has only its own (the getters below refuse).
      ...(omegaServices(config, shared) as unknown as ServiceFactories),
    },
  })
  for (const addr of config.peers) {
    node
      .dial(multiaddr(addr))
      .catch((e) => log('warn', 'dial failed', { peer: addr, error: (e as Error).message }))
  }
  const listen = node.getMultiaddrs().map(String)
  log('info', 'node started', { peer: node.peerId.toString(), role: config.role, listen })
  const open = config.listen.filter(isPublic)
  if (open.length > 0)
    log('warn', 'listening on a public address: reachable by anyone who can route to this host', {
      listen: open,
    })

  const running = node.services as unknown as Partial<OmegaServices>
  const service = <K extends OmegaService>(name: K): OmegaServices[K] => {
    const s = running[name]
    if (!s) throw new NotInRoleError(`a ${config.role} node runs no ${name} service`)
    return s
  }
  return {
    node,
    role: config.role,
    /** The Omega services this node runs (its role's). */
    services: ROLE_SERVICES[config.role],
    get rhizome() {
      return service('rhizome')
    },
    get phase() {
      return service('phase')
    },
    get witness() {
      return service('witness')
    },
    get alerts() {
      return service('alerts')
    },
    get outbox() {
      return service('outbox')
    },
    get relay() {
      return service('relay')
    },
    metrics,
    peerId: node.peerId.toString(),
    addrs: () => node.getMultiaddrs(),
    async stop() {
      await node.stop()
      log('info', 'node stopped', { metrics: metrics.snapshot() })
    },
  }
}
