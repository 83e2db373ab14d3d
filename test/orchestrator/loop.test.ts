// The MOM loop end to end inside workerd: configure, fleet, metrics, tick, placements, decisions with receipts, replay.
import { describe, expect, it } from 'vitest'
import type { OrchestratorObject } from '../../durable-objects/orchestrator/orchestrator-object.ts'
import { ADMIN, call, WRITE } from '../support/http.ts'
import { FLEET, fleet, history, orchestrator, workload } from './fleet.ts'

describe('orchestrator loop', () => {
  it('creates with admin only, lists it, and 404s unknown ids without creating them', async () => {
    expect((await call('PUT', '/v1/orchestrators/o-x', {}, WRITE)).status).toBe(403)
    const id = await orchestrator()
    const info = await call('GET', `/v1/orchestrators/${id}`)
    expect(info.body).toMatchObject({ id, tick: 0, nodes: 0, workloads: 0, mode: 'geometric_mesh' })
    expect(info.body.ledger.size).toBe(1)
    const list = await call('GET', '/v1/orchestrators?limit=1000')
    expect(list.body.orchestrators.map((o: { id: string }) => o.id)).toContain(id)
    const missing = await call('GET', '/v1/orchestrators/never-made/plan')
    expect(missing.status).toBe(404)
    expect(missing.body.type).toBe('/problems/orchestrator_not_found')
  })

  it('scales a workload to its demand, places replicas in the fleet, ledgers and replays the decision', async () => {
    const id = await orchestrator({ config: { orchestration_mode: 'centralized' } })
    await fleet(id)
    // 450 req/s, 100 per replica at the SLA target: 5 replicas are needed
    await history(id, 'api', new Array(30).fill(450))
    const t = await call('POST', `/v1/orchestrators/${id}/tick`, undefined, WRITE)
    expect(t.status).toBe(200)
    const plan = t.body.workloads[0]
    expect(plan.target).toBeGreaterThanOrEqual(5)
    const spawned = t.body.actions.filter((a: { action: string }) => a.action === 'spawn')
    expect(spawned).toHaveLength(plan.target)
    const placed = await call('GET', `/v1/orchestrators/${id}/placements`)
    expect(placed.body.replicas).toHaveLength(plan.target)
    for (const r of placed.body.replicas) expect(FLEET.map((n) => n.id)).toContain(r.node)

    const d = await call('GET', `/v1/orchestrators/${id}/decisions`)
    const decision = d.body.decisions.find((x: { kind: string }) => x.kind === 'orchestrator.decision')
    expect(decision.data.plan_digest).toBe(t.body.plan_digest)
    const info = await call('GET', `/v1/orchestrators/${id}`)
    const v = await call('POST', '/v1/verify', {
      kind: 'receipt',
      receipt: decision.receipt,
      verifier_key: info.body.ledger.verifier_key,
    })
    expect(v.body.valid).toBe(true)

    const replay = await call('GET', `/v1/orchestrators/${id}/replay`)
    expect(replay.body.ticks).toEqual([expect.objectContaining({ tick: 1, ledgered: true, match: true })])
  })

  it('refuses unknown ids and bad bodies with a 4xx, writing nothing', async () => {
    const id = await orchestrator()
    await fleet(id)
    const bad = await call(
      'POST',
      `/v1/orchestrators/${id}/metrics`,
      { workloads: [{ workload: 'ghost', request_rate: 1 }] },
      WRITE,
    )
    expect(bad.status).toBe(400)
    expect(bad.body.type).toBe('/problems/unknown_id')
    const future = await call(
      'POST',
      `/v1/orchestrators/${id}/metrics`,
      { workloads: [{ workload: 'api', request_rate: 1, at: '2999-01-01T00:00:00Z' }] },
      WRITE,
    )
    expect(future.status).toBe(400)
    expect(future.body.errors[0].pointer).toBe('/workloads/0/at')
    const nan = await call(
      'POST',
      `/v1/orchestrators/${id}/metrics`,
      '{"workloads":[{"workload":"api","request_rate":NaN}]}',
      WRITE,
    )
    expect(nan.status).toBe(400)
    const link = await call(
      'PATCH',
      `/v1/orchestrators/${id}/nodes`,
      { upsert: [{ ...FLEET[0], id: 'x', links: ['nowhere'] }] },
      WRITE,
    )
    expect(link.status).toBe(400)
    const lonely = await call(
      'PATCH',
      `/v1/orchestrators/${id}/nodes`,
      { upsert: [{ ...FLEET[0], id: 'y', coordinates: undefined }] },
      WRITE,
    )
    expect(lonely.status).toBe(400)
    const metric = await call(
      'PUT',
      `/v1/orchestrators/${id}`,
      {
        strategies: [
          { strategy_id: 's', scaling_policy: { target_metrics: [{ metric: 'vibes', target: 1 }] } },
        ],
      },
      ADMIN,
    )
    expect(metric.status).toBe(400)
    expect((await call('GET', `/v1/orchestrators/${id}`)).body.nodes).toBe(FLEET.length)
    const w = await call('PATCH', `/v1/orchestrators/${id}/workloads`, { remove: ['nope'] }, WRITE)
    expect(w.body.type).toBe('/problems/unknown_id')
    expect((await call('POST', `/v1/orchestrators/${id}/approve`, {}, ADMIN)).status).toBe(409)
  })

  it('a manual strategy proposes and waits; the admin approval applies it', async () => {
    const id = await orchestrator({
      config: { orchestration_mode: 'centralized' },
      strategies: [
        { strategy_id: 'hands-on', scaling_policy: { method: 'manual', min_replicas: 1, max_replicas: 10 } },
      ],
    })
    await fleet(id, FLEET, [workload('api', { strategy: 'hands-on' })])
    await history(id, 'api', new Array(30).fill(450))
    const first = await call('POST', `/v1/orchestrators/${id}/tick`, undefined, WRITE)
    // min_replicas 1 holds even in manual mode; the rest waits
    expect(first.body.workloads[0].target).toBe(1)
    expect(first.body.workloads[0].reasons.join(' ')).toMatch(/waits for approval/)
    expect((await call('GET', `/v1/orchestrators/${id}`)).body.pending_approval).toBe(true)
    const ok = await call('POST', `/v1/orchestrators/${id}/approve`, {}, ADMIN)
    expect(ok.status).toBe(200)
    expect(ok.body.workloads[0].target).toBeGreaterThanOrEqual(5)
    expect((await call('GET', `/v1/orchestrators/${id}/placements`)).body.replicas.length).toBe(
      ok.body.workloads[0].target,
    )
    const kinds = (await call('GET', `/v1/orchestrators/${id}/decisions?limit=100`)).body.decisions.map(
      (d: { kind: string }) => d.kind,
    )
    expect(kinds).toContain('orchestrator.approved')
  })
})

