// Commit throughput over HTTP into one holon, batches of 100: full receipts and `Prefer: return=minimal`,
// sequential and 4 in flight, this checkout against a baseline commit run side by side (interleaved rounds).
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { type DevServer, root, startDev } from '../bootstrap/dev-server.ts'
import { workerdCpu } from './pulse.ts'
import { fmt, median, quantile, table } from './report.ts'
import { benchKernel, events, take } from './workload.ts'

/** The commit path before the last performance round (it already knows `Prefer: return=minimal`). */
const BASELINE = process.env.OMEGA_BENCH_COMMIT_BASELINE ?? '3bb8c4e3e151e5d3a74fa9ac33904cf563e3001a'
/** Whether the baseline answers `Prefer: return=minimal` (set 0 for commits before issue 9's commit-path work). */
const BASELINE_MINIMAL = (process.env.OMEGA_BENCH_COMMIT_BASELINE_MINIMAL ?? '1') === '1'
/** Single-event commits per round and server, each followed by a `GET /` (latency against the local stack). */
const SINGLES = 20
const ROUNDS = Number(process.env.OMEGA_BENCH_ROUNDS ?? 6)
const BATCH = 100
const SEQUENTIAL = 10
const IN_FLIGHT = 4
const PER_FLIGHT = 3

type Mode = 'full' | 'minimal'

interface Server {
  label: string
  dev: DevServer
  stream: Generator<Record<string, unknown> & { id: string }>
  modes: Mode[]
}

async function post(server: Server, mode: Mode, write: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now()
  const res = await fetch(`${server.dev.base}/v1/holons/bench/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${write}`,
      ...(mode === 'minimal' && { prefer: 'return=minimal' }),
    },
    body: JSON.stringify({ events: take(server.stream, BATCH) }),
  })
  const text = await res.text()
  if (res.status !== 201) throw new Error(`${server.label}: ${res.status} ${text.slice(0, 300)}`)
  if (mode === 'minimal' && res.headers.get('preference-applied') !== 'return=minimal')
    throw new Error(`${server.label}: return=minimal was not applied`)
  return { ms: performance.now() - t0, bytes: text.length }
}

export async function commitModes(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'omega-commit-bench-'))
  const tree = join(tmp, 'baseline')
  const write = randomBytes(18).toString('base64url')
  const admin = randomBytes(18).toString('base64url')
  const servers: Server[] = []
  let baseline = true
  try {
    execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', tree, BASELINE], { stdio: 'ignore' })
    symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'))
  } catch {
    console.log(`\n(baseline ${BASELINE.slice(0, 7)} is not in this checkout's history: this checkout only)`)
    baseline = false
  }
  const start = async (label: string, cwd: string, port: number, modes: Mode[]) => {
    const args = ['--persist-to', join(tmp, `state-${port}`), '--var', `OMEGA_WRITE_TOKEN:${write}`]
    const dev = await startDev({
      port,
      quiet: true,
      cwd,
      args: [...args, '--var', `OMEGA_ADMIN_TOKEN:${admin}`],
    })
    servers.push({ label, dev, stream: events(label.slice(0, 1), 5), modes })
  }
  const load0 = loadavg()[0] as number
  try {
    if (baseline)
      await start(
        `baseline ${BASELINE.slice(0, 7)}`,
        tree,
        8910,
        BASELINE_MINIMAL ? ['full', 'minimal'] : ['full'],
      )
    await start('this checkout', root, 8911, ['full', 'minimal'])
    for (const s of servers) {
      const created = await fetch(`${s.dev.base}/v1/holons/bench`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ kernel: benchKernel }),
      })
      if (!created.ok) throw new Error(`${s.label}: create ${created.status}`)
      for (const mode of s.modes) for (let i = 0; i < 3; i++) await post(s, mode, write) // warm-up
    }
    const rates: Record<string, number[]> = {}
    const record = (k: string, v: number) => {
      rates[k] = [...(rates[k] ?? []), v]
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of round % 2 ? [...servers].reverse() : servers) {
        for (const mode of s.modes) {
          const k = `${s.label} ${mode}`
          // workerd's own CPU (user + system, /proc) over both phases: less sensitive to other load than rates
          const cpu0 = workerdCpu(s.dev.child.pid ?? -1)
          let t0 = performance.now()
          for (let i = 0; i < SEQUENTIAL; i++) {
            const { ms, bytes } = await post(s, mode, write)
            record(`${k} latency`, ms)
            record(`${k} bytes`, bytes)
          }
          record(`${k} sequential`, (SEQUENTIAL * BATCH) / ((performance.now() - t0) / 1000))
          t0 = performance.now()
          await Promise.all(
            Array.from({ length: IN_FLIGHT }, async () => {
              for (let i = 0; i < PER_FLIGHT; i++) await post(s, mode, write)
            }),
          )
          record(`${k} parallel`, (IN_FLIGHT * PER_FLIGHT * BATCH) / ((performance.now() - t0) / 1000))
          const cpu1 = workerdCpu(s.dev.child.pid ?? -1)
          if (cpu0 !== null && cpu1 !== null)
            record(`${k} cpu`, ((cpu1 - cpu0) * 1000) / (SEQUENTIAL + IN_FLIGHT * PER_FLIGHT))
        }
        for (let i = 0; i < SINGLES; i++) {
          let t0 = performance.now()
          const res = await fetch(`${s.dev.base}/v1/holons/bench/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${write}` },
            body: JSON.stringify({ event: take(s.stream, 1)[0] }),
          })
          await res.arrayBuffer()
          if (res.status !== 201) throw new Error(`${s.label}: single commit ${res.status}`)
          record(`${s.label} single`, performance.now() - t0)
          t0 = performance.now()
          await fetch(`${s.dev.base}/`).then((r) => r.arrayBuffer())
          record(`${s.label} get`, performance.now() - t0)
        }
      }
    }
    const m = (k: string, d = 0) => (rates[k] ? fmt(median(rates[k] as number[]), d) : '-')
    table(
      `Commits over HTTP into one holon, batches of ${BATCH} (events/s, medians of ${ROUNDS} interleaved rounds; ` +
        `load average ${load0.toFixed(1)} at start, ${(loadavg()[0] as number).toFixed(1)} at end)`,
      [
        'server',
        'answer',
        'sequential',
        `${IN_FLIGHT} in flight`,
        'batch ms p50',
        'workerd CPU ms/batch',
        'bytes/batch',
        'GET / ms p50',
      ],
      servers.flatMap((s) =>
        s.modes.map((mode) => {
          const k = `${s.label} ${mode}`
          return [
            s.label,
            mode === 'full' ? 'full receipts' : 'return=minimal',
            m(`${k} sequential`),
            m(`${k} parallel`),
            m(`${k} latency`, 1),
            m(`${k} cpu`, 1),
            m(`${k} bytes`),
            m(`${s.label} get`, 1),
          ]
        }),
      ),
    )
    const q = (k: string, p: number) => (rates[k] ? fmt(quantile(rates[k] as number[], p), 1) : '-')
    table(
      `Single-event commits over HTTP (full receipt), each followed by a GET / (no object): ms, ${ROUNDS * SINGLES} of each per server`,
      ['server', 'commit p50', 'commit p95', 'GET / p50', 'GET / p95', 'commit p50 minus GET / p50'],
      servers.map((s) => {
        const single = rates[`${s.label} single`] as number[]
        const get = rates[`${s.label} get`] as number[]
        return [
          s.label,
          q(`${s.label} single`, 0.5),
          q(`${s.label} single`, 0.95),
          q(`${s.label} get`, 0.5),
          q(`${s.label} get`, 0.95),
          fmt(quantile(single, 0.5) - quantile(get, 0.5), 1),
        ]
      }),
    )
    await objectAlone(tmp)
  } finally {
    for (const s of servers) s.dev.stop()
    await new Promise((r) => setTimeout(r, 500))
    if (baseline)
      execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', tree], { stdio: 'ignore' })
    rmSync(tmp, { recursive: true, force: true })
  }
}

