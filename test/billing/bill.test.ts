// The bill fold on hand-made ledger entries, with totals computed by hand (not by the code under test).
import { describe, expect, it } from 'vitest'
import {
  BillRangeError,
  type BillSource,
  billOf,
  type LedgerEntryWithHashes,
  parsePrices,
  sameBill,
} from '../../functions/billing/index.ts'
import type { LedgerEntry } from '../../schemas/ledger.ts'

const T = (hhmm: string) => `2026-12-01T${hhmm}:00.000Z`
const hash = (i: number) => i.toString(16).padStart(64, '0')

function entry(
  holon: string,
  index: number,
  at: string,
  kind: LedgerEntry['kind'],
  data = {},
  tenant: string | null = 't',
): LedgerEntryWithHashes {
  const by = tenant === null ? {} : { by: { tenant, kid: 'k1' } }
  return { index, entry_hash: hash(index), entry: { v: 1, holon, index, prev: null, at, kind, data, ...by } }
}

const alloc = (
  usage: [string, string, number][],
  shares: [string, number][],
  auction?: { bidder: string; payment: number }[],
) => ({
  allocation: {
    tick_hours: 0.5,
    usage: usage.map(([tenant, workload, replicas]) => ({ tenant, workload, replicas, rate: 1 })),
    cost: { rate: 4, nodes: ['n1'] },
    shares: { game: {}, result: { shares: shares.map(([player, share]) => ({ player, share })) } },
    auction: auction
      ? { result: { awards: auction.map((a) => ({ ...a, value: 9, bundle_index: 0 })) } }
      : null,
  },
})

const orch: BillSource = {
  resource: { kind: 'orchestrator', id: 'o1' },
  entries: [
    entry('o1', 0, T('00:00'), 'orchestrator.configured'),
    entry(
      'o1',
      1,
      T('01:00'),
      'orchestrator.decision',
      alloc(
        [
          ['t', 'w1', 2],
          ['u', 'w2', 1],
        ],
        [
          ['t', 3],
          ['u', 1],
        ],
      ),
    ),
    entry(
      'o1',
      2,
      T('02:00'),
      'orchestrator.tick',
      alloc(
        [['t', 'w1', 1]],
        [['t', 2]],
        [
          { bidder: 't', payment: 2 },
          { bidder: 'u', payment: 7 },
        ],
      ),
    ),
    entry('o1', 3, T('02:30'), 'fleet.changed', { workloads: { upserted: [], removed: ['w1'] } }),
    entry('o1', 4, T('04:00'), 'orchestrator.tick', alloc([['t', 'w1', 3]], [['t', 5]])),
  ],
}
const holon: BillSource = {
  resource: { kind: 'holon', id: 'h1' },
  entries: [
    entry('h1', 0, T('00:00'), 'holon.created'),
    entry('h1', 1, T('01:00'), 'event.committed'),
    entry('h1', 2, T('01:45'), 'event.committed'),
    entry('h1', 3, T('02:10'), 'event.rejected'),
    entry('h1', 4, T('03:00'), 'event.committed'),
    entry('h1', 5, T('03:30'), 'event.committed'),
  ],
}
const prices = { commit: 0.01, replica_hour: 0.1 }