describe('orchestrator alarm', () => {
  it('runs the loop on its alarm: each alarm is one tick, ledgered, and the next alarm is set', async () => {
    const { env, runDurableObjectAlarm } = await import('cloudflare:test')
    const id = await orchestrator({
      config: { orchestration_mode: 'centralized' },
      settings: { auto_tick: true, tick_seconds: 60 },
    })
    const info0 = await call('GET', `/v1/orchestrators/${id}`)
    expect(info0.body.next_tick_at).not.toBeNull()
    await fleet(id)
    await history(id, 'api', new Array(20).fill(320))
    const stub = env.ORCHESTRATOR.getByName(id)
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    const info1 = await call('GET', `/v1/orchestrators/${id}`)
    expect(info1.body.tick).toBe(1)
    expect(info1.body.replicas).toBeGreaterThanOrEqual(4)
    expect(info1.body.next_tick_at).not.toBeNull()
    // the next alarm is one more tick; nothing changed in between, so it acts on nothing new
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    const info2 = await call('GET', `/v1/orchestrators/${id}`)
    expect(info2.body.tick).toBe(2)
    expect(info2.body.replicas).toBe(info1.body.replicas)
    const replay = await call('GET', `/v1/orchestrators/${id}/replay`)
    expect(replay.body.ticks.map((t: { match: boolean }) => t.match)).toEqual([true, true])
  })
})

