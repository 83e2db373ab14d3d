// The compatibility view: how a peer's kernel terms line up with a local kernel's, invariant by invariant.
import type { KernelSpec } from '../../schemas/kernel.ts'
import type { RhizomeArtifact } from './artifact.ts'

interface SharedInvariant {
  name: string
  local_threshold: number
  peer_threshold: number
  /** peer - local: positive means the peer is stricter. */
  threshold_diff: number
  local_weight: number
  peer_weight: number
  weight_diff: number
}

export interface Compatibility {
  peer: string
  mvk_id: string
  kernel_version: number
  shared: SharedInvariant[]
  only_local: string[]
  only_peer: string[]
  /** Local invariants the peer also enforces at a threshold at least as strict as ours. */
  enforced_by_peer: string[]
  /** |shared| / |local ∪ peer| */
  overlap: number
}

export function compatibility(local: KernelSpec, peer: RhizomeArtifact): Compatibility {
  const theirs = new Map(peer.invariants.map((i) => [i.name, i]))
  const ours = Object.entries(local.invariants)
  const shared: SharedInvariant[] = []
  for (const [name, inv] of ours) {
    const p = theirs.get(name)
    if (!p) continue
    shared.push({
      name,
      local_threshold: inv.threshold,
      peer_threshold: p.threshold,
      threshold_diff: p.threshold - inv.threshold,
      local_weight: inv.weight,
      peer_weight: p.weight,
      weight_diff: p.weight - inv.weight,
    })
  }
  const union = new Set([...ours.map(([n]) => n), ...theirs.keys()])
  return {
    peer: peer.origin,
    mvk_id: peer.mvk_id,
    kernel_version: peer.kernel_version,
    shared,
    only_local: ours.map(([n]) => n).filter((n) => !theirs.has(n)),
    only_peer: [...theirs.keys()].filter((n) => !(n in local.invariants)),
    enforced_by_peer: shared.filter((s) => s.threshold_diff >= 0).map((s) => s.name),
    overlap: union.size === 0 ? 0 : shared.length / union.size,
  }
}
