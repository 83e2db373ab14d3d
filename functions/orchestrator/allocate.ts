// Allocation in a tick: scarce capacity sold by a VCG auction among tenants; the fleet's cost rate shared by Shapley.
import type { Replica, Workload } from '../../schemas/orchestrator.ts'
import {
  type Auction,
  type AuctionResult,
  auctionBudget,
  type CostGame,
  type Resources,
  runVcg,
  type ShapleyResult,
  shapley,
  shapleyBudget,
} from '../markets/index.ts'
import type { PlacementDemand } from '../placement/index.ts'
import type { ResolvedNode } from './model.ts'

/** XOR bundles per tenant: every extra replica it wants, then each workload's alone (the most valuable first). */
export const MAX_BUNDLES_PER_TENANT = 8
/** A pool game's unit (one mean node) in demand units: demands are integers, so coalition sums are exact. */
export const POOL_UNIT = 1_000_000

/** The auction of one tick: what was sold (the fleet's free capacity), the bids, the outcome. */
export interface AuctionRecord {
  /** free capacity per resource after the replicas that stay: Σ over nodes not down of capacity − kept use */
  supply: Resources
  /** replicas wanted beyond what fits, per resource (why the auction ran) */
  demand: Resources
  bids: Auction['bids']
  /** per bidder, per bundle: the workloads and extra replicas the bundle stands for */
  bundles: Record<string, { workload: string; replicas: number }[][]>
  result: Omit<AuctionResult, 'steps'> & { steps: number }
  /** tenants that bid nothing: their extra replicas took what the winners left, in workload order */
  leftover: { workload: string; replicas: number }[]
}

