// POST /v1/markets/auction over HTTP inside workerd: the VCG outcome, refusals of bad bodies, the budget.
import { describe, expect, it } from 'vitest'
import { randomAuction } from '../markets/auction-instances.ts'
import { call, send } from '../support/http.ts'

const path = '/v1/markets/auction'

describe('POST /v1/markets/auction', () => {
  it('answers the published two-item example with its payments (Weber, Kellogg DECS-452)', async () => {
    const r = await call('POST', path, {
      supply: { A: 1, B: 1 },
      bids: [
        { bidder: '3', bundles: [{ bundle: { A: 1, B: 1 }, value: 200 }] },
        { bidder: '1', bundles: [{ bundle: { A: 1 }, value: 160 }] },
        { bidder: '2', bundles: [{ bundle: { B: 1 }, value: 150 }] },
      ],
    })
    expect(r.status).toBe(200)
    expect(r.body.method).toBe('exact')
    expect(r.body.welfare).toBe(310)
    expect(r.body.awards).toEqual([
      { bidder: '1', bundle_index: 0, bundle: { A: 1 }, value: 160, payment: 50 },
      { bidder: '2', bundle_index: 0, bundle: { B: 1 }, value: 150, payment: 40 },
    ])
    expect(r.body.utilities).toEqual([
      { bidder: '3', utility: 0 },
      { bidder: '1', utility: 110 },
      { bidder: '2', utility: 110 },
    ])
    expect(r.body.payments_total).toBe(90)
    expect(r.body.steps).toBeGreaterThan(0)
  })

  it('refuses bad bodies with problem+json 4xx, never a 500', async () => {
    const bid = (bundle: unknown, value: unknown = 1) => ({ bidder: 'x', bundles: [{ bundle, value }] })
    const bad: [unknown, number][] = [
      [{ supply: { cpu: 'NaN' }, bids: [] }, 400],
      [{ supply: { cpu: 1 }, bids: [bid({ cpu: 1 }, 'Infinity')] }, 400],
      [{ supply: { cpu: -1 }, bids: [] }, 400],
      [{ supply: { cpu: 1 }, bids: [bid({ cpu: 1 }, -5)] }, 400],
      [{ supply: { cpu: 1 }, bids: [bid({ cpu: 1e13 })] }, 400],
      [
        {
          supply: { cpu: 1 },
          bids: [
            { bidder: 'x', bundles: [] },
            { bidder: 'x', bundles: [] },
          ],
        },
        400,
      ],
      [{ supply: { cpu: 1 }, bids: [], extra: true }, 400],
      [{ supply: { cpu: 1 } }, 400],
      [{ supply: { cpu: 1 }, bids: [], method: 'magic' }, 400],
      // more bidders, bundles or resources than the bounds
      [{ supply: {}, bids: Array.from({ length: 201 }, (_, i) => ({ bidder: `b${i}`, bundles: [] })) }, 400],
      [
        {
          supply: {},
          bids: [{ bidder: 'x', bundles: Array.from({ length: 9 }, () => ({ bundle: {}, value: 1 })) }],
        },
        400,
      ],
      [{ supply: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`r${i}`, 1])), bids: [] }, 400],
    ]
    for (const [body, status] of bad) {
      const r = await call('POST', path, body)
      expect(r.status, JSON.stringify(body).slice(0, 120)).toBe(status)
      expect(r.type).toContain('application/problem+json')
      expect(r.body.type).toBe('/problems/validation_failed')
    }
    // __proto__ as a resource or a member, and 1e400 (Infinity once parsed), sent as raw text
    for (const text of [
      '{"supply":{"__proto__":{"cpu":1}},"bids":[]}',
      '{"supply":{"cpu":1},"bids":[{"bidder":"x","bundles":[{"bundle":{"__proto__":1},"value":1}]}]}',
      '{"supply":{"cpu":1},"bids":[],"__proto__":{"method":"exact"}}',
      '{"supply":{"cpu":1e400},"bids":[]}',
      '{"supply":{"cpu":1},"bids":[{"bidder":"x","bundles":[{"bundle":{"cpu":1},"value":1e400}]}]}',
    ]) {
      const r = await send('POST', path, { type: 'application/json', body: text })
      expect(r.status, text).toBe(400)
    }
    const malformed = await send('POST', path, { type: 'application/json', body: '{"supply":' })
    expect(malformed.status).toBe(400)
    const huge = await send('POST', path, {
      type: 'application/json',
      body: `{"supply":{},"bids":[],"pad":"${'x'.repeat(1_100_000)}"}`,
    })
    expect(huge.status).toBe(413)
  })

  it('answers 422 budget_exceeded naming auction_steps when exactness is demanded beyond the budget', async () => {
    const a = randomAuction(1, 200, { profile: 'bundles', perBidder: 8 })
    const r = await call('POST', path, { ...a, method: 'exact' })
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({
      type: '/problems/budget_exceeded',
      budget: 'auction_steps',
      unit: 'steps',
      cpu_ms: 500,
    })
    // the same auction under 'auto' falls back to the greedy, with its bound
    const auto = await call('POST', path, a)
    expect(auto.status).toBe(200)
    expect(auto.body.method).toBe('greedy')
    expect(auto.body.bound).toBeGreaterThanOrEqual(1)
  })
})