describe('billOf', () => {
  const bill = billOf('t', [orch, holon], { from: T('01:30'), to: T('03:30') }, prices)

  it('replica-hours: 2 replicas for 0.5 h, then 1 for 0.5 h until the workload is removed', () => {
    const rh = bill.lines.filter((l) => l.kind === 'replica_hours')
    expect(rh).toHaveLength(1)
    expect(rh[0]?.resource).toEqual({ kind: 'orchestrator', id: 'o1', workload: 'w1' })
    expect(rh[0]?.quantity).toBeCloseTo(1.5, 12)
    expect(rh[0]?.amount).toBeCloseTo(0.15, 12)
    expect(rh[0]?.entries.map((e) => e.index)).toEqual([1, 2, 3])
  })

  it('Shapley share: 3/h for 0.5 h, 2/h for 0.5 h, 2/h for 1 h (the share holds until the next tick)', () => {
    const sh = bill.lines.find((l) => l.kind === 'shapley_share')
    expect(sh?.quantity).toBeCloseTo(2, 12)
    expect(sh?.amount).toBeCloseTo(4.5, 12)
    expect(sh?.entries.map((e) => e.index)).toEqual([1, 2, 3, 4])
  })

  it('auction payments: only the tenant’s own award, per hour, for one tick of 0.5 h', () => {
    const ap = bill.lines.filter((l) => l.kind === 'auction_payment')
    expect(ap).toHaveLength(1)
    expect(ap[0]?.amount).toBeCloseTo(1, 12)
    expect(ap[0]?.entries).toEqual([
      { resource: { kind: 'orchestrator', id: 'o1' }, index: 2, entry_hash: hash(2) },
    ])
  })

  it('commits: the committed events inside [from, to) only', () => {
    const cm = bill.lines.find((l) => l.kind === 'commits')
    expect(cm?.quantity).toBe(2)
    expect(cm?.amount).toBeCloseTo(0.02, 12)
    expect(cm?.entries.map((e) => e.index)).toEqual([2, 4])
  })

  it('totals add up to the hand-computed 0.15 + 0.02 + 1 + 4.5', () => {
    expect(bill.totals).toEqual({
      replica_hours: 0.15,
      commits: 0.02,
      auction_payment: 1,
      shapley_share: 4.5,
    })
    expect(bill.total).toBeCloseTo(5.67, 9)
    expect(bill.entries_scanned).toBe(11)
  })

  it("commits count only entries that name the tenant as the holon's (by.tenant; none: tenant default)", () => {
    const mixed: BillSource = {
      resource: { kind: 'holon', id: 'h2' },
      entries: [
        entry('h2', 0, T('02:00'), 'event.committed', {}, 't'),
        entry('h2', 1, T('02:01'), 'event.committed', {}, 'u'),
        entry('h2', 2, T('02:02'), 'event.committed', {}, null),
      ],
    }
    const range = { from: T('01:30'), to: T('03:30') }
    const count = (tenant: string) =>
      billOf(tenant, [mixed], range, prices)
        .lines.find((l) => l.kind === 'commits')
        ?.entries.map((e) => e.index)
    expect(count('t')).toEqual([0])
    expect(count('u')).toEqual([1])
    expect(count('default')).toEqual([2])
  })

  it('another tenant sees only its own usage and awards', () => {
    const u = billOf('u', [orch], { from: T('01:30'), to: T('03:30') }, prices)
    expect(u.lines.find((l) => l.kind === 'replica_hours')?.quantity).toBeCloseTo(0.5, 12)
    expect(u.lines.find((l) => l.kind === 'auction_payment')?.amount).toBeCloseTo(3.5, 12)
    expect(u.totals.shapley_share).toBeCloseTo(0.5, 12)
  })

  it('the order of sources does not change the bill; a changed entry does', () => {
    expect(
      sameBill(billOf('t', [holon, orch], { from: T('01:30'), to: T('03:30') }, prices), bill).same,
    ).toBe(true)
    const changed = structuredClone(holon)
    changed.entries.pop()
    changed.entries.push(entry('h1', 5, T('03:29'), 'event.committed'))
    const other = billOf('t', [orch, changed], { from: T('01:30'), to: T('03:30') }, prices)
    expect(sameBill(other, bill).same).toBe(false)
  })

  it('refuses a period that is not one', () => {
    expect(() => billOf('t', [], { from: T('02:00'), to: T('01:00') })).toThrow(BillRangeError)
    expect(() => billOf('t', [], { from: 'yesterday', to: T('01:00') })).toThrow(BillRangeError)
  })
})

describe('parsePrices', () => {
  it('reads the documented prices and refuses anything else', () => {
    expect(parsePrices(undefined)).toEqual({})
    expect(parsePrices('{"commit":0.0001,"currency":"EUR"}')).toEqual({ commit: 0.0001, currency: 'EUR' })
    expect(() => parsePrices('{"commit":-1}')).toThrow()
    expect(() => parsePrices('{"cpu":1}')).toThrow()
    expect(() => parsePrices('not json')).toThrow()
  })
})
