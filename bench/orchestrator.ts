// Orchestrator benchmarks: one tick at fleet scale in-process (assessment per workload, placement, digest), and
// over wrangler dev a chunked tick on alarms with the bytes the object stores per workload.
import { performance } from 'node:perf_hooks'
import type { Health } from '../functions/mdp/index.ts'
import {
  assessWorkload,
  digestOf,
  finishTick,
  type ResolvedNode,
  TickContext,
  type TickInput,
} from '../functions/orchestrator/index.ts'
import { mulberry32 } from '../functions/random/index.ts'
import { MomConfig } from '../schemas/mom-config.ts'
import { OrchestratorSettings, Workload } from '../schemas/orchestrator.ts'
import { benchServer } from './server.ts'

type Table = (title: string, head: string[], rows: (string | number)[][]) => void
const fmt = (x: number, d = 1) => x.toFixed(d)
const REGIONS = ['eu', 'us', 'ap', 'sa']

/** A seeded fleet: nodes around their region's angle in the disk, workloads with diurnal demand and noise. */
export function fleetInput(workloads: number, nodes: number, steps: number, seed = 7): TickInput {
  const rnd = mulberry32(seed)
  const ns: ResolvedNode[] = Array.from({ length: nodes }, (_, i) => {
    const region = REGIONS[i % REGIONS.length] as string
    const a = (2 * Math.PI * (i % REGIONS.length)) / REGIONS.length + 0.6 * (rnd() - 0.5)
    const r = 0.4 + 0.4 * rnd()
    return {
      id: `n${i}`,
      region,
      coordinates: [r * Math.cos(a), r * Math.sin(a)],
      links: [],
      capacity: { cpu: 64, memory: 256 },
      cost_per_unit_hour: { cpu: 0.03 + 0.02 * rnd(), memory: 0.004 },
      availability: 0.995 + 0.0049 * rnd(),
      carbon_intensity: 100 + 600 * rnd(),
      labels: {},
      health: 'up',
    }
  })
  const ws = Array.from({ length: workloads }, (_, i) => {
    const a = 2 * Math.PI * rnd()
    return Workload.parse({
      id: `w${String(i).padStart(5, '0')}`,
      type: (['interactive', 'streaming', 'batch', 'ml_training'] as const)[i % 4],
      replica: { capacity: 100, request: { cpu: 1, memory: 2 } },
      affinity: [0.6 * Math.cos(a), 0.6 * Math.sin(a)],
    })
  })
  const demand: Record<string, number[]> = {}
  for (const w of ws) {
    const peak = 100 + 300 * rnd()
    demand[w.id] = Array.from({ length: steps }, (_, t) =>
      Math.max(0, peak * (0.6 + 0.4 * Math.sin((2 * Math.PI * t) / 24)) + 10 * (rnd() - 0.5)),
    )
  }
  const health: Record<string, Health[]> = Object.fromEntries(
    ns.map((n) => [n.id, new Array<Health>(steps).fill('up')]),
  )
  return {
    orchestrator: 'bench',
    tick: 1,
    at: '2026-11-30T12:00:00.000Z',
    config: MomConfig.parse({ orchestration_mode: 'centralized' }),
    strategies: [],
    settings: OrchestratorSettings.parse({ season: 24, horizon: 12, retention: steps }),
    nodes: ns,
    workloads: ws,
    demand,
    latency: {},
    health,
    utilisation: {},
    replicas: [],
    last_change: {},
    approved: {},
  }
}

