// A tenant's bill as a pure fold over ledger entries: replica-hours, commits, auction payments, Shapley shares.
import type { LedgerEntry } from '../../schemas/ledger.ts'

/** A ledger entry as a page or an export gives it: the entry, its index and its content hash. */
export interface LedgerEntryWithHashes {
  index: number
  entry: LedgerEntry
  /** SHA3-256 of the canonical entry, hex: what a receipt or an export proves. */
  entry_hash: string
}

export type BillResourceKind = 'holon' | 'orchestrator'
export interface BillResource {
  kind: BillResourceKind
  id: string
}

/** One resource's ledger entries (a prefix or a range of its ledger, in index order). */
export interface BillSource {
  resource: BillResource
  entries: LedgerEntryWithHashes[]
}

/** Deployment prices (`OMEGA_PRICES`, JSON). Compute is priced by the fleet's node costs, not here. */
export interface Prices {
  /** per committed event on a holon the tenant owns */
  commit?: number
  /** a surcharge per replica-hour on top of the node costs (default 0: node costs reach the bill by Shapley) */
  replica_hour?: number
  currency?: string
}

export type BillLineKind = 'replica_hours' | 'commits' | 'auction_payment' | 'shapley_share'
export interface EntryRef {
  resource: BillResource
  index: number
  entry_hash: string
}
export interface BillLine {
  kind: BillLineKind
  /** where it was used; `workload` for replica-hours */
  resource: BillResource & { workload?: string }
  quantity: number
  unit: 'replica_hour' | 'commit' | 'auction' | 'hour'
  amount: number
  /** every ledger entry this line was computed from */
  entries: EntryRef[]
}
export interface Bill {
  tenant: string
  from: string
  to: string
  currency: string
  prices: Prices
  lines: BillLine[]
  totals: Record<BillLineKind, number>
  total: number
  /** ledger entries the fold read, over every source */
  entries_scanned: number
}

/**
 * What an orchestrator decision or tick entry records about allocation (`data.allocation`): the replicas after
 * the tick per tenant and workload, the fleet's cost rate and its Shapley shares (per hour), the auction if one
 * ran. All rates hold from the entry's `at` until the next entry that records an allocation: replica counts
 * only change at ledgered ticks (a tick with actions is always ledgered).
 */
export interface AllocationRecord {
  /** hours one tick lasts (settings.tick_seconds / 3600): what one auction's payment (per hour) covers */
  tick_hours: number
  usage: { tenant: string; workload: string; replicas: number; rate: number }[]
  cost: { rate: number; nodes: string[] }
  shares: { game: unknown; result: { shares: { player: string; share: number }[] } } | null
  auction: {
    result: { awards: { bidder: string; payment: number; value: number }[] }
  } | null
}

const KINDS: BillLineKind[] = ['replica_hours', 'commits', 'auction_payment', 'shapley_share']
const HOUR_MS = 3_600_000

/** Amounts are rounded to 1e-9 so a bill recomputed elsewhere compares equal (sums of the same floats). */
export const roundAmount = (x: number): number => Math.round(x * 1e9) / 1e9

export class BillRangeError extends Error {
  override name = 'BillRangeError'
}

/** The parsed `OMEGA_PRICES` (absent or empty: every price 0). Refuses anything but finite non-negative numbers. */
export function parsePrices(text: string | undefined): Prices {
  if (!text) return {}
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new Error('OMEGA_PRICES is not JSON')
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error('OMEGA_PRICES: an object')
  const out: Prices = {}
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'currency') {
      if (typeof v !== 'string' || v.length > 16) throw new Error('OMEGA_PRICES.currency: a short string')
      out.currency = v
    } else if (k === 'commit' || k === 'replica_hour') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new Error(`OMEGA_PRICES.${k}: a finite number >= 0`)
      out[k] = v
    } else throw new Error(`OMEGA_PRICES: unknown price '${k}'`)
  }
  return out
}

