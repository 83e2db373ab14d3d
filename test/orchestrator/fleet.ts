// A small fleet for orchestrator tests: two regions of nodes in the disk, a few workloads, sample helpers.
import { ADMIN, call, freshId, WRITE } from '../support/http.ts'

export const node = (
  id: string,
  region: string,
  x: number,
  y: number,
  extra: Record<string, unknown> = {},
) => ({
  id,
  region,
  coordinates: [x, y],
  capacity: { cpu: 8, memory: 32 },
  cost_per_unit_hour: { cpu: region === 'eu' ? 0.04 : 0.03 },
  availability: 0.999,
  carbon_intensity: region === 'eu' ? 120 : 400,
  ...extra,
})

export const FLEET = [
  node('eu-1', 'eu', 0.3, 0.1),
  node('eu-2', 'eu', 0.35, 0.2),
  node('eu-3', 'eu', 0.25, 0.25),
  node('us-1', 'us', -0.3, -0.1),
  node('us-2', 'us', -0.35, -0.2),
  node('us-3', 'us', -0.25, -0.25),
]

export const workload = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'interactive',
  replica: { capacity: 100, request: { cpu: 1, memory: 2 } },
  sla: { latency_ms: 200, target_utilisation: 0.7 },
  affinity: [0.3, 0.15],
  ...extra,
})

export async function orchestrator(body: Record<string, unknown> = {}, id = freshId('o')): Promise<string> {
  const r = await call('PUT', `/v1/orchestrators/${id}`, { settings: { auto_tick: false }, ...body }, ADMIN)
  if (r.status !== 201) throw new Error(`create ${id}: ${r.status} ${JSON.stringify(r.body)}`)
  return id
}

export async function fleet(
  id: string,
  nodes: unknown[] = FLEET,
  workloads: unknown[] = [workload('api')],
): Promise<void> {
  const n = await call('PUT', `/v1/orchestrators/${id}/nodes`, { nodes }, WRITE)
  if (n.status !== 200) throw new Error(`nodes: ${n.status} ${JSON.stringify(n.body)}`)
  const w = await call('PUT', `/v1/orchestrators/${id}/workloads`, { workloads }, WRITE)
  if (w.status !== 200) throw new Error(`workloads: ${w.status} ${JSON.stringify(w.body)}`)
}

/** `rates[i]` as the request rate of `workload` i steps before now (step = tick_seconds, default 60 s). */
export async function history(
  id: string,
  workload: string,
  rates: number[],
  stepSeconds = 60,
): Promise<void> {
  const now = Date.now()
  const samples = rates.map((r, i) => ({
    workload,
    request_rate: r,
    at: new Date(now - (rates.length - 1 - i) * stepSeconds * 1000).toISOString(),
  }))
  const m = await call('POST', `/v1/orchestrators/${id}/metrics`, { workloads: samples }, WRITE)
  if (m.status !== 200) throw new Error(`metrics: ${m.status} ${JSON.stringify(m.body)}`)
}