describe('chunked ticks', () => {
  it('a fleet larger than chunk_workloads is assessed one chunk per alarm, with the same plan as all at once', async () => {
    const { env, runInDurableObject } = await import('cloudflare:test')
    const id = await orchestrator({
      config: { orchestration_mode: 'centralized' },
      settings: { auto_tick: false, chunk_workloads: 2 },
    })
    const names = ['w1', 'w2', 'w3', 'w4', 'w5']
    await fleet(
      id,
      FLEET,
      names.map((n) => workload(n)),
    )
    for (const [i, n] of names.entries()) await history(id, n, new Array(12).fill(60 + 40 * i))
    const stub = env.ORCHESTRATOR.getByName(id)
    // inside the object, so the chunks run when the test says (the alarm it sets would run them too)
    const seen = await runInDurableObject(stub, async (obj) => {
      const o = obj as unknown as OrchestratorObject
      // synchronous from here on (the start without its alarm, then the chunks): no alarm can interleave
      const inside = o as unknown as { begin(): unknown; chunk(): { ok: boolean; value: unknown } }
      const started = inside.begin()
      const busy = o.writeWorkloads([], ['w1'], false)
      return { started, busy, chunks: [inside.chunk(), inside.chunk(), inside.chunk()] }
    })
    expect(seen.started).toEqual({ ok: true, value: { running: { tick: 1, assessed: 0, total: 5 } } })
    expect(await seen.busy).toMatchObject({ ok: false, failure: { code: 'tick_in_progress', tick: 1 } })
    expect(seen.chunks[0]?.value).toEqual({ running: { tick: 1, assessed: 2, total: 5 } })
    expect(seen.chunks[1]?.value).toEqual({ running: { tick: 1, assessed: 4, total: 5 } })
    expect(seen.chunks[2]?.value).toMatchObject({ tick: 1, mode: 'centralized' })
    const placed = await call('GET', `/v1/orchestrators/${id}/placements`)
    expect(new Set(placed.body.replicas.map((r: { workload: string }) => r.workload))).toEqual(new Set(names))
    // a request does at most one chunk's work: a dry run or replay of 5 workloads past chunks of 2 is refused
    const plan = await call('GET', `/v1/orchestrators/${id}/plan`)
    expect(plan.status).toBe(422)
    expect(plan.body.budget).toBe('plan_workloads')
    expect((await call('GET', `/v1/orchestrators/${id}/replay`)).body).toEqual({
      ticks: [],
      not_replayed: [1],
    })
    await call(
      'PUT',
      `/v1/orchestrators/${id}`,
      { config: { orchestration_mode: 'centralized' }, settings: { auto_tick: false, chunk_workloads: 5 } },
      ADMIN,
    )
    // the replay recomputes the tick all at once from its kept inputs: the same plan digest as the chunks made
    const replay = await call('GET', `/v1/orchestrators/${id}/replay`)
    expect(replay.body.ticks).toEqual([expect.objectContaining({ tick: 1, ledgered: true, match: true })])
    expect((await call('PATCH', `/v1/orchestrators/${id}/workloads`, { remove: ['w1'] }, WRITE)).status).toBe(
      200,
    )
  })

  it('POST tick on a large fleet answers 202 with the progress, and the alarms finish it', async () => {
    const { env, runDurableObjectAlarm } = await import('cloudflare:test')
    const id = await orchestrator({ settings: { auto_tick: false, chunk_workloads: 1 } })
    await fleet(id, FLEET, [workload('w1'), workload('w2')])
    const started = await call('POST', `/v1/orchestrators/${id}/tick`, undefined, WRITE)
    expect(started.status).toBe(202)
    expect(started.body.running).toMatchObject({ tick: 1, total: 2 })
    const stub = env.ORCHESTRATOR.getByName(id)
    for (let i = 0; i < 5 && (await call('GET', `/v1/orchestrators/${id}`)).body.tick === 0; i++)
      await runDurableObjectAlarm(stub)
    expect((await call('GET', `/v1/orchestrators/${id}`)).body.tick).toBe(1)
  })
})
