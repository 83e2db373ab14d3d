// Inclusion and consistency proofs over HTTP from a holon of many ledger entries (wrangler dev, local workerd +
// SQLite): idle, while a writer commits into another holon, and while a writer commits into the same holon.
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { send } from '../bootstrap/dev-server.ts'
import { fmt, median, quantile, table } from './report.ts'
import { benchServer } from './server.ts'
import { benchKernel, events, take } from './workload.ts'

const ENTRIES = Number(process.env.OMEGA_BENCH_PROOF_ENTRIES ?? 1_000_000)
const PROOFS = 400
const FILL_BATCH = 1000

async function get(url: string): Promise<number> {
  const t0 = performance.now()
  const res = await fetch(url)
  await res.arrayBuffer()
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`)
  return performance.now() - t0
}

export async function proofsUnderLoad(): Promise<void> {
  const server = await benchServer('proof-bench')
  try {
    const { base, write, admin } = server
    const commit = (id: string, batch: unknown[]) =>
      fetch(`${base}/v1/holons/${id}/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${write}`,
          prefer: 'return=minimal',
        },
        body: JSON.stringify({ events: batch }),
      }).then(async (r) => {
        if (r.status !== 201) throw new Error(`commit into ${id}: ${r.status} ${await r.text()}`)
      })
    for (const id of ['big', 'other'])
      await send(base, 'PUT', `/v1/holons/${id}`, { kernel: benchKernel }, admin)
    const fill = events('big')
    const t0 = performance.now()
    for (let n = 1; n < ENTRIES; n += FILL_BATCH)
      await commit('big', take(fill, Math.min(FILL_BATCH, ENTRIES - n)))
    const size = ((await send(base, 'GET', '/v1/holons/big', undefined)) as { ledger: { size: number } })
      .ledger.size
    console.log(
      `\n(filled a holon to ${size.toLocaleString('en')} ledger entries in ${fmt((performance.now() - t0) / 1000)} s)`,
    )

    const rnd = (k: number) => Math.floor(Math.random() * k)
    const rows: (string | number)[][] = []
    const loads: [string, string | null][] = [
      ['idle', null],
      ['a writer commits batches of 100 into another holon', 'other'],
      ['a writer commits batches of 100 into the same holon', 'big'],
    ]
    for (const [label, target] of loads) {
      let writing = target !== null
      const writer = (async () => {
        const s = events(`load-${target}-${label.length}`)
        while (writing && target) await commit(target, take(s, 100))
      })()
      const inclusion: number[] = []
      const consistency: number[] = []
      const root: number[] = []
      for (let i = 0; i < PROOFS; i++) {
        inclusion.push(
          await get(`${base}/v1/holons/big/ledger/proof/inclusion?index=${rnd(size)}&size=${size}`),
        )
        consistency.push(
          await get(`${base}/v1/holons/big/ledger/proof/consistency?from=${1 + rnd(size - 1)}&to=${size}`),
        )
        if (i % 4 === 0) root.push(await get(`${base}/`))
      }
      writing = false
      await writer
      // The object's share: the median above what the same stack answers without touching an object.
      const stack = median(root)
      const row = (what: string, xs: number[]) => [
        label,
        what,
        fmt(median(xs), 2),
        fmt(quantile(xs, 0.99), 2),
        fmt(Math.max(...xs), 2),
        xs === root ? '' : fmt(median(xs) - stack, 2),
      ]
      rows.push(row('inclusion', inclusion), row('consistency', consistency), row('GET / (no object)', root))
    }
    table(
      `Proofs over HTTP at ${size.toLocaleString('en')} entries (wrangler dev, local workerd + SQLite; ${PROOFS} of each per load, sequential; load average ${loadavg()
        .map((x) => fmt(x, 1))
        .join(' ')})`,
      ['load', 'request', 'median ms', 'p99 ms', 'max ms', 'median minus GET / ms'],
      rows,
    )
  } finally {
    server.close()
  }
}
