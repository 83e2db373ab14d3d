// The one place gossipsub is imported: swap the package here (e.g. back to @chainsafe/libp2p-gossipsub).
import { gossipsub, StrictSign, TopicValidatorResult } from '@libp2p/gossipsub'

export type { GossipSub, Message as GossipMessage } from '@libp2p/gossipsub'
export { gossipsub, StrictSign, TopicValidatorResult }
