// Federation benchmarks: artifact propagation across 10 and 20 loopback nodes, time for 20 organisations'
// holons to phase-lock through the mesh (and r while peers leave and join), the synthetic oscillators' lock,
// memory per node, and how many artifacts one node verifies per second.
import { performance } from 'node:perf_hooks'
import { meshReading } from '../durable-objects/holon/mesh-sync.ts'
import { beatPhase, orderParameter } from '../functions/phase/index.ts'
import { Metrics } from '../p2p/metrics.ts'
import type { OmegaNode } from '../p2p/node.ts'
import { Rhizome } from '../p2p/rhizome.ts'
import { encode, TOPICS } from '../p2p/wire.ts'
import { PulseConfig } from '../schemas/pulse.ts'
import { artifact, removeTmp, spawnNode, until } from '../test/p2p/support.ts'
import { fmt, median, quantile, table } from './report.ts'

type Node = OmegaNode & { dir: string }

/** Each node dials up to three random earlier ones: a connected, sparse, irregular mesh. */
async function network(n: number, phase?: Record<string, unknown>): Promise<Node[]> {
  const nodes: Node[] = []
  for (let i = 0; i < n; i++) {
    // Phase gossip is slowed down here so that it does not compete with what is measured (one process, 2 cores).
    const node = await spawnNode({
      phase: { publish_ms: 5000, timeout_ms: 30_000, ...phase } as never,
      checkpoint_ms: 60_000,
    })
    const targets = [...nodes].sort(() => Math.random() - 0.5).slice(0, 3)
    for (const t of targets) await node.node.dial(t.addrs()[0] as never).catch(() => {}) // a refused dial: others connect it
    nodes.push(node)
  }
  await until(
    () => nodes.every((x) => x.node.services.pubsub.getSubscribers(TOPICS.rhizome).length > 0),
    'mesh',
    60_000,
  )
  await new Promise((r) => setTimeout(r, 3000)) // let gossipsub's heartbeats graft the mesh
  return nodes
}

async function propagation(n: number): Promise<(string | number)[]> {
  const nodes = await network(n)
  const latencies: number[] = []
  let missed = 0
  try {
    for (let k = 0; k < 20; k++) {
      const source = nodes[k % n] as Node
      const { artifact: a } = artifact()
      const t0 = performance.now()
      const pending = new Set(nodes.filter((x) => x !== source))
      await source.rhizome.publish(a)
      while (pending.size > 0 && performance.now() - t0 < 10_000) {
        for (const x of pending) {
          if (x.rhizome.known.has(a.origin)) {
            latencies.push(performance.now() - t0)
            pending.delete(x)
          }
        }
        await new Promise((r) => setImmediate(r))
      }
      missed += pending.size
    }
  } finally {
    await Promise.all(nodes.map((x) => x.stop()))
  }
  return [
    n,
    `${latencies.length} / ${latencies.length + missed}`,
    fmt(median(latencies)),
    fmt(quantile(latencies, 0.95)),
    fmt(Math.max(...latencies)),
  ]
}

async function phaseLock(n: number): Promise<(string | number)[]> {
  const heapBefore = process.memoryUsage().heapUsed
  const nodes = await Promise.all(
    Array.from({ length: n }, () =>
      spawnNode({
        phase: {
          natural_hz: 1 + (Math.random() - 0.5) * 0.04,
          coupling: 4,
          publish_ms: 100,
          timeout_ms: 2000,
        } as never,
      }),
    ),
  )
  const heapPerNode = (process.memoryUsage().heapUsed - heapBefore) / n
  try {
    // a dial that times out on a loaded machine leaves that node to be reached by later ones
    for (let i = 1; i < n; i++)
      await nodes[i]?.node.dial(nodes[Math.floor(Math.random() * i)]?.addrs()[0] as never).catch(() => {})
    const globalR = () => {
      const th = nodes.map((x) => x.phase.report().phase)
      return (
        Math.hypot(
          th.reduce((s, t) => s + Math.cos(t), 0),
          th.reduce((s, t) => s + Math.sin(t), 0),
        ) / n
      )
    }
    const r0 = globalR()
    const t0 = performance.now()
    // On a loaded machine the 20 in-process nodes may not lock within the minute: say so instead of failing the run.
    const locked = await until(() => globalR() >= 0.99, `${n} nodes at r >= 0.99`, 60_000).then(
      () => fmt((performance.now() - t0) / 1000, 2),
      () => `not within 60 s (r = ${fmt(globalR(), 2)})`,
    )
    return [n, fmt(r0, 2), locked, fmt(heapPerNode / 1e6, 1)]
  } finally {
    await Promise.all(nodes.map((x) => x.stop()))
  }
}

