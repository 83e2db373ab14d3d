// TickInput builders for the pure orchestrator tests: a fleet, workloads and histories, all explicit.
import type { ResolvedNode, TickInput } from '../../functions/orchestrator/index.ts'
import { MomConfig } from '../../schemas/mom-config.ts'
import { OrchestrationStrategy } from '../../schemas/orchestration-strategy.ts'
import {
  OrchestratorSettings,
  type Workload,
  Workload as WorkloadSchema,
} from '../../schemas/orchestrator.ts'

export const rnode = (
  id: string,
  region: string,
  coordinates: number[],
  extra: Partial<ResolvedNode> = {},
): ResolvedNode => ({
  id,
  region,
  coordinates,
  links: [],
  capacity: { cpu: 8, memory: 32 },
  cost_per_unit_hour: { cpu: 0.04 },
  availability: 0.999,
  carbon_intensity: 200,
  labels: {},
  health: 'up',
  ...extra,
})

export const wl = (id: string, extra: Record<string, unknown> = {}): Workload =>
  WorkloadSchema.parse({
    id,
    type: 'interactive',
    replica: { capacity: 100, request: { cpu: 1, memory: 2 } },
    affinity: [0.3, 0.1],
    ...extra,
  })

export const strategy = (s: Record<string, unknown>) => OrchestrationStrategy.parse(s)

export function tickInput(
  over: Omit<Partial<TickInput>, 'config' | 'settings'> & {
    config?: Record<string, unknown>
    settings?: Record<string, unknown>
  } = {},
): TickInput {
  const { config, settings, ...rest } = over
  const nodes = rest.nodes ?? [
    rnode('a', 'eu', [0.3, 0.1]),
    rnode('b', 'eu', [0.35, 0.2]),
    rnode('c', 'us', [-0.3, -0.1]),
  ]
  const workloads = rest.workloads ?? [wl('api')]
  return {
    orchestrator: 'test',
    tick: 1,
    at: '2026-11-30T12:00:00.000Z',
    config: MomConfig.parse(config ?? {}),
    strategies: [],
    settings: OrchestratorSettings.parse(settings ?? {}),
    demand: Object.fromEntries(workloads.map((w) => [w.id, new Array(30).fill(250)])),
    latency: {},
    health: Object.fromEntries(nodes.map((n) => [n.id, new Array(30).fill('up')])),
    utilisation: {},
    replicas: [],
    last_change: {},
    approved: {},
    ...rest,
    nodes,
    workloads,
  }
}