/** What a tick records about allocation (plan `allocation`, decision entry `data.allocation`). */
export interface AllocationDoc {
  /** hours one tick lasts: an auction's payment (per hour) is charged for one tick */
  tick_hours: number
  /** replicas after the tick, per tenant and workload, and the rate of the resources they reserve at node prices */
  usage: { tenant: string; workload: string; replicas: number; rate: number }[]
  /** the fleet's cost per hour: every node hosting a replica, whole (Σ capacity × cost_per_unit_hour) */
  cost: { rate: number; nodes: string[] }
  /** the cost rate shared among the tenants using the fleet (pool game, shares per hour); null: nothing to share */
  shares: { game: CostGame; result: ShapleyResult } | null
  /** null: nothing was scarce, no auction ran */
  auction: AuctionRecord | null
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

function addTimes(into: Resources, req: Readonly<Record<string, number>>, times: number): void {
  for (const [k, v] of Object.entries(req)) into[k] = (into[k] ?? 0) + v * times
}

/** Free capacity per resource over the nodes not down, after `used` (what the replicas that stay reserve). */
export function freeCapacity(
  nodes: readonly ResolvedNode[],
  used: Readonly<Record<string, Readonly<Record<string, number>>>>,
): Resources {
  const free: Resources = {}
  for (const n of nodes) {
    if (n.health === 'down') continue
    for (const [k, v] of Object.entries(n.capacity))
      free[k] = (free[k] ?? 0) + Math.max(0, v - (used[n.id]?.[k] ?? 0))
  }
  return Object.fromEntries(Object.entries(free).sort(([a], [b]) => cmp(a, b)))
}

export interface Auctioned {
  /** the demands to place: losers' extra replicas removed */
  demands: PlacementDemand[]
  record: AuctionRecord | null
  /** replicas the auction did not allocate, with the reason */
  unplaced: { workload: string; replicas: number; reason: string }[]
}

/**
 * When the extra replicas the plan wants (`fresh`, beyond those that stay) need more of some resource than the
 * fleet has free (summed over the fleet: per-node packing is the placement's job), the free capacity is sold by
 * VCG among tenants. Each tenant bids XOR bundles: all its extra replicas, or one workload's; a bundle's value is
 * its replicas × the workload's `bid.replica_hour` (none: 0). Tenants bidding 0 are not in the auction: their
 * workloads take what the winners leave, in workload order. Losers' extra replicas are not placed.
 */
export function auctionScarce(
  tick: number,
  workloads: readonly Workload[],
  nodes: readonly ResolvedNode[],
  fresh: readonly PlacementDemand[],
  used: Readonly<Record<string, Readonly<Record<string, number>>>>,
): Auctioned {
  const supply = freeCapacity(nodes, used)
  const wanted: Resources = {}
  for (const d of fresh) if (d.replicas > 0) addTimes(wanted, d.request, d.replicas)
  const short = Object.keys(wanted).filter((k) => (wanted[k] as number) > (supply[k] ?? 0) + 1e-9)
  if (short.length === 0) return { demands: [...fresh], record: null, unplaced: [] }

  const byId = new Map(workloads.map((w) => [w.id, w]))
  const tenantOf = (id: string) => byId.get(id)?.tenant ?? 'default'
  const priceOf = (id: string) => byId.get(id)?.bid?.replica_hour ?? 0
  const groups = new Map<string, PlacementDemand[]>()
  for (const d of fresh) {
    if (d.replicas <= 0) continue
    const t = tenantOf(d.workload)
    const g = groups.get(t)
    if (g) g.push(d)
    else groups.set(t, [d])
  }
  const bids: Auction['bids'] = []
  const bundles: AuctionRecord['bundles'] = {}
  const zero: PlacementDemand[] = []
  for (const tenant of [...groups.keys()].sort(cmp)) {
    const ds = (groups.get(tenant) as PlacementDemand[]).slice().sort((a, b) => cmp(a.workload, b.workload))
    const value = (d: PlacementDemand) => d.replicas * priceOf(d.workload)
    if (ds.every((d) => value(d) === 0)) {
      zero.push(...ds)
      continue
    }
    const all: Resources = {}
    for (const d of ds) addTimes(all, d.request, d.replicas)
    const options: { bundle: Resources; value: number; parts: { workload: string; replicas: number }[] }[] = [
      {
        bundle: all,
        value: ds.reduce((a, d) => a + value(d), 0),
        parts: ds.map((d) => ({ workload: d.workload, replicas: d.replicas })),
      },
    ]
    if (ds.length > 1)
      for (const d of ds
        .filter((x) => value(x) > 0)
        .sort((a, b) => value(b) - value(a) || cmp(a.workload, b.workload))
        .slice(0, MAX_BUNDLES_PER_TENANT - 1)) {
        const one: Resources = {}
        addTimes(one, d.request, d.replicas)
        options.push({
          bundle: one,
          value: value(d),
          parts: [{ workload: d.workload, replicas: d.replicas }],
        })
      }
    bids.push({ bidder: tenant, bundles: options.map(({ bundle, value }) => ({ bundle, value })) })
    bundles[tenant] = options.map((o) => o.parts)
  }
  const result = runVcg({ supply, bids }, auctionBudget())
  const granted = new Map<string, number>()
  const left: Resources = { ...supply }
  for (const a of result.awards) {
    for (const p of bundles[a.bidder]?.[a.bundle_index] ?? []) granted.set(p.workload, p.replicas)
    for (const [k, v] of Object.entries(a.bundle)) left[k] = (left[k] ?? 0) - v
  }
  // tenants that bid nothing get what is left, replica by replica, in workload order
  const leftover: AuctionRecord['leftover'] = []
  for (const d of zero.sort((a, b) => cmp(a.workload, b.workload))) {
    let n = 0
    while (n < d.replicas && Object.entries(d.request).every(([k, v]) => (left[k] ?? 0) - v >= -1e-9)) {
      for (const [k, v] of Object.entries(d.request)) left[k] = (left[k] ?? 0) - v
      n++
    }
    granted.set(d.workload, n)
    if (n > 0) leftover.push({ workload: d.workload, replicas: n })
  }
  const unplaced: Auctioned['unplaced'] = []
  const demands = fresh.map((d) => {
    if (d.replicas <= 0) return d
    const got = granted.get(d.workload) ?? 0
    if (got >= d.replicas) return d
    const tenant = tenantOf(d.workload)
    unplaced.push({
      workload: d.workload,
      replicas: d.replicas - got,
      reason:
        priceOf(d.workload) > 0
          ? `auction: tenant '${tenant}' did not win this capacity in the tick ${tick} VCG auction (higher bids took it)`
          : `auction: no bid; the tick ${tick} VCG auction's winners left room for ${got} of ${d.replicas}`,
    })
    return { ...d, replicas: got }
  })
  return {
    demands,
    record: {
      supply,
      demand: Object.fromEntries(Object.entries(wanted).sort(([a], [b]) => cmp(a, b))),
      bids,
      bundles,
      result,
      leftover,
    },
    unplaced,
  }
}

/** A node's whole cost per hour: Σ over its resources of capacity × cost_per_unit_hour. */
export const nodeRate = (n: ResolvedNode): number =>
  Object.entries(n.capacity).reduce((a, [k, v]) => a + v * (n.cost_per_unit_hour[k] ?? 0), 0)

/**
 * The fleet's cost rate after a tick and its Shapley shares. Cost: every node hosting a replica, whole. The
 * game is a pool of identical units, one unit being the mean node in use (ū = C / nodes in use, per hour):
 * a tenant's demand is the rate of what its replicas reserve at their nodes' prices, in millionths of ū;
 * cost(S) = fixed + ū · ceil(demand(S) / unit) with `fixed` = C − ū · ceil(demand(all) / unit), the packing
 * loss every coalition shares, so the shares add up to C exactly (efficiency). Exact up to 20 tenants, sampled
 * above (seeded by the tick, so the same tick shares the same way).
 */
export function shareCost(
  tick: number,
  tickSeconds: number,
  workloads: readonly Workload[],
  nodes: ReadonlyMap<string, ResolvedNode>,
  replicas: readonly Replica[],
  auction: AuctionRecord | null,
): AllocationDoc {
  const tenantOf = new Map(workloads.map((w) => [w.id, w.tenant]))
  const request = new Map(workloads.map((w) => [w.id, w.replica.request]))
  const usage = new Map<string, { tenant: string; workload: string; replicas: number; rate: number }>()
  const inUse = new Set<string>()
  for (const r of replicas) {
    const node = nodes.get(r.node)
    if (!node) continue
    inUse.add(r.node)
    const u = usage.get(r.workload) ?? {
      tenant: tenantOf.get(r.workload) ?? 'default',
      workload: r.workload,
      replicas: 0,
      rate: 0,
    }
    u.replicas++
    for (const [k, v] of Object.entries(request.get(r.workload) ?? {}))
      u.rate += v * (node.cost_per_unit_hour[k] ?? 0)
    usage.set(r.workload, u)
  }
  const list = [...usage.values()].sort((a, b) => cmp(a.tenant, b.tenant) || cmp(a.workload, b.workload))
  const used = [...inUse].sort(cmp)
  const rate = used.reduce((a, id) => a + nodeRate(nodes.get(id) as ResolvedNode), 0)
  const demand = new Map<string, number>()
  for (const u of list) demand.set(u.tenant, (demand.get(u.tenant) ?? 0) + u.rate)
  let shares: AllocationDoc['shares'] = null
  if (rate > 0 && demand.size > 0) {
    const unitCost = rate / used.length
    const players = [...demand.entries()].map(([id, d]) => ({
      id,
      demand: Math.floor((d / unitCost) * POOL_UNIT),
    }))
    const units = Math.ceil(players.reduce((a, p) => a + p.demand, 0) / POOL_UNIT)
    const game: CostGame = {
      kind: 'pool',
      players,
      unit_capacity: POOL_UNIT,
      unit_cost: unitCost,
      fixed: Math.max(0, rate - unitCost * units),
    }
    shares = { game, result: shapley(game, { seed: tick, budget: shapleyBudget() }) }
  }
  return { tick_hours: tickSeconds / 3600, usage: list, cost: { rate, nodes: used }, shares, auction }
}