const PERIOD = 1000

/**
 * One organisation's holon, scheduled by exactly the holon alarm's rule: at each beat, the mesh reading of the
 * peers' pulses (durable-objects/holon/mesh-sync.ts, functions/phase meshStep with the default mesh config),
 * next beat = scheduled − correction; its beat goes to its node with setLocal (published every 250 ms).
 */
class SimHolon {
  next: number
  private timer?: ReturnType<typeof setTimeout>
  private readonly node: Node
  private readonly name: string
  private readonly config: PulseConfig

  constructor(node: Node, name: string, firstAt: number, config: PulseConfig) {
    this.node = node
    this.config = config
    this.name = name
    this.next = firstAt
    this.timer = setTimeout(() => this.beat(), firstAt - Date.now())
  }

  private beat(): void {
    const now = Date.now()
    const scheduled = this.next + PERIOD > now ? this.next + PERIOD : now + PERIOD
    const view = { live_peers: 0, pulses: this.node.phase.peerPulses() }
    const mesh = meshReading(this.config, view, scheduled, now, { re: 1, im: 0, abs: 1 })
    const next = Math.round(scheduled - (mesh?.correction_ms ?? 0))
    this.next = next > now ? next : scheduled
    this.node.phase.setLocal([
      {
        holon: this.name,
        origin: `${this.name}.example`,
        beat_at: now,
        next_at: this.next,
        period_ms: PERIOD,
        t_sync: { re: 1, im: 0 },
      },
    ])
    this.timer = setTimeout(() => this.beat(), this.next - Date.now())
  }

  phase(now: number): number {
    return beatPhase(this.next, PERIOD, now)
  }

  stop(): void {
    clearTimeout(this.timer)
  }
}

/**
 * The same rule without the network's CPU cost: an event-driven simulation at 1 ms resolution of n holons, each
 * beating by meshReading, seeing each peer's pulse as of that peer's last publishing tick (every `publishMs`, at
 * its own offset) plus `latencyMs`. Seconds from random phases to r >= 0.99, over `runs` seeds.
 */