/**
 * The holon object alone in the same runtime: bench/holon-direct/worker.ts calls `HolonObject.commit` by RPC with
 * events it generates, `batches` per request, so workerd's CPU is the object's (and the RPC's), not the HTTP front's.
 * In a deployment the front runs in other isolates; the object, one per holon, is what serialises a holon's commits.
 */
export async function objectAlone(tmp: string): Promise<void> {
  const dev = await startDev({
    port: 8912,
    quiet: true,
    args: [join(root, 'bench', 'holon-direct', 'worker.ts'), '--persist-to', join(tmp, 'state-direct')],
  })
  const run = async (batches: number, minimal: boolean) => {
    const res = await fetch(`${dev.base}/run?batches=${batches}&size=${BATCH}&minimal=${minimal ? 1 : 0}`, {
      method: 'POST',
    })
    if (!res.ok) throw new Error(`holon-direct: ${res.status} ${await res.text()}`)
    return (await res.json()) as { bytes: number }
  }
  const per = 20
  const rates: Record<string, number[]> = {}
  const record = (k: string, v: number) => {
    rates[k] = [...(rates[k] ?? []), v]
  }
  try {
    const created = await fetch(`${dev.base}/create`, { method: 'POST' })
    if (created.status !== 201) throw new Error(`holon-direct: create ${created.status}`)
    for (const minimal of [false, true]) await run(10, minimal) // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const minimal of round % 2 ? [true, false] : [false, true]) {
        const k = minimal ? 'minimal' : 'full'
        const cpu0 = workerdCpu(dev.child.pid ?? -1)
        const t0 = performance.now()
        const { bytes } = await run(per, minimal)
        record(`${k} rate`, (per * BATCH) / ((performance.now() - t0) / 1000))
        const cpu1 = workerdCpu(dev.child.pid ?? -1)
        if (cpu0 !== null && cpu1 !== null) record(`${k} cpu`, ((cpu1 - cpu0) * 1000) / per)
        record(`${k} bytes`, bytes / per)
      }
    }
  } finally {
    dev.stop()
  }
  const m = (k: string, d = 0) => (rates[k] ? fmt(median(rates[k] as number[]), d) : '-')
  table(
    `The holon object alone, called by RPC from a worker in the same runtime (no HTTP front), batches of ${BATCH}: ` +
      `medians of ${ROUNDS} rounds of ${per} batches; load average ${(loadavg()[0] as number).toFixed(1)} at end`,
    ['answer', 'events/s', 'workerd CPU ms/batch', 'events/s at that CPU', 'answer bytes/batch'],
    (['full', 'minimal'] as const).map((k) => [
      k === 'full' ? 'full receipts' : 'return=minimal',
      m(`${k} rate`),
      m(`${k} cpu`, 1),
      rates[`${k} cpu`] ? fmt((1000 * BATCH) / median(rates[`${k} cpu`] as number[]), 0) : '-',
      m(`${k} bytes`),
    ]),
  )
}
