// Gate benchmarks: the gate in-process, and commits through HTTP into a local workerd (wrangler dev).
import { performance } from 'node:perf_hooks'
import { send } from '../bootstrap/dev-server.ts'
import { compileKernel, gateBatch, initialAggregates } from '../functions/kernel/index.ts'
import type { Evaluation } from '../schemas/evaluation.ts'
import { KernelSpec } from '../schemas/kernel.ts'
import { fmt, median, table } from './report.ts'
import { benchServer } from './server.ts'
import { benchKernel, events, take } from './workload.ts'

/** us per event over rounds of `size`, after a warm-up; `cached` passes the current state as the holon does. */
function gateRounds(cached: boolean, size = 20_000, count = 8): number[] {
  const k = compileKernel(KernelSpec.parse(benchKernel))
  const stream = events(cached ? 'hot' : 'cold')
  let states = initialAggregates(k)
  let last: Record<string, unknown> | undefined
  let current: Evaluation | undefined
  const rounds: number[] = []
  for (let r = 0; r < count; r++) {
    const batch = take(stream, size)
    const t0 = performance.now()
    for (const e of batch) {
      const out = gateBatch(k, states, [e], { last, known: cached ? current : undefined })
      if (out.rejected !== undefined)
        throw new Error(`bench event rejected: ${JSON.stringify(out.results[0])}`)
      states = out.states
      last = e
      current = out.results[0]
    }
    if (r > 0) rounds.push(((performance.now() - t0) * 1000) / batch.length) // round 0 warms the JIT
  }
  return rounds
}

/** `quick` (`npm run bench -- --quick`): rounds of 5,000, three of them. */
export function gateInProcess(quick = false): void {
  const [size, count] = quick ? [5_000, 3] : [20_000, 8]
  const rows = [
    ['current state cached (as the holon object runs it)', gateRounds(true, size, count)],
    ['current state rescored too (stateless /v1/torsion)', gateRounds(false, size, count)],
  ] as const
  table(
    'Gate evaluation in-process (10 invariants over 10 aggregates; Node 22, same V8 as workerd)',
    ['mode', 'events x rounds', 'median us/event', 'best us/event', 'target'],
    rows.map(([mode, r]) => [
      mode,
      `${size.toLocaleString('en')} x ${r.length}`,
      fmt(median(r), 2),
      fmt(Math.min(...r), 2),
      '<= 20 us',
    ]),
  )
}

/** `quick` (`npm run bench -- --quick`): a tenth of the events, and a history of 10,000 instead of 100,000. */
export async function gateOverHttp(quick = false): Promise<void> {
  const k = quick ? 10 : 1 // divides every count below
  const server = await benchServer('bench')
  try {
    const { base, write, admin } = server
    const create = (id: string) => send(base, 'PUT', `/v1/holons/${id}`, { kernel: benchKernel }, admin)
    const commitBatch = async (id: string, batch: unknown[]) => {
      const t0 = performance.now()
      await send(base, 'POST', `/v1/holons/${id}/events`, { events: batch }, write)
      return performance.now() - t0
    }

    // Throughput: single events (sequential, and 8 in flight) and batches of 100.
    await create('tput')
    const tput = events('tput')
    await commitBatch('tput', take(tput, 200 / k)) // warm-up
    const singles = take(tput, 1000 / k)
    let t0 = performance.now()
    for (const e of singles) await send(base, 'POST', '/v1/holons/tput/events', { event: e }, write)
    const singleRate = singles.length / ((performance.now() - t0) / 1000)
    const concurrent = take(tput, 2000 / k)
    t0 = performance.now()
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; i < concurrent.length; i += 8) {
          await send(base, 'POST', '/v1/holons/tput/events', { event: concurrent[i] }, write)
        }
      }),
    )
    const concurrentRate = concurrent.length / ((performance.now() - t0) / 1000)
    const batches = Array.from({ length: 100 / k }, () => take(tput, 100))
    t0 = performance.now()
    for (const b of batches) await commitBatch('tput', b)
    const batchRate = (batches.length * 100) / ((performance.now() - t0) / 1000)
    table(
      'Committed events per second into one holon over HTTP (wrangler dev, local workerd + SQLite)',
      ['mode', 'events', 'events/s', 'target'],
      [
        ['single events, 1 in flight', singles.length, fmt(singleRate, 0), 'report'],
        ['single events, 8 in flight', concurrent.length, fmt(concurrentRate, 0), 'report'],
        ['batches of 100', batches.length * 100, fmt(batchRate, 0), '>= 5,000'],
      ],
    )

    // History independence: a holon with 10 events against one with 100,000 (quick: 10,000), interleaved.
    const history = 100_000 / k
    await create('small')
    await create('large')
    const small = events('small', 7)
    const large = events('large', 7)
    await commitBatch('small', take(small, 10))
    const fillStart = performance.now()
    for (let i = 0; i < history / 1000; i++) await commitBatch('large', take(large, 1000))
    const fillRate = history / ((performance.now() - fillStart) / 1000)
    const perEvent: Record<'small' | 'large', number[]> = { small: [], large: [] }
    const rounds = quick ? 10 : 30
    for (let r = 0; r < rounds; r++) {
      for (const id of r % 2 ? (['small', 'large'] as const) : (['large', 'small'] as const)) {
        perEvent[id].push(((await commitBatch(id, take(id === 'small' ? small : large, 100))) * 1000) / 100)
      }
    }
    const s = median(perEvent.small)
    const l = median(perEvent.large)
    table(
      `Commit cost against history length (batches of 100, ${rounds} rounds interleaved)`,
      ['holon history', 'median us per committed event', 'ratio large/small', 'target'],
      [
        ['10 events', fmt(s), '', ''],
        [`${history.toLocaleString('en')} events`, fmt(l), fmt(l / s, 2), '<= 1.3'],
      ],
    )
    console.log(
      `\n(filling ${history.toLocaleString('en')} events in batches of 1,000 ran at ${fmt(fillRate, 0)} events/s)`,
    )
  } finally {
    server.close()
  }
}
