// What one orchestrator tick reads (its inputs, digested and kept for replay) and the state it changes.
import type { MomConfig } from '../../schemas/mom-config.ts'
import type { OrchestrationStrategy } from '../../schemas/orchestration-strategy.ts'
import type {
  FleetNode,
  Health,
  OrchestratorSettings,
  Replica,
  Workload,
} from '../../schemas/orchestrator.ts'

/** A fleet node whose coordinates are known (given, or from the embedding of the fleet graph). */
export type ResolvedNode = Omit<FleetNode, 'coordinates'> & { coordinates: number[] }

/** Everything a tick's plan depends on. Same input, same plan, bit for bit: the ledger replays it. */
export interface TickInput {
  orchestrator: string
  tick: number
  at: string
  config: MomConfig
  strategies: OrchestrationStrategy[]
  settings: OrchestratorSettings
  /** sorted by id */
  nodes: ResolvedNode[]
  /** sorted by id */
  workloads: Workload[]
  /** per workload: mean request rate per step, oldest first, the newest step last (gaps carried forward) */
  demand: Record<string, number[]>
  /** per workload: the highest latency observed in the newest step, if any */
  latency: Record<string, number | null>
  /** per node: health per step, oldest first (what the failover MDP learns from) */
  health: Record<string, Health[]>
  /** per node: the newest observed utilisation (percent), if any */
  utilisation: Record<string, number | null>
  /** current replicas, sorted by workload then slot */
  replicas: Replica[]
  /** per workload: the tick of its last replica-count change */
  last_change: Record<string, number>
  /** manual workloads whose proposal an admin approved: workload -> replicas to apply */
  approved: Record<string, number>
}
