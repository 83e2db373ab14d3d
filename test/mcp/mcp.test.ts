// The MCP endpoint with the SDK's real client: tools, credentials, explanations with numbers, receipts, routing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, call, createHolon, WRITE } from '../support/http.ts'
import { callTool, connect } from './support.ts'

/** Spending from a budget of 200: the `budget` score is 1 - total/200, so total <= 100 meets its 0.5 threshold. */
const BUDGET = 200
const THRESHOLD = 0.5
const PER_EVENT_CAP = 80
const kernel = {
  id: 'spend-cap',
  aggregates: { total: { fold: 'sum' as const, expr: 'double(event.amount)', empty: 0 } },
  invariants: {
    budget: { score: `1.0 - agg.total / ${BUDGET}.0`, threshold: THRESHOLD },
    per_event: { score: `double(event.amount) <= ${PER_EVENT_CAP}.0 ? 1.0 : 0.0`, threshold: 1 },
  },
}
/** The largest total the budget invariant admits, derived from the kernel's numbers: 1 - t/200 >= 0.5. */
const CAP = BUDGET * (1 - THRESHOLD)

const TOOLS = [
  'list_holons',
  'evaluate',
  'commit',
  'get_state',
  'explain_refusal',
  'verify_receipt',
  'route',
  'place',
]

