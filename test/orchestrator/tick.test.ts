// The pure tick: strategies matched against the observed situation, redundancy, failover, determinism.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { learnTransitions, solveFailover } from '../../functions/mdp/index.ts'
import { digestOf, planTick } from '../../functions/orchestrator/index.ts'
import { rnode, strategy, tickInput, wl } from './inputs.ts'

describe('planTick', () => {
  it('is deterministic: the same input gives the same plan digest, and the digest covers the inputs', () => {
    const input = tickInput()
    const a = planTick(input)
    const b = planTick(structuredClone(input))
    expect(a.doc.plan_digest).toBe(b.doc.plan_digest)
    expect(a.doc.inputs_digest).toBe(digestOf(input))
    const other = planTick({ ...input, demand: { api: new Array(30).fill(900) } })
    expect(other.doc.inputs_digest).not.toBe(a.doc.inputs_digest)
    expect(other.doc.plan_digest).not.toBe(a.doc.plan_digest)
  })

  it('matches strategies against what it observes, not what a caller asserts', () => {
    const emergency = strategy({
      strategy_id: 'emergency',
      trigger_conditions: { anomaly_flags: ['node_down'] },
      scaling_policy: { min_replicas: 4, max_replicas: 10 },
    })
    const calm = tickInput({ strategies: [emergency] })
    expect(planTick(calm).doc.workloads[0]?.strategy).toBe('default')
    // a replica sits on node b, which is now down: node_down is observed and the emergency strategy applies
    const nodes = [
      rnode('a', 'eu', [0.3, 0.1]),
      rnode('b', 'eu', [0.35, 0.2], { health: 'down' }),
      rnode('c', 'us', [-0.3, -0.1]),
    ]
    const replicas = [{ workload: 'api', slot: 0, node: 'b', coordinates: [0.36, 0.21], since_tick: 0 }]
    const hit = planTick(tickInput({ strategies: [emergency], nodes, replicas }))
    const w = hit.doc.workloads[0]
    expect(w?.strategy).toBe('emergency')
    expect(w?.situation.anomaly_flags).toContain('node_down')
    expect(w?.target).toBeGreaterThanOrEqual(4)
    // the replica on the dead node is not kept
    expect(hit.replicas.every((r) => r.node !== 'b')).toBe(true)
  })

  it('a workload type trigger picks the strategy for that type only', () => {
    const batch = strategy({
      strategy_id: 'batchy',
      trigger_conditions: { workload_types: ['batch'] },
      scaling_policy: { min_replicas: 2 },
    })
    const input = tickInput({ strategies: [batch], workloads: [wl('api'), wl('etl', { type: 'batch' })] })
    const plan = planTick(input).doc
    expect(plan.workloads.map((w) => [w.workload, w.strategy])).toEqual([
      ['api', 'default'],
      ['etl', 'batchy'],
    ])
  })

  it('redundancy levels add replicas on distinct nodes', () => {
    for (const [level, extra] of [
      ['none', 0],
      ['n_plus_1', 1],
      ['n_plus_2', 2],
    ] as const) {
      const s = strategy({ strategy_id: 'r', resilience_policy: { redundancy_level: level } })
      const plan = planTick(tickInput({ strategies: [s], demand: { api: new Array(30).fill(150) } }))
      const base = planTick(tickInput({ demand: { api: new Array(30).fill(150) } })).doc.workloads[0]
        ?.target as number
      expect(plan.doc.workloads[0]?.target).toBe(base + extra)
      if (level !== 'none') {
        const nodes = plan.replicas.map((r) => r.node)
        expect(new Set(nodes).size).toBe(nodes.length)
      }
    }
  })

  it('a degraded node follows the failover policy learned from the fleet health history', () => {
    // history: nodes that degrade mostly go down next
    const flaky = ['up', 'up', 'degraded', 'down', 'down', 'up', 'up', 'degraded', 'down', 'up'] as const
    const nodes = [
      rnode('a', 'eu', [0.3, 0.1], { health: 'degraded' }),
      rnode('b', 'eu', [0.35, 0.2]),
      rnode('c', 'us', [-0.3, -0.1]),
    ]
    const health = {
      a: [...flaky, 'degraded' as const],
      b: [...flaky, 'up' as const],
      c: [...flaky, 'up' as const],
    }
    const replicas = [{ workload: 'api', slot: 0, node: 'a', coordinates: [0.31, 0.11], since_tick: 0 }]
    for (const fs of ['active_passive', 'active_active', 'n_plus_1'] as const) {
      const s = strategy({ strategy_id: 'f', resilience_policy: { failover_strategy: fs } })
      const plan = planTick(
        tickInput({ strategies: [s], nodes, health, replicas, demand: { api: new Array(30).fill(50) } }),
      )
      const expected = solveFailover({ transitions: learnTransitions(Object.values(health)), strategy: fs })
        .policy.degraded
      expect(plan.doc.workloads[0]?.failover).toEqual([{ node: 'a', health: 'degraded', action: expected }])
      const onA = plan.replicas.filter((r) => r.node === 'a').length
      if (expected === 'migrate') expect(onA).toBe(0)
      if (expected === 'stay' || expected === 'add_replica') expect(onA).toBe(1)
      if (expected === 'add_replica') expect(plan.replicas.length).toBeGreaterThan(1)
    }
  })

  it('property: replicas never land on a down node, avoided node, or beyond capacity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('up', 'degraded', 'down'), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom('centralized', 'federated', 'fully_distributed', 'geometric_mesh'),
        (health, rate, mode) => {
          const nodes = [
            rnode('a', 'eu', [0.3, 0.1], { health: health[0] as 'up' }),
            rnode('b', 'eu', [0.35, 0.2], { health: health[1] as 'up' }),
            rnode('c', 'us', [-0.3, -0.1], { health: health[2] as 'up' }),
          ]
          const s = strategy({ strategy_id: 's', placement_policy: { avoid_nodes: ['b'] } })
          const p = planTick(
            tickInput({
              nodes,
              strategies: [s],
              demand: { api: new Array(30).fill(rate) },
              config: { orchestration_mode: mode },
            }),
          )
          const down = new Set(nodes.filter((n) => n.health === 'down').map((n) => n.id))
          const perNode = new Map<string, number>()
          for (const r of p.replicas) {
            expect(down.has(r.node)).toBe(false)
            expect(r.node).not.toBe('b')
            perNode.set(r.node, (perNode.get(r.node) ?? 0) + 1)
          }
          for (const n of perNode.values()) expect(n).toBeLessThanOrEqual(8) // 8 cpu, 1 cpu per replica
          const placed = p.replicas.length
          const unplaced = p.doc.unplaced.reduce((a, u) => a + u.replicas, 0)
          expect(placed + unplaced).toBe(p.doc.workloads[0]?.target)
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('plans that cannot be fully satisfied say why', () => {
  it('capacity that cannot fit: replicas two workloads need but the node cannot hold are unplaced, with the reason', () => {
    // scarce capacity goes through the tick's auction; neither bids, so they take what is left in workload order
    // each workload alone fits (2 replicas of 1 cpu on 3 cpu); together they need 4
    const nodes = [rnode('a', 'eu', [0.3, 0.1], { capacity: { cpu: 3, memory: 100 } })]
    const workloads = [wl('w1'), wl('w2')]
    const demand = { w1: new Array(30).fill(150), w2: new Array(30).fill(150) }
    const p = planTick(tickInput({ nodes, workloads, demand }))
    expect(p.doc.workloads.map((w) => w.target)).toEqual([2, 2])
    expect(p.replicas).toHaveLength(3)
    expect(p.doc.unplaced).toEqual([
      {
        workload: 'w2',
        replicas: 1,
        reason: expect.stringMatching(/^auction: no bid; .* left room for 1 of 2$/),
      },
    ])
    expect(p.doc.allocation?.auction?.leftover).toEqual([
      { workload: 'w1', replicas: 2 },
      { workload: 'w2', replicas: 1 },
    ])
  })

  it('a fleet too small for one workload: the MPC plans what fits and says the SLA fails', () => {
    const nodes = [rnode('a', 'eu', [0.3, 0.1], { capacity: { cpu: 2, memory: 100 } })]
    const p = planTick(tickInput({ nodes, demand: { api: new Array(30).fill(450) } }))
    expect(p.doc.workloads[0]?.target).toBe(2)
    expect(p.replicas).toHaveLength(2)
    expect(p.doc.workloads[0]?.mpc?.sla_feasible).toBe(false)
    expect(p.doc.workloads[0]?.reasons.join(' ')).toMatch(/SLA cannot hold at steps/)
  })

  it('a strategy whose max_replicas cannot carry the demand: the decision names the steps the SLA fails', () => {
    const s = strategy({ strategy_id: 'small', scaling_policy: { max_replicas: 2 } })
    const p = planTick(tickInput({ strategies: [s], demand: { api: new Array(30).fill(900) } }))
    const w = p.doc.workloads[0]
    expect(w?.target).toBe(2)
    expect(w?.mpc?.sla_feasible).toBe(false)
    expect(w?.reasons.join(' ')).toMatch(/SLA cannot hold at steps/)
  })
})