const refOf = (resource: BillResource, e: LedgerEntryWithHashes): EntryRef => ({
  resource,
  index: e.index,
  entry_hash: e.entry_hash,
})

/** Accumulates lines by key, keeping their entry references once each, in index order. */
class Lines {
  private readonly map = new Map<string, BillLine & { seen: Set<number> }>()
  add(
    key: string,
    proto: Omit<BillLine, 'quantity' | 'amount' | 'entries'>,
    quantity: number,
    amount: number,
    refs: EntryRef[],
  ): void {
    let line = this.map.get(key)
    if (!line) {
      line = { ...proto, quantity: 0, amount: 0, entries: [], seen: new Set() }
      this.map.set(key, line)
    }
    line.quantity += quantity
    line.amount += amount
    for (const r of refs)
      if (!line.seen.has(r.index)) {
        line.seen.add(r.index)
        line.entries.push(r)
      }
  }
  list(): BillLine[] {
    return [...this.map.values()].map(({ seen: _, ...l }) => ({
      ...l,
      quantity: roundAmount(l.quantity),
      amount: roundAmount(l.amount),
    }))
  }
}

/** The allocation an orchestrator entry records, or null (entries before allocation was recorded have none). */
function allocationOf(e: LedgerEntry): AllocationRecord | null {
  if (e.kind !== 'orchestrator.decision' && e.kind !== 'orchestrator.tick') return null
  const a = e.data.allocation as AllocationRecord | undefined
  return a && Array.isArray(a.usage) ? a : null
}

/**
 * One orchestrator's ledger: each allocation record holds from its entry until the next one (or `to`); the part
 * of that interval inside [from, to) is billed. A `fleet.changed` entry removing workloads ends their
 * replica-hours there (their replicas are deleted with them). Auctions are billed when they ran inside [from, to).
 */
function foldOrchestrator(
  tenant: string,
  src: BillSource,
  fromMs: number,
  toMs: number,
  prices: Prices,
  lines: Lines,
): void {
  const res = src.resource
  type Open = { at: number; ref: EntryRef; usage: AllocationRecord['usage']; share: number }
  let open: Open | null = null
  const close = (endMs: number, closer: EntryRef | null) => {
    if (!open) return
    const a = Math.max(open.at, fromMs)
    const b = Math.min(endMs, toMs)
    if (b <= a) return
    const hours = (b - a) / HOUR_MS
    const refs = closer ? [open.ref, closer] : [open.ref]
    for (const u of open.usage) {
      const q = u.replicas * hours
      lines.add(
        `rh|${res.kind}|${res.id}|${u.workload}`,
        { kind: 'replica_hours', resource: { ...res, workload: u.workload }, unit: 'replica_hour' },
        q,
        q * (prices.replica_hour ?? 0),
        refs,
      )
    }
    if (open.share !== 0 || open.usage.length > 0)
      lines.add(
        `sh|${res.kind}|${res.id}`,
        { kind: 'shapley_share', resource: res, unit: 'hour' },
        hours,
        open.share * hours,
        refs,
      )
  }
  for (const e of src.entries) {
    const at = Date.parse(e.entry.at)
    const ref = refOf(res, e)
    if (e.entry.kind === 'fleet.changed' && open) {
      const removed = (e.entry.data.workloads as { removed?: string[] } | undefined)?.removed ?? []
      if (removed.length > 0 && open.usage.some((u) => removed.includes(u.workload))) {
        const before: Open = open
        close(at, ref)
        open = { ...before, at, ref, usage: before.usage.filter((u) => !removed.includes(u.workload)) }
      }
      continue
    }
    const alloc = allocationOf(e.entry)
    if (!alloc) continue
    close(at, ref)
    const usage = alloc.usage.filter((u) => u.tenant === tenant && u.replicas > 0)
    const share = alloc.shares?.result.shares.find((s) => s.player === tenant)?.share ?? 0
    open = { at, ref, usage, share }
    if (at >= fromMs && at < toMs)
      for (const w of alloc.auction?.result.awards ?? [])
        if (w.bidder === tenant)
          lines.add(
            `ap|${res.kind}|${res.id}`,
            { kind: 'auction_payment', resource: res, unit: 'auction' },
            1,
            w.payment * alloc.tick_hours,
            [ref],
          )
  }
  close(Number.POSITIVE_INFINITY, null)
}

