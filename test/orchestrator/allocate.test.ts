// Allocation in a tick: a VCG auction among tenants when the new replicas do not fit, Shapley shares of the fleet
// cost; the welfare and payments are checked against a brute force written here, not by calling runVcg.
import { describe, expect, it } from 'vitest'
import { planTick, shareCost } from '../../functions/orchestrator/index.ts'
import type { PlanDoc } from '../../schemas/orchestrator.ts'
import { rnode, tickInput, wl } from './inputs.ts'

type Auction = NonNullable<NonNullable<PlanDoc['allocation']>['auction']>
type Res = Record<string, number>

/** Max reported welfare over every XOR choice (none or one bundle per bidder) within supply, bidders `skip` out. */
function bruteWelfare(a: Pick<Auction, 'supply' | 'bids'>, skip?: string): number {
  const bids = a.bids.filter((b) => b.bidder !== skip)
  let best = 0
  const go = (i: number, left: Res, w: number) => {
    if (i === bids.length) {
      best = Math.max(best, w)
      return
    }
    go(i + 1, left, w)
    for (const o of (bids[i] as (typeof bids)[number]).bundles) {
      const next = { ...left }
      let fits = true
      for (const [k, v] of Object.entries(o.bundle)) {
        next[k] = (next[k] ?? 0) - v
        if ((next[k] as number) < -1e-9) fits = false
      }
      if (fits) go(i + 1, next, w + o.value)
    }
  }
  go(0, { ...a.supply }, 0)
  return best
}

const HIGH = new Array(30).fill(200)

/** One node of 3 cpu; tenants a and b each want 2 replicas of 1 cpu: only one tenant's replicas fit. */
function scarce(bidA: number, bidB: number, extra: ReturnType<typeof wl>[] = []) {
  return tickInput({
    nodes: [
      rnode('n1', 'eu', [0.3, 0.1], { capacity: { cpu: 3, memory: 100 }, cost_per_unit_hour: { cpu: 0.5 } }),
    ],
    workloads: [
      wl('a1', { tenant: 'a', bid: { replica_hour: bidA } }),
      wl('b1', { tenant: 'b', bid: { replica_hour: bidB } }),
      ...extra,
    ],
    demand: { a1: HIGH, b1: HIGH, ...Object.fromEntries(extra.map((w) => [w.id, HIGH])) },
  })
}

