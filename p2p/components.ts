// What Omega's libp2p services take from the node: libp2p hands each service factory its components and every
// service registered before it (so `witness` sees `rhizome`), and starts and stops them with the node.
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { Bridge } from './bridge.ts'
import type { GossipSub } from './gossip.ts'
import type { Logger } from './log.ts'
import type { Metrics } from './metrics.ts'

export interface NodeComponents {
  peerId: PeerId
  privateKey: PrivateKey
  events: Pick<Libp2p, 'addEventListener' | 'removeEventListener'>
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  connectionManager: Pick<ConnectionManager, 'openStream'>
  pubsub: GossipSub
}

/** What every Omega service shares: the link to the worker (absent on a relay-only node), logs and counters. */
export interface ServiceInit {
  bridge?: Bridge
  log: Logger
  metrics: Metrics
}
