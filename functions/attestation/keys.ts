// The verification keys of the committed trusted setup (scripts/zk/setup.ts) and the ids that pin them.
import { contentDigest } from '../canonical/index.ts'
import kernelKey from './vkeys/kernel.json' with { type: 'json' }
import placementKey from './vkeys/placement.json' with { type: 'json' }

export const VKEYS = { kernel: kernelKey, placement: placementKey } as const
export type CircuitName = keyof typeof VKEYS

/** `<name>@<first 16 hex of the key's canonical SHA-256>`: a new setup (or contribution) is a new id. */
export const circuitId = (name: CircuitName): string => `${name}@${contentDigest(VKEYS[name]).slice(0, 16)}`
