// The orchestrator's opt-in anomaly filter: a planted one-off demand spike moves the replicas without the filter
// and not with it, the plan receipts the flag, and a lasting level shift still reaches the forecast.
import { describe, expect, it } from 'vitest'
import { FILTER_POINTS, filterDemand, planTick } from '../../functions/orchestrator/index.ts'
import { mulberry32 } from '../../functions/random/index.ts'
import { strategy, tickInput } from '../orchestrator/inputs.ts'

const rand = mulberry32(11)
/** 150 steps of demand around 250 req/s (+-2 %). */
const calm = Array.from({ length: 150 }, () => 250 * (1 + 0.04 * (rand() - 0.5)))
const SPIKE_AGO = 8
const predictive = strategy({ strategy_id: 'p', scaling_policy: { method: 'predictive', max_replicas: 20 } })
const spiked = calm.map((x, i) => (i === calm.length - 1 - SPIKE_AGO ? 4 * x : x))

const target = (demand: number[], filter?: 'robust_z') =>
  planTick(
    tickInput({
      strategies: [predictive],
      demand: { api: demand },
      settings: { season: 1, horizon: 12, ...(filter && { anomaly_filter: filter }) },
    }),
  ).doc.workloads[0]

describe('orchestrator anomaly filter (settings.anomaly_filter)', () => {
  it('a one-off x3 spike eight steps ago raises the replicas without the filter, not with it', () => {
    const clean = target(calm)
    const raw = target(spiked)
    const filtered = target(spiked, 'robust_z')
    expect(raw?.target).toBeGreaterThan(clean?.target as number)
    expect(filtered?.target).toBe(clean?.target)
  })
  it('the plan records the flagged point: where, what it was and what was expected', () => {
    const plan = target(spiked, 'robust_z')
    const a = plan?.anomalies?.[0]
    expect(a?.steps_ago).toBe(SPIKE_AGO)
    expect(a?.kind).toBe('spike')
    expect(a?.value).toBe(spiked[spiked.length - 1 - SPIKE_AGO])
    expect(Math.abs((a?.expected as number) - 250)).toBeLessThan(10)
    // off (absent): no record and the same plan as before the filter existed
    expect(target(spiked)?.anomalies).toBeUndefined()
  })
  it('a lasting doubling is a level shift: it reaches the forecast and the replicas rise as without the filter', () => {
    const shifted = calm.map((x, i) => (i >= 135 ? 2 * x : x))
    const raw = target(shifted)
    const filtered = target(shifted, 'robust_z')
    expect(filtered?.target).toBe(raw?.target)
    expect(filtered?.target).toBeGreaterThan(target(calm)?.target as number)
    expect(filtered?.anomalies?.some((a) => a.kind === 'level_shift' && a.steps_ago === 14)).toBe(true)
  })
})

describe('filterDemand on the longest retention', () => {
  it('scans only the newest FILTER_POINTS, within the anomaly budget, and maps indices back', () => {
    const r = mulberry32(2)
    const long = Array.from({ length: 20_000 }, () => 100 + 4 * (r() - 0.5))
    long[19_990] = 400
    long[100] = 400 // older than the scanned tail: left as it was
    const f = filterDemand(long, 60)
    expect(f.anomalies).toEqual([expect.objectContaining({ steps_ago: 9, kind: 'spike', value: 400 })])
    expect(f.series[19_990]).toBeLessThan(110)
    expect(f.series[100]).toBe(400)
    expect(FILTER_POINTS).toBeLessThan(20_000)
  })
})