describe('MCP endpoint (Streamable HTTP, SDK client)', () => {
  let holon: string
  let anonymous: Awaited<ReturnType<typeof connect>>
  let writer: Awaited<ReturnType<typeof connect>>
  beforeAll(async () => {
    holon = await createHolon(kernel)
    anonymous = await connect()
    writer = await connect(WRITE)
  })
  afterAll(async () => {
    await anonymous.close()
    await writer.close()
  })

  it('lists the gate tools with JSON schemas of their arguments', async () => {
    const { tools } = await anonymous.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort())
    const commit = tools.find((t) => t.name === 'commit')
    expect(commit?.inputSchema.type).toBe('object')
    expect(Object.keys(commit?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['holon', 'event', 'events', 'override']),
    )
    expect(tools.find((t) => t.name === 'evaluate')?.annotations?.readOnlyHint).toBe(true)
    expect(commit?.annotations?.readOnlyHint).toBe(false)
  })

  it('evaluates without committing, and commits only with the write token', async () => {
    const ev = await callTool(anonymous, 'evaluate', { holon, event: { id: 'e1', amount: 60 } })
    expect(ev.isError).toBeFalsy()
    expect(ev.structuredContent).toMatchObject({
      holon,
      admitted: true,
      results: [{ verdict: 'admit', torsion: 0 }],
    })

    const denied = await callTool(anonymous, 'commit', { holon, event: { id: 'e1', amount: 60 } })
    expect(denied.isError).toBe(true)
    expect(denied.structuredContent).toMatchObject({ type: '/problems/unauthorized', status: 401 })
    expect(denied.content[0]?.text).toMatch(/^Missing or invalid credentials: this call needs a write token/)
    expect((await call('GET', `/v1/holons/${holon}/state`)).body.events).toBe(0)

    const done = await callTool(writer, 'commit', { holon, event: { id: 'e1', amount: 60 } })
    expect(done.isError).toBeFalsy()
    expect(done.structuredContent).toMatchObject({
      holon,
      committed: 1,
      results: [{ event_id: 'e1', verdict: 'admit' }],
    })
    const state = await callTool(anonymous, 'get_state', { holon })
    // 1 - 60/200 = 0.7 on the budget dimension; the per-event rule holds
    expect(state.structuredContent).toMatchObject({
      events: 1,
      torsion: 0,
      dimensions: ['budget', 'per_event'],
    })
    expect(state.structuredContent.state_vector[0]).toBeCloseTo(1 - 60 / BUDGET, 12)
  })

  it('refuses an inadmissible commit as a tool error, and overrides only with the admin token', async () => {
    const event = { id: 'big', amount: 70 }
    const refused = await callTool(writer, 'commit', { holon, event })
    expect(refused.isError).toBe(true)
    expect(refused.structuredContent).toMatchObject({
      type: '/problems/inadmissible',
      status: 409,
      verdict: 'reject',
    })
    const override = { reason: 'board decision 7', actor: 'j.doe' }
    const forbidden = await callTool(writer, 'commit', { holon, event, override })
    expect(forbidden.structuredContent).toMatchObject({ type: '/problems/forbidden', status: 403 })
    const other = await createHolon(kernel)
    const admin = await connect(ADMIN)
    const forced = await callTool(admin, 'commit', {
      holon: other,
      event: { id: 'x', amount: 150 },
      override,
    })
    await admin.close()
    expect(forced.isError).toBeFalsy()
    expect(forced.structuredContent).toMatchObject({ committed: 1, results: [{ verdict: 'admit_override' }] })
    expect((await call('GET', `/v1/holons/${other}`)).body.overrides).toBe(1)
  })

  it('explains a refusal: shortfalls, the aggregate value and the field value that would admit it', async () => {
    // committed so far: 60 (earlier test); this event adds 90: total 150, and 90 is above the per-event cap
    const committed = 60
    const amount = 90
    const r = await callTool(anonymous, 'explain_refusal', { holon, event: { id: 'q', amount, priority: 3 } })
    expect(r.isError).toBeFalsy()
    const x = r.structuredContent
    const total = committed + amount
    const budgetScore = 1 - total / BUDGET
    expect(x.verdict).toBe('reject')
    expect(x.torsion).toBeCloseTo((THRESHOLD - budgetScore) ** 2 + 1, 12)
    const budget = x.violations.find((v: { invariant: string }) => v.invariant === 'budget')
    expect(budget.shortfall).toBeCloseTo(THRESHOLD - budgetScore, 12)
    expect(budget.aggregates).toEqual([
      { aggregate: 'total', value: total, needed: CAP, change: CAP - total },
    ])
    const perEvent = x.violations.find((v: { invariant: string }) => v.invariant === 'per_event')
    expect(perEvent).toMatchObject({ score: 0, threshold: 1, shortfall: 1, aggregates: [] })
    // the whole event is admitted when both hold: amount <= CAP - committed and amount <= the per-event cap
    const needed = Math.min(CAP - committed, PER_EVENT_CAP)
    expect(x.fields).toEqual([
      { field: '/amount', value: amount, needed, change: needed - amount },
      { field: '/priority', value: 3, needed: null, change: null },
    ])
    expect(x.complete).toBe(true)
    expect(r.content[0]?.text).toContain(
      `lower field /amount from ${amount} to ${needed} (${needed - amount})`,
    )
    // and the suggested event is indeed admitted
    const check = await callTool(anonymous, 'evaluate', { holon, event: { id: 'q', amount: needed } })
    expect(check.structuredContent.results[0].verdict).toBe('admit')
    const over = await callTool(anonymous, 'evaluate', { holon, event: { id: 'q', amount: needed + 1 } })
    expect(over.structuredContent.results[0].verdict).toBe('reject')
  })

  it('verifies a commit receipt, and finds a tampered one invalid', async () => {
    const done = await callTool(writer, 'commit', { holon, event: { id: 'r1', amount: 5 } })
    const receipt = done.structuredContent.results[0].receipt
    const key = (await call('GET', `/v1/holons/${holon}`)).body.ledger.verifier_key
    const ok = await callTool(anonymous, 'verify_receipt', { receipt, verifier_key: key })
    expect(ok.structuredContent).toMatchObject({ valid: true, key_source: 'given' })
    const implicit = await callTool(anonymous, 'verify_receipt', { receipt })
    expect(implicit.structuredContent).toMatchObject({ valid: true, verifier_key: key, key_source: 'holon' })
    const tampered = structuredClone(receipt)
    tampered.entry.data = { ...tampered.entry.data, forged: true }
    const bad = await callTool(anonymous, 'verify_receipt', { receipt: tampered, verifier_key: key })
    expect(bad.isError).toBeFalsy()
    expect(bad.structuredContent.valid).toBe(false)
    expect(bad.structuredContent.checks.some((c: { ok: boolean }) => !c.ok)).toBe(true)
  })

  it('routes on an inline topology', async () => {
    // nodes on a line at hyperbolic distance i from the origin, chained, with a shortcut n0-n4
    const nodes = Array.from({ length: 6 }, (_, i) => ({ id: `n${i}`, coords: [Math.tanh(i / 2), 0] }))
    const edges = [...nodes.slice(1).map((n, i) => [`n${i}`, n.id]), ['n0', 'n4']]
    const r = await callTool(anonymous, 'route', {
      topology: { nodes, edges },
      source: 'n0',
      target: { node: 'n5' },
    })
    expect(r.isError).toBeFalsy()
    expect(r.structuredContent).toMatchObject({
      greedy: { status: 'delivered', path: ['n0', 'n4', 'n5'], hops: 2 },
    })
  })

  it('routes on a stored topology by name, and names an unknown one', async () => {
    // a ring of 8 at radius 0.5: greedy from r0 to r2 goes through their common neighbour r1
    const name = `ring-${Date.now().toString(36)}`
    const nodes = Array.from({ length: 8 }, (_, i) => ({
      id: `r${i}`,
      coords: [0.5 * Math.cos((2 * Math.PI * i) / 8), 0.5 * Math.sin((2 * Math.PI * i) / 8)],
    }))
    const edges = nodes.map((n, i) => [n.id, `r${(i + 1) % 8}`])
    expect((await call('PUT', `/v1/topologies/${name}`, { dimension: 2, nodes, edges }, WRITE)).status).toBe(
      200,
    )
    const r = await callTool(anonymous, 'route', {
      topology_name: name,
      source: 'r0',
      target: { node: 'r2' },
    })
    expect(r.structuredContent.greedy).toMatchObject({ status: 'delivered', path: ['r0', 'r1', 'r2'] })
    const none = await callTool(anonymous, 'route', {
      topology_name: 'no-such-ring',
      source: 'a',
      target: { node: 'b' },
    })
    expect(none.structuredContent).toMatchObject({ type: '/problems/topology_not_found', status: 404 })
  })

  it('places replicas, and reports what cannot be placed', async () => {
    // distinct replicas (at most one per node, docs/placement.md) of 1 cpu on two nodes of 2 cpu each: 2 of 3 fit
    const node = (id: string, x: number) => ({
      id,
      point: [x, 0],
      region: 'eu',
      capacity: { cpu: 2 },
      cost_per_unit_hour: { cpu: 0.1 },
      carbon_intensity: 100,
    })
    const r = await callTool(anonymous, 'place', {
      nodes: [node('a', 0), node('b', 0.3)],
      demands: [{ workload: 'api', replicas: 3, request: { cpu: 1 }, affinity: [0, 0], distinct: true }],
    })
    expect(r.isError).toBeFalsy()
    const chosen = r.structuredContent.chosen
    expect(chosen.assignments.map((a: { node: string }) => a.node).sort()).toEqual(['a', 'b'])
    expect(chosen.unplaced).toEqual([
      expect.objectContaining({ workload: 'api', replicas: 1, reason: 'distinct' }),
    ])
  })

  it('answers bad arguments and unknown holons with the REST problem as a tool error', async () => {
    const bad = await callTool(anonymous, 'evaluate', { holon, event: { amount: 1 } })
    expect(bad.isError).toBe(true)
    expect(bad.structuredContent).toMatchObject({ type: '/problems/validation_failed', status: 400 })
    expect(bad.structuredContent.errors).toContainEqual(expect.objectContaining({ pointer: '/event/id' }))
    const both = await callTool(anonymous, 'evaluate', { holon, event: { id: 'a' }, events: [{ id: 'b' }] })
    expect(both.structuredContent).toMatchObject({ type: '/problems/validation_failed' })
    const missing = await callTool(anonymous, 'get_state', { holon: 'no-such-holon' })
    expect(missing.structuredContent).toMatchObject({ type: '/problems/holon_not_found', status: 404 })
    const point = await callTool(anonymous, 'route', {
      topology: { nodes: [{ id: 'a', coords: [1.5, 0] }] },
      target: { point: [0, 0] },
    })
    expect(point.isError).toBe(true)
    expect(point.structuredContent.type).toMatch(/^\/problems\/(invalid_point|validation_failed)$/)
  })
})
