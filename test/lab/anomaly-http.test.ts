// Anomaly detection over HTTP inside workerd: the stateless POST /v1/lab/anomalies and the holon route over
// committed events (a member, an aggregate's input, torsion) with a planted spike; refusals as problems.
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../functions/random/index.ts'
import type { KernelInput } from '../../schemas/kernel.ts'
import { HolonAnomalyResult, LabAnomalyResult } from '../../schemas/lab-anomaly.ts'
import { call, commit, createHolon, freshId, WRITE } from '../support/http.ts'

const kernel: KernelInput = {
  id: 'shop',
  aggregates: {
    sales: { fold: 'sum', expr: 'event.amount', where: "event.type == 'sale'" },
    events: { fold: 'count' },
  },
  invariants: { Open: { score: '1.0', threshold: 0.5 } },
}

/** 60 sales around 50 and refunds around 5 interleaved; the sale at SPIKE is x8 (planted). */
const SPIKE = 44
function history(): Record<string, unknown>[] {
  const r = mulberry32(5)
  const events: Record<string, unknown>[] = []
  for (let i = 0; i < 60; i++) {
    const amount = Math.round(100 * (50 + 4 * (r() - 0.5)) * (i === SPIKE ? 8 : 1)) / 100
    events.push({ id: `s${i}`, type: 'sale', amount, meta: { latency_ms: 20 + (i % 3) } })
    if (i % 4 === 0) events.push({ id: `r${i}`, type: 'refund', amount: 5 + (i % 2) })
  }
  return events
}

describe('POST /v1/lab/anomalies', () => {
  it('finds a planted spike and a level shift where they were put, advisory, within the step budget', async () => {
    const r = mulberry32(3)
    const series = Array.from({ length: 120 }, (_, i) => 200 + 6 * (r() - 0.5) + (i >= 90 ? 80 : 0))
    series[60] = 320
    const res = await call('POST', '/v1/lab/anomalies', { series })
    expect(res.status).toBe(200)
    const body = LabAnomalyResult.parse(res.body)
    expect(body.advisory).toBe(true)
    expect(body.anomalies.map((a) => [a.index, a.kind])).toEqual([
      [60, 'spike'],
      [90, 'level_shift'],
    ])
    expect(body.steps).toBeGreaterThan(0)
  })
  it('a bad option is a 400 problem; an over-long series too; a budget-busting window a 422 naming anomaly_steps', async () => {
    const bad = await call('POST', '/v1/lab/anomalies', { series: [1, 2], options: { window: 2 } })
    expect(bad.status).toBe(400)
    expect(bad.type).toContain('application/problem+json')
    const long = await call('POST', '/v1/lab/anomalies', { series: new Array(10_001).fill(1) })
    expect(long.status).toBe(400)
    // calm noise: no level shift restarts the baseline, so every point pays for its 1,000-point window
    const r = mulberry32(9)
    const busy = await call('POST', '/v1/lab/anomalies', {
      series: Array.from({ length: 10_000 }, () => r()),
      options: { window: 1000, warmup: 10 },
    })
    expect(busy.status).toBe(422)
    expect(busy.body).toMatchObject({ budget: 'anomaly_steps', unit: 'steps' })
  })
})

describe('GET /v1/holons/{id}/lab/anomalies', () => {
  it("flags the planted sale in the aggregate's input and in the member, with its event seq", async () => {
    const id = await createHolon(kernel)
    expect((await commit(id, { events: history() })).status).toBe(201)
    const agg = await call('GET', `/v1/holons/${id}/lab/anomalies?aggregate=sales`)
    expect(agg.status).toBe(200)
    const a = HolonAnomalyResult.parse(agg.body)
    expect(a).toMatchObject({ source: 'aggregate.sales', points: 60, advisory: true })
    expect(a.anomalies).toHaveLength(1)
    const spike = a.anomalies[0]
    expect(spike).toMatchObject({ index: SPIKE, kind: 'spike' })
    // the event's seq (from 1): a refund follows sales 0, 4, 8, ...: ceil(SPIKE / 4) of them precede the spike
    expect(spike?.seq).toBe(SPIKE + 1 + Math.ceil(SPIKE / 4))
    // `amount` over every event mixes refunds in: a different series, still read in full
    const member = HolonAnomalyResult.parse(
      (await call('GET', `/v1/holons/${id}/lab/anomalies?field=amount&limit=10`)).body,
    )
    expect(member).toMatchObject({ source: 'event.amount', events: 10, points: 10 })
    const nested = HolonAnomalyResult.parse(
      (await call('GET', `/v1/holons/${id}/lab/anomalies?field=meta.latency_ms`)).body,
    )
    expect(nested.points).toBe(60)
    expect(nested.anomalies).toEqual([])
    const torsion = HolonAnomalyResult.parse((await call('GET', `/v1/holons/${id}/lab/anomalies`)).body)
    expect(torsion).toMatchObject({ source: 'torsion', points: 75, anomalies: [] })
  })
  it('unknown aggregate 400 naming the known ones, both field and aggregate 400, unknown holon 404', async () => {
    const id = await createHolon(kernel)
    const r = await call('GET', `/v1/holons/${id}/lab/anomalies?aggregate=nope`)
    expect(r.status).toBe(400)
    expect(r.body.detail).toContain('sales')
    expect((await call('GET', `/v1/holons/${id}/lab/anomalies?aggregate=sales&field=amount`)).status).toBe(
      400,
    )
    expect((await call('GET', `/v1/holons/${freshId()}/lab/anomalies`, undefined, WRITE)).status).toBe(404)
  })
})