export function simulatedLock(n: number, publishMs: number, latencyMs: number, runs: number): number[] {
  const config = PulseConfig.parse({ period_ms: PERIOD })
  const out: number[] = []
  for (let seed = 1; seed <= runs; seed++) {
    let s = seed
    const rnd = () => {
      s = (s * 1103515245 + 12345) % 2147483648
      return s / 2147483648
    }
    const next = Array.from({ length: n }, () => 300 + Math.floor(rnd() * PERIOD))
    const tickOffset = Array.from({ length: n }, () => Math.floor(rnd() * publishMs))
    const history = next.map((x) => [{ at: Number.NEGATIVE_INFINITY, next: x }])
    const seen = (j: number, now: number) => {
      const o = tickOffset[j] as number
      const tick = Math.floor((now - latencyMs - o) / publishMs) * publishMs + o
      let v = (history[j] as { next: number }[])[0]?.next as number
      for (const e of history[j] as { at: number; next: number }[]) if (e.at <= tick) v = e.next
      return v
    }
    let locked = Number.POSITIVE_INFINITY
    for (let now = 0; now < 60_000 && locked === Number.POSITIVE_INFINITY; now++) {
      for (let i = 0; i < n; i++) {
        if (next[i] !== now) continue
        const scheduled = now + PERIOD
        const pulses = []
        for (let j = 0; j < n; j++) {
          if (j === i) continue
          const nx = seen(j, now)
          pulses.push({
            holon: `h${j}`,
            origin: `org${j}.example`,
            beat_at: nx - PERIOD,
            next_at: nx,
            period_ms: PERIOD,
            t_sync: { re: 1, im: 0 },
            node: `n${j}`,
            received_ms: now,
          })
        }
        const mesh = meshReading(config, { live_peers: n - 1, pulses }, scheduled, now, {
          re: 1,
          im: 0,
          abs: 1,
        })
        const nx = Math.round(scheduled - (mesh?.correction_ms ?? 0))
        next[i] = nx > now ? nx : scheduled
        ;(history[i] as { at: number; next: number }[]).push({ at: now, next: next[i] as number })
      }
      if (now > 300 && orderParameter(next.map((x) => beatPhase(x, PERIOD, now))).r >= 0.99)
        locked = now / 1000
    }
    out.push(locked)
  }
  return out
}

/** 20 organisations, each a node with one simulated holon, from random phases to r >= 0.99; then 5 leave, 5 join. */
async function holonLock(
  n: number,
  churn: number,
  mesh: Record<string, number> = {},
): Promise<(string | number)[][]> {
  const config = PulseConfig.parse({ period_ms: PERIOD, mesh })
  const meshNode = async () => {
    const node = await spawnNode({
      phase: { publish_ms: 250, timeout_ms: 10_000 } as never,
      checkpoint_ms: 60_000,
    })
    // An organisation publishes its holon's beats only (no synthetic oscillator). A 10 s peer timeout: with 20
    // nodes in one process on a loaded machine the event loop stalls for seconds, and 3 s dropped live peers.
    node.phase.setLocal([])
    return node
  }
  const nodes: Node[] = []
  const holons: SimHolon[] = []
  const join = async () => {
    const node = await meshNode()
    for (let d = 0; d < Math.min(3, nodes.length); d++)
      await node.node
        .dial(nodes[Math.floor(Math.random() * nodes.length)]?.addrs()[0] as never)
        .catch(() => {})
    nodes.push(node)
    return node
  }
  try {
    for (let i = 0; i < n; i++) await join()
    await until(
      () => nodes.every((x) => x.node.services.pubsub.getSubscribers(TOPICS.phase).length > 0),
      'phase mesh',
      60_000,
    )
    await new Promise((r) => setTimeout(r, 2000)) // gossipsub heartbeats graft the mesh
    const start = Date.now() + 300
    for (const [i, node] of nodes.entries())
      holons.push(new SimHolon(node, `org${i}`, start + Math.floor(Math.random() * PERIOD), config))
    const r = (hs: SimHolon[]) => orderParameter(hs.map((h) => h.phase(Date.now()))).r
    const r0 = r(holons)
    const t0 = Date.now()
    const lock = await until(() => r(holons) >= 0.99, `${n} holons at r >= 0.99`, 60_000).then(
      () => fmt((Date.now() - t0) / 1000, 1),
      () => `not within 60 s (r = ${fmt(r(holons), 3)})`,
    )
    await new Promise((res) => setTimeout(res, 3000))
    const held = r(holons)

    // churn: `churn` organisations leave, as many join with random phases
    const leaving = holons.splice(0, churn)
    const gone = nodes.splice(0, churn)
    for (const h of leaving) h.stop()
    await Promise.all(gone.map((x) => x.stop()))
    // a node left with fewer than two connections dials stayers again (what its bootstrap peer list is for)
    for (const x of nodes)
      if (x.node.getConnections().length < 2)
        for (let d = 0; d < 2; d++)
          await x.node
            .dial(nodes[Math.floor(Math.random() * nodes.length)]?.addrs()[0] as never)
            .catch(() => {})
    const stayers = [...holons]
    const tj = Date.now()
    for (let i = 0; i < churn; i++) {
      const node = await join()
      holons.push(
        new SimHolon(node, `new${i}`, Date.now() + 500 + Math.floor(Math.random() * PERIOD), config),
      )
    }
    let minStay = 1
    const relock = await until(
      () => {
        minStay = Math.min(minStay, r(stayers))
        return Date.now() - tj > 2000 && r(holons) >= 0.99
      },
      'r >= 0.99 after churn',
      60_000,
    ).then(
      () => fmt((Date.now() - tj) / 1000, 1),
      () => `not within 60 s (r = ${fmt(r(holons), 3)})`,
    )
    return [
      [
        `K = ${config.mesh.coupling}, max_correction = ${config.mesh.max_correction}`,
        fmt(r0, 2),
        lock,
        fmt(held, 3),
        fmt(minStay, 3),
        relock,
      ],
    ]
  } finally {
    for (const h of holons) h.stop()
    await Promise.all(nodes.map((x) => x.stop()))
  }
}