describe('the capacity auction', () => {
  it('the higher-value tenant wins the scarce capacity; the loser’s replicas are unplaced, naming the auction', () => {
    const p = planTick(scarce(10, 4))
    expect(p.doc.workloads.map((w) => w.target)).toEqual([2, 2])
    const auction = p.doc.allocation?.auction
    expect(auction?.supply).toEqual({ cpu: 3, memory: 100 })
    expect(auction?.result.awards.map((w) => w.bidder)).toEqual(['a'])
    expect(p.replicas.filter((r) => r.workload === 'a1')).toHaveLength(2)
    expect(p.replicas.filter((r) => r.workload === 'b1')).toHaveLength(0)
    expect(p.doc.unplaced).toEqual([
      { workload: 'b1', replicas: 2, reason: expect.stringContaining('VCG auction') },
    ])
    expect(p.doc.workloads[1]?.reasons.join(' ')).toContain("tenant 'b' did not win")
    // a's payment is b's lost value: 2 replicas x 4 per replica-hour (the externality, by hand)
    expect(auction?.result.awards[0]?.payment).toBeCloseTo(8, 9)
  })

  it('welfare is the brute-force optimum and each payment equals the externality (brute force)', () => {
    // three tenants; c has two workloads, so it bids XOR bundles: both, or either alone
    const extra = [
      wl('c1', { tenant: 'c', bid: { replica_hour: 3 } }),
      wl('c2', { tenant: 'c', bid: { replica_hour: 6 } }),
    ]
    for (const [ba, bb] of [
      [10, 4],
      [2, 9],
      [5, 5.5],
    ] as const) {
      const input = scarce(ba, bb, extra)
      input.nodes = [rnode('n1', 'eu', [0.3, 0.1], { capacity: { cpu: 5, memory: 100 } })]
      const a = planTick(input).doc.allocation?.auction as Auction
      expect(a.bids.find((b) => b.bidder === 'c')?.bundles).toHaveLength(3)
      expect(a.result.welfare).toBeCloseTo(bruteWelfare(a), 9)
      for (const w of a.result.awards) {
        const externality = bruteWelfare(a, w.bidder) - (bruteWelfare(a) - w.value)
        expect(w.payment, `${w.bidder} at ${ba}/${bb}`).toBeCloseTo(externality, 9)
        expect(w.payment).toBeGreaterThanOrEqual(0)
        expect(w.payment).toBeLessThanOrEqual(w.value + 1e-9)
      }
    }
  })

  it('ten tenants for five slots: the five highest bids win, the welfare is the brute-force optimum', () => {
    // regression: an earlier VCG core returned the optimum's welfare with no awards at ten bidders
    const bids = [3, 9, 1, 7, 5, 8, 2, 6, 4, 10]
    const workloads = bids.map((b, i) =>
      wl(`w${String(i).padStart(4, '0')}`, {
        tenant: `t${String(i).padStart(4, '0')}`,
        bid: { replica_hour: b },
      }),
    )
    const input = tickInput({
      nodes: [rnode('n1', 'eu', [0.3, 0.1], { capacity: { cpu: 10, memory: 100 } })],
      workloads,
      demand: Object.fromEntries(workloads.map((w) => [w.id, HIGH])),
    })
    const p = planTick(input)
    const a = p.doc.allocation?.auction as Auction
    expect(a.result.awards.map((w) => w.value).sort((x, y) => y - x)).toEqual([20, 18, 16, 14, 12])
    expect(a.result.welfare).toBeCloseTo(bruteWelfare(a), 9)
    // every winner pays the sixth-highest value for its two replicas: 2 x 5 (the externality it imposes)
    for (const w of a.result.awards) expect(w.payment).toBeCloseTo(10, 9)
    expect(p.replicas).toHaveLength(10)
  })

  it('nothing scarce: no auction runs, and the plan says so', () => {
    const p = planTick(
      tickInput({ workloads: [wl('api', { bid: { replica_hour: 5 } })], demand: { api: HIGH } }),
    )
    expect(p.replicas.length).toBeGreaterThan(0)
    expect(p.doc.allocation?.auction).toBeNull()
  })

  it('same input, same plan, bit for bit (auction and shares included)', () => {
    const a = planTick(scarce(10, 4))
    const b = planTick(scarce(10, 4))
    expect(JSON.stringify(b.doc)).toBe(JSON.stringify(a.doc))
    expect(b.doc.plan_digest).toBe(a.doc.plan_digest)
  })

  it('a bid changes the plan digest (the bids are part of the inputs and the plan)', () => {
    expect(planTick(scarce(10, 4)).doc.plan_digest).not.toBe(planTick(scarce(10, 5)).doc.plan_digest)
  })
})

