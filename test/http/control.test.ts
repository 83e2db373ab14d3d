// POST /v1/mpc and /v1/mdp inside workerd: known answers, precise 400s, budget 422s, never a 500.
import { describe, expect, it } from 'vitest'
import { call } from '../support/http.ts'

const mpc = {
  demand: [10, 30, 30, 10],
  per_replica: 10,
  current: 1,
  min: 1,
  max: 5,
  cooldown_steps: 0,
  since_change: 0,
  lambda: 0,
  replica_cost: 1,
  sla_penalty: 100,
}

describe('POST /v1/mpc', () => {
  it('plans the replica counts with the objective terms', async () => {
    const r = await call('POST', '/v1/mpc', mpc)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      replicas: [1, 3, 3, 1],
      next: 1,
      objective: 8,
      terms: { cost: 8, sla: 0, smoothness: 0 },
      sla_feasible: true,
      infeasible_steps: [],
      changes: 2,
      bounds: { min: 1, max: 5 },
    })
  })

  it('answers an infeasible SLA with the steps it cannot meet, not an error', async () => {
    const r = await call('POST', '/v1/mpc', { ...mpc, demand: [20, 80], max: 8, capacity_max: 6 })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      replicas: [2, 6],
      sla_feasible: false,
      infeasible_steps: [1],
      shortfall: [0, 2],
    })
  })

  it('refuses contradictions with mpc_invalid and a pointer', async () => {
    for (const [patch, at] of [
      [{ min: 7 }, '/min'],
      [{ capacity_max: 0 }, '/capacity_max'],
      [{ robust: true }, '/upper'],
      [{ upper: [1] }, '/upper'],
    ] as const) {
      const r = await call('POST', '/v1/mpc', { ...mpc, ...patch })
      expect(r.status, at).toBe(400)
      expect(r.type).toContain('application/problem+json')
      expect(r.body.type).toBe('/problems/mpc_invalid')
      expect(r.body.errors[0].pointer).toBe(at)
    }
  })

  it('refuses a horizon too long, negative demand, fractional counts and unknown members with 400', async () => {
    for (const patch of [
      { demand: Array(1001).fill(1) },
      { demand: [] },
      { demand: [-1] },
      { current: 1.5 },
      { max: 10_001 },
      { surprise: true },
    ]) {
      const r = await call('POST', '/v1/mpc', { ...mpc, ...patch })
      expect(r.status, JSON.stringify(patch).slice(0, 40)).toBe(400)
      expect(r.body.type).toBe('/problems/validation_failed')
    }
  })

  it('refuses a huge state space with 422 budget_exceeded naming mpc_steps', async () => {
    const r = await call('POST', '/v1/mpc', { ...mpc, demand: Array(1000).fill(10), max: 10_000 })
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({
      type: '/problems/budget_exceeded',
      budget: 'mpc_steps',
      unit: 'steps',
      cpu_ms: 200,
    })
  })
})

const h = (s: string) => [...s].map((c) => (c === 'u' ? 'up' : c === 'g' ? 'degraded' : 'down'))

describe('POST /v1/mdp', () => {
  it('learns the transitions from history and moves off a node whose degradation usually ends down', async () => {
    const history = [...Array.from({ length: 9 }, () => h('uuuuuuuuuugdddu')), h('uuuuuuuuuuguuuu')]
    const r = await call('POST', '/v1/mdp', { history, strategy: 'active_active' })
    expect(r.status).toBe(200)
    expect(r.body.policy.up).toBe('stay')
    expect(r.body.policy.degraded).not.toBe('stay')
    expect(r.body.unprotected.policy.degraded).not.toBe('stay')
    // degraded -> down 9 times, degraded -> up once, prior 1: (1 + 1, 0 + 1, 9 + 1) / 13
    expect(r.body.transitions[1]).toEqual([2 / 13, 1 / 13, 10 / 13])
    for (const row of r.body.transitions)
      expect(row.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12)
    expect(r.body).toMatchObject({ strategy: 'active_active', discount: 0.95 })
    expect(r.body.iterations).toBeGreaterThan(0)
  })

  it('gives a different policy per failover strategy on the same fleet', async () => {
    const body = {
      transitions: [
        [0.8, 0.1, 0.1],
        [0.3, 0.3, 0.4],
        [0.3, 0, 0.7],
      ],
      costs: { downtime: 1000 },
      switchover: 0.2,
    }
    const down: Record<string, string> = {}
    for (const strategy of ['active_active', 'active_passive', 'n_plus_1']) {
      const r = await call('POST', '/v1/mdp', { ...body, strategy })
      expect(r.status).toBe(200)
      down[strategy] = r.body.policy.down
    }
    expect(down).toEqual({ active_active: 'migrate', active_passive: 'add_replica', n_plus_1: 'stay' })
  })

  it('refuses rows that do not sum to 1 with mdp_invalid pointing at the row', async () => {
    const r = await call('POST', '/v1/mdp', {
      transitions: [
        [0.5, 0.4, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      strategy: 'n_plus_1',
    })
    expect(r.status).toBe(400)
    expect(r.body.type).toBe('/problems/mdp_invalid')
    expect(r.body.errors[0].pointer).toBe('/transitions/0')
  })

  it('refuses malformed requests with 400: both or neither source, bad health, bad shape, discount 1', async () => {
    const t = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]
    for (const body of [
      { strategy: 'n_plus_1' },
      { strategy: 'n_plus_1', transitions: t, history: [['up']] },
      { strategy: 'n_plus_1', history: [['up', 'sideways']] },
      { strategy: 'n_plus_1', transitions: [[1, 0, 0]] },
      { strategy: 'n_plus_1', transitions: t, discount: 1 },
      { strategy: 'hot_spare', transitions: t },
      { strategy: 'n_plus_1', history: Array.from({ length: 11 }, () => Array(10_000).fill('up')) },
    ]) {
      const r = await call('POST', '/v1/mdp', body)
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(400)
      expect(r.body.type).toBe('/problems/validation_failed')
    }
  })

  it('stops a too-long value iteration with 422 budget_exceeded naming mdp_steps', async () => {
    const r = await call('POST', '/v1/mdp', {
      transitions: [
        [0.9, 0.05, 0.05],
        [0.3, 0.4, 0.3],
        [0.2, 0.1, 0.7],
      ],
      strategy: 'active_active',
      discount: 0.9999,
    })
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({ type: '/problems/budget_exceeded', budget: 'mdp_steps', cpu_ms: 50 })
  })
})
