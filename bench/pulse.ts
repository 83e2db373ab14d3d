// Pulse benchmarks: CPU time of one beat in-process, and 1,000 holons beating on alarms in one wrangler dev.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { DatabaseSync } from 'node:sqlite'
import { send, startDev } from '../bootstrap/dev-server.ts'
import { Kairos } from '../functions/kairos/index.ts'
import { type Dimension, initialMemory, runBeat } from '../functions/pulse/index.ts'
import type { Evaluation } from '../schemas/evaluation.ts'
import { PulseConfig } from '../schemas/pulse.ts'
import { fmt, median, quantile, table } from './report.ts'
import { benchKernel } from './workload.ts'

/** us per beat: KAIROS sample + the pure beat + the snapshot's JSON (what the object adds to its SQL writes). */
function beatRounds(dims: number): number[] {
  const config = PulseConfig.parse({})
  const d: Dimension[] = Array.from({ length: dims }, (_, i) => ({
    invariant: `I${i}`,
    threshold: 0.5,
    weight: 1,
  }))
  const kairos = new Kairos(config.kairos)
  let memory = initialMemory(config)
  const rounds: number[] = []
  let n = 0
  for (let r = 0; r < 8; r++) {
    const t0 = performance.now()
    for (let b = 0; b < 20_000; b++, n++) {
      const state = d.map((_, i) => 0.7 + 0.2 * Math.sin(n / 10 + i))
      kairos.sample(state, n * config.kairos.tau_scale_ms)
      const evaluation: Evaluation = {
        dimensions: d.map((x) => x.invariant),
        state_vector: state,
        torsion: 0,
        violations: [],
        errors: [],
        admissible: true,
      }
      const out = runBeat(config, memory, {
        beat: n + 1,
        at: '2026-01-01T00:00:00.000Z',
        peers: 1,
        evaluation,
        dims: d,
        since: { violations: n % 3, rejections: 0, overrides: 0, events: 0 },
        kairos: kairos.reading(),
        peer_alerts: [],
        peer_alert_id: null,
        peer_ml_weights: [],
      })
      memory = out.memory
      JSON.stringify(out.snapshot)
    }
    if (r > 0) rounds.push(((performance.now() - t0) * 1000) / 20_000)
  }
  return rounds
}

export function beatInProcess(): void {
  const rows = [2, 10, 50].map((dims) => [dims, beatRounds(dims)] as const)
  table(
    'One beat in-process (KAIROS sample + controller + snapshot JSON; Node 22, same V8 as workerd)',
    ['dimensions', 'beats x rounds', 'median us/beat', 'best us/beat'],
    rows.map(([dims, r]) => [dims, `20,000 x ${r.length}`, fmt(median(r), 2), fmt(Math.min(...r), 2)]),
  )
}

/** Runs `f` over `items`, `width` at a time; a call failing at the socket level is retried (idempotent calls only). */
async function pool<T>(items: T[], width: number, f: (x: T) => Promise<void>): Promise<void> {
  let next = 0
  const retried = async (x: T) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await f(x)
      } catch (e) {
        if (attempt >= 3 || !(e instanceof TypeError)) throw e
        await new Promise((r) => setTimeout(r, 500))
      }
    }
  }
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await retried(items[next++] as T)
    }),
  )
}

const log = (m: string) => process.stderr.write(`[pulse bench ${new Date().toISOString()}] ${m}\n`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A port nobody listens on now: a fixed range can collide with another local benchmark's wrangler. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })

/** CPU seconds used so far by the workerd processes under `root` (Linux /proc; null elsewhere). */
export function workerdCpu(root: number): number | null {
  try {
    const procs = readdirSync('/proc')
      .filter((d) => /^[0-9]+$/.test(d))
      .map((d) => {
        try {
          const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
          const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
          const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
          return { pid: Number(d), ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]) }
        } catch {
          return null
        }
      })
      .filter((p) => p !== null)
    const under = new Set([root])
    for (let grew = true; grew; ) {
      grew = false
      for (const p of procs)
        if (under.has(p.ppid) && !under.has(p.pid)) {
          under.add(p.pid)
          grew = true
        }
    }
    return (
      procs.filter((p) => under.has(p.pid) && p.comm === 'workerd').reduce((t, p) => t + p.ticks, 0) / 100
    )
  } catch {
    return null
  }
}

/** Beat times per holon in [from, to], read from the stopped runtime's SQLite files. */
function storedBeats(dir: string, from: number, to: number, objectsDir = 'omega-HolonObject'): number[][] {
  const objects = join(dir, 'v3', 'do', objectsDir)
  const out: number[][] = []
  for (const f of readdirSync(objects).filter((x) => x.endsWith('.sqlite'))) {
    const db = new DatabaseSync(join(objects, f), { readOnly: true })
    try {
      const rows = db
        .prepare('SELECT at_ms FROM pulse_beats WHERE at_ms >= ? AND at_ms <= ? ORDER BY beat')
        .all(from, to) as { at_ms: number }[]
      out.push(rows.map((r) => r.at_ms))
    } catch {
      // not a holon database
    } finally {
      db.close()
    }
  }
  return out
}