describe('the Shapley shares of the fleet cost', () => {
  it('the cost rate is every node in use, whole; the shares add up to it', () => {
    const nodes = [
      rnode('n1', 'eu', [0.3, 0.1], {
        capacity: { cpu: 4, memory: 8 },
        cost_per_unit_hour: { cpu: 0.5, memory: 0.1 },
      }),
      rnode('n2', 'eu', [0.35, 0.2], {
        capacity: { cpu: 4, memory: 8 },
        cost_per_unit_hour: { cpu: 0.5, memory: 0.1 },
      }),
      rnode('n3', 'us', [-0.3, -0.1], {
        capacity: { cpu: 4, memory: 8 },
        cost_per_unit_hour: { cpu: 0.5, memory: 0.1 },
      }),
    ]
    const p = planTick(
      tickInput({
        nodes,
        workloads: [wl('a1', { tenant: 'a' }), wl('b1', { tenant: 'b' })],
        demand: { a1: HIGH, b1: new Array(30).fill(60) },
      }),
    )
    const alloc = p.doc.allocation
    const used = new Set(p.replicas.map((r) => r.node))
    // a node's rate by hand: 4 cpu x 0.5 + 8 memory x 0.1 = 2.8 per hour
    expect(alloc?.cost.rate).toBeCloseTo(2.8 * used.size, 9)
    expect(alloc?.cost.nodes).toEqual([...used].sort())
    const shares = alloc?.shares?.result.shares ?? []
    expect(shares.map((s) => s.player)).toEqual(['a', 'b'])
    expect(shares.reduce((x, s) => x + s.share, 0)).toBeCloseTo(2.8 * used.size, 9)
    // usage: replicas per workload as placed; a's replica reserves 1 cpu + 2 memory = 0.7 per hour
    const a = alloc?.usage.find((u) => u.workload === 'a1')
    expect(a?.replicas).toBe(p.replicas.filter((r) => r.workload === 'a1').length)
    expect(a?.rate).toBeCloseTo(0.7 * (a?.replicas ?? 0), 9)
  })

  it('shares by hand: whole nodes are shared, the packing loss equally (pool game, 3 tenants)', () => {
    // three nodes of 2.8 per hour; a fills n1 and has one replica on n2, b one on n2, c two on n3: C = 8.4,
    // u = 2.8; demands in nodes a 1.25, b 0.25, c 0.5 -> ceil(2) = 2 nodes, fixed = 8.4 - 5.6 = 2.8 (shared
    // equally: 0.9333 each); the variable part 2.8 ceil(d(S)) gives a 22.4/6, b and c 5.6/6 (orders by hand)
    const price = { capacity: { cpu: 4, memory: 8 }, cost_per_unit_hour: { cpu: 0.5, memory: 0.1 } }
    const nodes = new Map(
      ['n1', 'n2', 'n3'].map((id, i) => [id, { ...rnode(id, 'eu', [0.1 * i, 0]), ...price }] as const),
    )
    const workloads = [wl('a1', { tenant: 'a' }), wl('b1', { tenant: 'b' }), wl('c1', { tenant: 'c' })]
    const at = (workload: string, node: string, slot: number) => ({
      workload,
      slot,
      node,
      coordinates: [0, 0],
      since_tick: 0,
    })
    const replicas = [
      ...[0, 1, 2, 3].map((i) => at('a1', 'n1', i)),
      at('a1', 'n2', 4),
      at('b1', 'n2', 0),
      at('c1', 'n3', 0),
      at('c1', 'n3', 1),
    ]
    const doc = shareCost(7, 60, workloads, nodes, replicas, null)
    expect(doc.cost).toEqual({ rate: expect.closeTo(8.4, 9), nodes: ['n1', 'n2', 'n3'] })
    expect(doc.tick_hours).toBeCloseTo(1 / 60, 12)
    const shares = doc.shares?.result.shares.map((s) => [s.player, s.share])
    expect(shares).toEqual([
      ['a', expect.closeTo(14 / 3, 9)],
      ['b', expect.closeTo(5.6 / 3, 9)],
      ['c', expect.closeTo(5.6 / 3, 9)],
    ])
    expect(doc.shares?.result.method).toBe('exact')
  })

  it('a fleet that costs nothing has no shares', () => {
    const nodes = [rnode('n1', 'eu', [0.3, 0.1], { cost_per_unit_hour: {} })]
    const p = planTick(tickInput({ nodes, demand: { api: HIGH } }))
    expect(p.doc.allocation?.cost.rate).toBe(0)
    expect(p.doc.allocation?.shares).toBeNull()
  })
})