function tickInProcess(table: Table, quick: boolean): void {
  const sizes: [number, number][] = quick
    ? [[1000, 100]]
    : [
        [1000, 100],
        [10_000, 1000],
      ]
  const rows: (string | number)[][] = []
  for (const [W, N] of sizes) {
    const input = fleetInput(W, N, 96)
    const cpu = () => {
      const u = process.cpuUsage()
      return (u.user + u.system) / 1000
    }
    let t0 = cpu()
    const ctx = new TickContext(input)
    const assessed = input.workloads.map((w) => assessWorkload(ctx, w))
    const assessMs = cpu() - t0
    t0 = cpu()
    const plan = finishTick(ctx, assessed)
    const finishMs = cpu() - t0
    t0 = cpu()
    digestOf(input)
    const digestMs = cpu() - t0
    const replicas = plan.replicas.length
    rows.push([
      W,
      N,
      replicas,
      fmt(assessMs / W, 2),
      Math.ceil(W / 100),
      fmt(finishMs, 0),
      fmt((replicas / finishMs) * 1000, 0),
      fmt(digestMs, 0),
      plan.doc.unplaced.reduce((a, u) => a + u.replicas, 0),
    ])
  }
  table(
    'One tick in-process (Node, CPU time; 96 steps of history, season 24, horizon 12; predictive, centralized)',
    [
      'workloads',
      'nodes',
      'replicas',
      'assess ms/workload (forecast + MPC + failover)',
      'alarm chunks of 100',
      'place + act ms',
      'placement decisions/s',
      'input digest ms',
      'unplaced',
    ],
    rows,
  )
}

async function tickOverRuntime(table: Table, quick: boolean): Promise<void> {
  const W = quick ? 200 : 1000
  const N = quick ? 20 : 100
  const steps = 48
  const server = await benchServer('orchestrator')
  const call = async (method: string, path: string, body: unknown, token: string) => {
    const res = await fetch(`${server.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`)
    return JSON.parse(text)
  }
  try {
    const input = fleetInput(W, N, steps)
    const id = 'bench'
    await call(
      'PUT',
      `/v1/orchestrators/${id}`,
      {
        config: { orchestration_mode: 'centralized' },
        settings: { auto_tick: false, season: 24, horizon: 12, retention: steps, chunk_workloads: 100 },
      },
      server.admin,
    )
    const empty = (await call('GET', `/v1/orchestrators/${id}`, undefined, server.admin)).storage_bytes
    await call(
      'PUT',
      `/v1/orchestrators/${id}/nodes`,
      { nodes: input.nodes.map(({ coordinates, ...n }) => ({ ...n, coordinates })) },
      server.write,
    )
    for (let i = 0; i < W; i += 1000)
      await call(
        'PUT',
        `/v1/orchestrators/${id}/workloads`,
        { workloads: input.workloads.slice(i, i + 1000) },
        server.write,
      )
    const withFleet = (await call('GET', `/v1/orchestrators/${id}`, undefined, server.admin)).storage_bytes
    const now = Date.now()
    const samples = input.workloads.flatMap((w) =>
      (input.demand[w.id] as number[]).map((r, t) => ({
        workload: w.id,
        request_rate: r,
        at: new Date(now - (steps - 1 - t) * 60_000).toISOString(),
      })),
    )
    for (let i = 0; i < samples.length; i += 10_000)
      await call(
        'POST',
        `/v1/orchestrators/${id}/metrics`,
        { workloads: samples.slice(i, i + 10_000) },
        server.write,
      )
    const withMetrics = (await call('GET', `/v1/orchestrators/${id}`, undefined, server.admin)).storage_bytes
    const t0 = performance.now()
    await call('POST', `/v1/orchestrators/${id}/tick`, undefined, server.write)
    let info = await call('GET', `/v1/orchestrators/${id}`, undefined, server.admin)
    while (info.tick < 1) {
      await new Promise((r) => setTimeout(r, 200))
      info = await call('GET', `/v1/orchestrators/${id}`, undefined, server.admin)
    }
    const tickMs = performance.now() - t0
    const after = info.storage_bytes
    table(
      `A chunked tick over wrangler dev (${W} workloads, ${N} nodes, ${steps} steps of metrics, chunks of 100 on alarms)`,
      [
        'tick wall ms',
        'replicas',
        'bytes/workload: config + replicas',
        'bytes/workload: + metrics',
        'bytes/workload: + tick (inputs kept, ledger)',
      ],
      [
        [
          fmt(tickMs, 0),
          info.replicas,
          fmt((withFleet - empty) / W, 0),
          fmt((withMetrics - empty) / W, 0),
          fmt((after - empty) / W, 0),
        ],
      ],
    )
  } finally {
    server.close()
  }
}

export async function orchestratorBench(table: Table, quick: boolean): Promise<void> {
  tickInProcess(table, quick)
  await tickOverRuntime(table, quick)
}