/** How one runtime's objects are set beating: configured over HTTP, counted from their SQLite files. */
interface BeatTarget {
  name: string
  args: string[]
  objectsDir: string
  configure: (base: string, id: string, period: number, first: number) => Promise<void>
}

/**
 * 1,000 holons in one local runtime (wrangler dev: one workerd process), each beating on its own alarm
 * every `period` ms, a fresh runtime per period. The runtime is stopped after the window and the beats
 * whose snapshot timestamps fall in the window are counted from its SQLite files, so slow requests
 * around the window cannot bias the count. CPU is workerd's own (user + system) over the window.
 * Beside each run, the same number of bare objects (bench/bare-alarm: one row and the next alarm per beat)
 * in a runtime of their own: the local runtime's floor for an alarm that writes, so the ratio says how much
 * of a beat's cost is the holon's own work.
 */
export async function beatsOverRuntime(
  holons = 1000,
  seconds = 15,
  // `OMEGA_BENCH_PULSE_PERIODS=1000` runs only the 1 beat/s case (each period costs a few minutes).
  periods = (process.env.OMEGA_BENCH_PULSE_PERIODS ?? '5000,2000,1000').split(',').map(Number),
): Promise<void> {
  const rows: (string | number)[][] = []
  const admin = randomBytes(18).toString('base64url')
  const targets: BeatTarget[] = [
    {
      name: 'holons (full_audit ledger)',
      args: ['--var', `OMEGA_ADMIN_TOKEN:${admin}`, '--var', 'OMEGA_WRITE_TOKEN:unused-w'],
      objectsDir: 'omega-HolonObject',
      configure: async (base, id, period, first) => {
        await send(base, 'PUT', `/v1/holons/${id}`, { kernel: benchKernel }, admin)
        const body = { running: true, first_beat_at: first, config: { period_ms: period } }
        await send(base, 'PUT', `/v1/holons/${id}/pulse`, body, admin)
      },
    },
    {
      name: 'bare objects (one row per alarm)',
      args: ['-c', join(import.meta.dirname, 'bare-alarm', 'wrangler.toml')],
      objectsDir: 'omega-bare-alarm-Beat',
      configure: async (base, id, period, first) => {
        const r = await fetch(`${base}/?id=${id}&period=${period}&first=${first}`, { method: 'POST' })
        if (!r.ok) throw new Error(`bare alarm start: ${r.status} ${await r.text()}`)
      },
    },
  ]
  for (const period of periods) {
    for (const target of targets) {
      const dir = mkdtempSync(join(tmpdir(), 'omega-bench-pulse-'))
      const server = await startDev({
        port: await freePort(),
        quiet: true,
        args: ['--persist-to', dir, ...target.args],
      })
      try {
        const { base } = server
        const ids = Array.from({ length: holons }, (_, i) => `pulse-${i}`)
        // First beats staggered evenly over one period, after every object is configured: an overloaded
        // runtime would otherwise starve the configuring requests behind the first objects' beats.
        const t0 = performance.now()
        const start = Date.now() + 60_000
        await pool(ids, 32, (id) =>
          target.configure(
            base,
            id,
            period,
            start + Math.floor((Number(id.split('-')[1]) * period) / holons),
          ),
        )
        log(`${target.name}, period ${period} ms: configured in ${fmt((performance.now() - t0) / 1000)} s`)
        await sleep(start - Date.now() + 2 * period + 10_000) // past the first beats and any backlog they left
        const pid = server.child.pid ?? -1
        const cpu0 = workerdCpu(pid)
        const from = Date.now()
        await sleep(seconds * 1000)
        const to = Date.now()
        const cpu1 = workerdCpu(pid)
        server.stop()
        await new Promise((r) => (server.child.exitCode !== null ? r(null) : server.child.once('exit', r)))
        await sleep(1000)
        const beats = storedBeats(dir, from, to, target.objectsDir)
        const count = beats.reduce((n, b) => n + b.length, 0)
        const late = beats.flatMap((b) => b.slice(1).map((t, i) => t - (b[i] as number) - period))
        const rate = count / ((to - from) / 1000)
        const cpu = cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null
        log(
          `${target.name}, period ${period} ms: ${count} beats in ${fmt((to - from) / 1000)} s, ${fmt(rate, 0)}/s`,
        )
        rows.push([
          `${holons} x every ${period} ms`,
          target.name,
          fmt((holons * 1000) / period, 0),
          fmt(rate, 0),
          cpu === null ? 'n/a' : `${fmt((100 * cpu) / ((to - from) / 1000), 0)} %`,
          cpu === null || count === 0 ? 'n/a' : fmt((cpu * 1000) / count, 2),
          late.length ? `${fmt(quantile(late, 0.5), 0)} / ${fmt(quantile(late, 0.99), 0)}` : 'n/a',
        ])
      } finally {
        server.stop()
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
  table(
    `${holons} holons and ${holons} bare objects beating on Durable Object alarms, each set in its own wrangler dev (one local workerd, SQLite; ${seconds} s windows)`,
    [
      'objects x period',
      'objects',
      'offered beats/s',
      'sustained beats/s',
      'workerd CPU',
      'workerd CPU ms/beat',
      'beat interval minus period, p50 / p99 ms',
    ],
    rows,
  )
}
