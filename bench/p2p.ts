// Federation benchmarks: artifact propagation across 10 and 20 loopback nodes, time for 20 nodes to phase-lock,
// memory per node, and how many artifacts one node verifies per second.
import { performance } from 'node:perf_hooks'
import { Metrics } from '../p2p/metrics.ts'
import type { OmegaNode } from '../p2p/node.ts'
import { Rhizome } from '../p2p/rhizome.ts'
import { encode, TOPICS } from '../p2p/wire.ts'
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
    for (let i = 1; i < n; i++)
      await nodes[i]?.node.dial(nodes[Math.floor(Math.random() * i)]?.addrs()[0] as never)
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
    'Artifact propagation on loopback (all nodes in one process; 20 artifacts from rotating sources)',
    ['nodes', 'delivered within 10 s', 'p50 ms', 'p95 ms', 'max ms'],
    [await propagation(10), await propagation(20)],
  )
  table(
    'Phase locking from random phases (natural frequencies 1 Hz ± 2%, K = 4 rad/s, phases published every 100 ms)',
    ['nodes', 'r at start', 'seconds to r >= 0.99', 'heap per node (MB, approx.)'],
    [await phaseLock(20)],
  )
  table(
    'Artifacts one node verifies per second (validator path)',
    ['artifacts', 'bytes each', 'per second'],
    [verifyRate()],
  )
}
