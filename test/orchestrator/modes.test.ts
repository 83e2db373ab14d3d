// Each orchestration mode changes what runs: one joint solve, regional solves under coordinator budgets,
// each workload alone (first come, first served), or each home node's geometric neighbourhood.
import { describe, expect, it } from 'vitest'
import { planTick } from '../../functions/orchestrator/index.ts'
import { rnode, strategy, tickInput, wl } from './inputs.ts'

const nodesOf = (p: ReturnType<typeof planTick>, w: string) =>
  p.replicas
    .filter((r) => r.workload === w)
    .map((r) => r.node)
    .sort()

describe('orchestration modes', () => {
  it('centralized solves jointly where fully_distributed lets the first workload take the shared best node', () => {
    // node A suits both workloads and holds one replica; B is allowed only for a1 (b2's strategy avoids it)
    const nodes = [
      rnode('A', 'eu', [0.3, 0.1], { capacity: { cpu: 1 } }),
      rnode('B', 'eu', [-0.5, -0.4], { capacity: { cpu: 1 } }),
    ]
    const workloads = [
      wl('a1', { replica: { capacity: 100, request: { cpu: 1 } } }),
      wl('b2', { type: 'batch', replica: { capacity: 100, request: { cpu: 1 } } }),
    ]
    const strategies = [
      strategy({
        strategy_id: 'batch',
        trigger_conditions: { workload_types: ['batch'] },
        placement_policy: { avoid_nodes: ['B'] },
      }),
    ]
    const demand = { a1: new Array(30).fill(50), b2: new Array(30).fill(50) }
    const run = (mode: string) =>
      planTick(tickInput({ nodes, workloads, strategies, demand, config: { orchestration_mode: mode } }))
    const central = run('centralized')
    expect(nodesOf(central, 'a1')).toEqual(['B'])
    expect(nodesOf(central, 'b2')).toEqual(['A'])
    expect(central.doc.unplaced).toEqual([])
    const alone = run('fully_distributed')
    expect(nodesOf(alone, 'a1')).toEqual(['A'])
    expect(nodesOf(alone, 'b2')).toEqual([])
    expect(alone.doc.unplaced).toEqual([expect.objectContaining({ workload: 'b2', replicas: 1 })])
  })

  it('federated: the coordinator splits replicas by regional capacity and each region places its share', () => {
    const nodes = [
      rnode('eu-1', 'eu', [0.3, 0.1], { capacity: { cpu: 4 } }),
      rnode('us-1', 'us', [-0.3, -0.1], { capacity: { cpu: 4 } }),
    ]
    const workloads = [
      wl('w1', { replica: { capacity: 100, request: { cpu: 1 } }, affinity: [0.3, 0.12] }),
      wl('w2', { replica: { capacity: 100, request: { cpu: 1 } }, affinity: [0.31, 0.1] }),
    ]
    const demand = { w1: new Array(30).fill(130), w2: new Array(30).fill(130) }
    const run = (mode: string) =>
      planTick(tickInput({ nodes, workloads, demand, config: { orchestration_mode: mode } }))
    const central = run('centralized')
    // near their users: everything in eu
    expect(central.replicas.every((r) => r.node === 'eu-1')).toBe(true)
    const fed = run('federated')
    const total = fed.replicas.length
    expect(total).toBe(central.replicas.length)
    const regions = fed.doc.regions as Record<string, { budget: number; placed: number }>
    expect(regions.eu?.budget).toBe(total / 2)
    expect(regions.us?.budget).toBe(total / 2)
    expect(fed.replicas.filter((r) => r.node === 'eu-1')).toHaveLength(total / 2)
    for (const r of Object.values(regions)) expect(r.placed).toBeLessThanOrEqual(r.budget)
  })

  it('geometric_mesh: a workload is placed within its home node’s k nearest nodes, even when a far node scores better', () => {
    const nodes = [
      rnode('n0', 'eu', [0.3, 0.1], { carbon_intensity: 500 }),
      rnode('n1', 'eu', [0.33, 0.12], { carbon_intensity: 480 }),
      rnode('n2', 'eu', [0.28, 0.16], { carbon_intensity: 490 }),
      rnode('far', 'ap', [-0.5, -0.5], { carbon_intensity: 10 }),
    ]
    const goals = { performance: 0, cost: 0, reliability: 0, sustainability: 1 }
    const run = (mode: string) =>
      planTick(
        tickInput({
          nodes,
          workloads: [wl('w', { affinity: [0.3, 0.1] })],
          demand: { w: new Array(30).fill(50) },
          config: { orchestration_mode: mode, optimization_goals: goals, routing: { k_nearest: 2 } },
        }),
      )
    expect(nodesOf(run('centralized'), 'w')).toEqual(['far'])
    const mesh = nodesOf(run('geometric_mesh'), 'w')
    expect(mesh).toHaveLength(1)
    expect(['n0', 'n1']).toContain(mesh[0])
  })
})
