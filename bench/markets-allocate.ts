// Allocation benchmarks: a tick whose new replicas exceed the fleet (VCG among tenants, Shapley shares of the
// fleet cost) at increasing tenant counts, and the bill fold's entries per CPU millisecond (BILL_ENTRIES_PER_MS).
import { billOf, type LedgerEntryWithHashes } from '../functions/billing/index.ts'
import { planTick } from '../functions/orchestrator/index.ts'
import { rnode, tickInput, wl } from '../test/orchestrator/inputs.ts'

const fmt = (x: number, d = 1) => x.toFixed(d)

/** CPU time of the process (user + system), not wall time: the bench machine is shared and often loaded. */
function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = process.cpuUsage()
  const value = f()
  const t = process.cpuUsage(t0)
  return { value, ms: (t.user + t.system) / 1000 }
}

function table(title: string, head: string[], rows: (string | number)[][]): void {
  console.log(`\n### ${title}\n`)
  console.log(`| ${head.join(' | ')} |`)
  console.log(`|${head.map(() => '---').join('|')}|`)
  for (const r of rows) console.log(`| ${r.join(' | ')} |`)
}

/** `tenants` tenants with one workload each wanting 2 replicas of 1 cpu; the fleet has cpu for half of them. */
function scarceTick(tenants: number) {
  const nodes = Array.from({ length: Math.max(1, Math.ceil(tenants / 8)) }, (_, i) =>
    rnode(`n${i}`, i % 2 ? 'us' : 'eu', [0.3 * Math.cos(i), 0.3 * Math.sin(i)], {
      capacity: { cpu: Math.min(8, tenants), memory: 1000 },
      cost_per_unit_hour: { cpu: 0.04 },
    }),
  )
  const workloads = Array.from({ length: tenants }, (_, i) =>
    wl(`w${String(i).padStart(4, '0')}`, {
      tenant: `t${String(i).padStart(4, '0')}`,
      bid: { replica_hour: 1 + ((i * 7919) % 97) / 10 },
    }),
  )
  const demand = Object.fromEntries(workloads.map((w) => [w.id, new Array(30).fill(150)]))
  return tickInput({ nodes, workloads, demand, config: { orchestration_mode: 'centralized' } })
}

function billEntries(n: number, tenants: number): LedgerEntryWithHashes[] {
  const t0 = Date.parse('2026-12-01T00:00:00Z')
  return Array.from({ length: n }, (_, i) => {
    const entry = {
      v: 1 as const,
      holon: 'o',
      index: i,
      prev: null,
      at: new Date(t0 + i * 60_000).toISOString(),
      kind: 'orchestrator.tick' as const,
      data: {
        allocation: {
          tick_hours: 1 / 60,
          usage: Array.from({ length: tenants }, (_, t) => ({
            tenant: `t${t}`,
            workload: `w${t}`,
            replicas: 2,
            rate: 0.08,
          })),
          cost: { rate: 1, nodes: ['n0'] },
          shares: {
            game: {},
            result: {
              shares: Array.from({ length: tenants }, (_, t) => ({ player: `t${t}`, share: 1 / tenants })),
            },
          },
          auction: { result: { awards: [{ bidder: 't0', payment: 1, value: 2 }] } },
        },
      },
    }
    // the route parses each entry from its stored text: parsing is part of the cost
    return { index: i, entry: JSON.parse(JSON.stringify(entry)), entry_hash: '0'.repeat(64) }
  })
}

export async function run(): Promise<void> {
  const ticks: (string | number)[][] = []
  for (const tenants of [5, 20, 50, 200]) {
    const input = scarceTick(tenants)
    planTick(input) // warm-up
    const { value: p, ms } = timed(() => planTick(input))
    const a = p.doc.allocation
    ticks.push([
      tenants,
      input.nodes.length,
      a?.auction ? a.auction.result.awards.length : 'no auction',
      p.replicas.length,
      a?.auction?.result.method ?? '-',
      a?.auction?.result.steps ?? '-',
      a?.shares?.result.method ?? '-',
      a?.shares?.result.samples ?? '-',
      fmt(ms, 0),
    ])
  }
  table(
    'Allocation in a tick: each tenant wants 2 replicas, the fleet has room for about half (planTick, centralized, CPU ms)',
    [
      'tenants',
      'nodes',
      'winners',
      'replicas placed',
      'auction method',
      'auction steps',
      'Shapley',
      'samples',
      'tick ms',
    ],
    ticks,
  )
  const bills: (string | number)[][] = []
  for (const n of [1_000, 10_000, 100_000]) {
    const timedParse = timed(() => billEntries(n, 10))
    const { ms } = timed(() =>
      billOf('t1', [{ resource: { kind: 'orchestrator', id: 'o' }, entries: timedParse.value }], {
        from: '2026-12-01T00:00:00Z',
        to: '2027-01-01T00:00:00Z',
      }),
    )
    bills.push([n, fmt(timedParse.ms, 0), fmt(ms, 0), fmt(n / (timedParse.ms + ms), 0)])
  }
  table(
    'Bill fold: orchestrator tick entries with 10 tenants each (entries parsed from JSON, then folded)',
    ['entries', 'parse ms', 'fold ms', 'entries per ms'],
    bills,
  )
}

if (import.meta.main) await run()