/**
 * One holon's ledger: its committed events inside [from, to) that name the tenant as the holon's (`by.tenant`,
 * signed into each entry; entries from before tenants name none and belong to `default`), each one a commit.
 */
function foldHolon(
  tenant: string,
  src: BillSource,
  fromMs: number,
  toMs: number,
  prices: Prices,
  lines: Lines,
): void {
  const res = src.resource
  for (const e of src.entries) {
    if (e.entry.kind !== 'event.committed') continue
    if ((e.entry.by?.tenant ?? 'default') !== tenant) continue
    const at = Date.parse(e.entry.at)
    if (at < fromMs || at >= toMs) continue
    lines.add(
      `cm|${res.kind}|${res.id}`,
      { kind: 'commits', resource: res, unit: 'commit' },
      1,
      prices.commit ?? 0,
      [refOf(res, e)],
    )
  }
}

/**
 * The bill of `tenant` over [from, to) from the ledger entries of its resources: the holons it owns (every
 * committed event recorded as the tenant's counts) and the orchestrators it runs workloads on (its part of each allocation record).
 * Same sources, same bill: the route and the offline verifier both call this.
 */
export function billOf(
  tenant: string,
  sources: readonly BillSource[],
  range: { from: string; to: string },
  prices: Prices = {},
): Bill {
  const fromMs = Date.parse(range.from)
  const toMs = Date.parse(range.to)
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs < fromMs)
    throw new BillRangeError(`the period [${range.from}, ${range.to}) is not a range of instants`)
  const lines = new Lines()
  let scanned = 0
  // by kind, then id (kinds have no NUL, so the joined keys order exactly as the pairs do)
  const key = (s: BillSource) => `${s.resource.kind}\u0000${s.resource.id}`
  const ordered = [...sources].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  for (const src of ordered) {
    scanned += src.entries.length
    if (src.resource.kind === 'orchestrator') foldOrchestrator(tenant, src, fromMs, toMs, prices, lines)
    else foldHolon(tenant, src, fromMs, toMs, prices, lines)
  }
  const list = lines.list()
  const totals = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<BillLineKind, number>
  for (const l of list) totals[l.kind] = roundAmount(totals[l.kind] + l.amount)
  return {
    tenant,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    currency: prices.currency ?? 'USD',
    prices,
    lines: list,
    totals,
    total: roundAmount(KINDS.reduce((a, k) => a + totals[k], 0)),
    entries_scanned: scanned,
  }
}

/** Two bills agree when their period, lines and totals do (the number of entries scanned may differ). */
export function sameBill(a: Bill, b: Bill): { same: boolean; detail?: string } {
  const pick = (x: Bill) =>
    JSON.stringify({ t: x.tenant, f: x.from, to: x.to, l: x.lines, tt: x.totals, T: x.total })
  if (pick(a) === pick(b)) return { same: true }
  if (a.total !== b.total) return { same: false, detail: `total ${a.total} != ${b.total}` }
  const n = Math.max(a.lines.length, b.lines.length)
  for (let i = 0; i < n; i++)
    if (JSON.stringify(a.lines[i]) !== JSON.stringify(b.lines[i]))
      return {
        same: false,
        detail: `line ${i} differs: ${JSON.stringify(a.lines[i])} vs ${JSON.stringify(b.lines[i])}`,
      }
  return { same: false, detail: 'period or totals differ' }
}