/** Signature-checked artifacts per second through the validator's code path (decode, strict schema, Ed25519 x2). */
function verifyRate(): (string | number)[] {
  const components = { pubsub: {} } as never
  const rhizome = new Rhizome(components, { log: () => {}, metrics: new Metrics(), maxBytes: 64 * 1024 })
  const msgs = Array.from({ length: 2000 }, () => encode(artifact().artifact))
  const t0 = performance.now()
  for (const m of msgs) rhizome.check(m)
  const s = (performance.now() - t0) / 1000
  return [msgs.length, fmt(msgs[0]?.length ?? 0, 0), fmt(msgs.length / s, 0)]
}

export async function p2pBench(): Promise<void> {
  try {
    await tables()
  } finally {
    removeTmp() // the nodes' folders hold private keys
  }
}

async function tables(): Promise<void> {
  table(
    'Mesh phase lock of real holon beats: 20 in-process nodes, one holon each (period 1000 ms), scheduled by the alarm rule (meshStep) and published with setLocal every 250 ms (peer timeout 10 s); then 5 leave and 5 join with random phases. Before (issue 11): 20 synthetic oscillators took 37.8 s.',
    [
      'setup',
      'r at start',
      'seconds to r >= 0.99',
      'r 3 s after lock',
      'min r of the 15 stayers during churn',
      'seconds to r >= 0.99 with the 5 new',
    ],
    await holonLock(20, 5),
  )
  const sim = simulatedLock(20, 250, 20, 15)
  table(
    'The same rule simulated without CPU contention (1 ms event simulation, 20 holons, period 1000 ms, K = 0.5, each peer seen as of its last 250 ms publishing tick + 20 ms, 15 seeds)',
    ['median s to r >= 0.99', 'max s'],
    [[fmt(median(sim), 2), fmt(Math.max(...sim), 2)]],
  )
  table(
    'Synthetic oscillators (nodes without a worker) locking from random phases (natural frequencies 1 Hz ± 2%, K = 4 rad/s, phases published every 100 ms)',
    ['nodes', 'r at start', 'seconds to r >= 0.99', 'heap per node (MB, approx.)'],
    [await phaseLock(20)],
  )
  // Under a heavy load the 20 in-process nodes may not form their mesh within the minute: a row says so.
  const spread = (n: number) =>
    propagation(n).catch((e: Error) => [n, `not measured: ${e.message}`, '', '', ''])
  table(
    'Artifact propagation on loopback (all nodes in one process; 20 artifacts from rotating sources)',
    ['nodes', 'delivered within 10 s', 'p50 ms', 'p95 ms', 'max ms'],
    [await spread(10), await spread(20)],
  )
  table(
    'Artifacts one node verifies per second (validator path)',
    ['artifacts', 'bytes each', 'per second'],
    [verifyRate()],
  )
}
