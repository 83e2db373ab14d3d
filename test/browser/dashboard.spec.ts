// The dashboard as an operator sees it, in Debian's Chromium: the holon list, a commit arriving live, the
// in-browser verification (valid, and invalid when the data is tampered), the Poincaré disk. Screenshots
// go to docs/img/dashboard*.png.
import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as committed from '../../dashboard/assets.gen.ts'
import { buildAssets, transferSizes } from '../../dashboard/build.ts'
import { call, launch, type Site, seed, startSite, TOKENS } from './support.ts'

const shot = (name: string) => fileURLToPath(new URL(`../../docs/img/${name}`, import.meta.url))

describe('dashboard in a real browser', () => {
  let site: Site
  let browser: Browser
  let page: Page
  /** Every request the page makes: the read-only promise is checked against this. */
  const requests: { method: string; path: string }[] = []

  beforeAll(async () => {
    site = await startSite()
    await seed(site)
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.on('request', (r) => requests.push({ method: r.method(), path: new URL(r.url()).pathname }))
  })

  afterAll(async () => {
    await browser?.close()
    await site?.stop()
  })

  it('asks for the read token, then lists the holon and shows its state', async () => {
    await page.goto(`${site.url}/dashboard`)
    await expect.poll(() => page.locator('#status').textContent()).toContain('needs the read token')
    await page.fill('#token', TOKENS.read)
    await page.click('#token-form button[type=submit]')
    await page.locator('[data-testid=holon-list] a[data-holon=coop]').waitFor()
    await page.locator('[data-testid=holon-title]', { hasText: 'coop' }).waitFor()
    // the state after e3 (overridden): Non_Spoliation 11/20 = 0.55, Traceability 1/2 = 0.5: torsion > 0.6
    expect(Number(await page.locator('[data-testid=torsion]').textContent())).toBeGreaterThan(0.6)
    await page.locator('[data-testid=refusals-table] td', { hasText: 'e2' }).waitFor()
    await page.locator('#overrides td', { hasText: 'audited by the board' }).waitFor()
    await page.locator('#chart-state canvas').waitFor()
    expect(await page.evaluate(() => sessionStorage.getItem('omega.read-token'))).toBe(TOKENS.read)
  })

  it('shows a commit made over HTTP without reloading the page', async () => {
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }))
    const live = { id: 'live-1', contributed: 0, returned: 9, trace_id: 't-live' }
    const r = await call(site, 'POST', '/v1/holons/coop/events', TOKENS.write, { event: live })
    expect(r.status).toBe(201)
    await page.locator('[data-testid=events-table] td', { hasText: 'live-1' }).waitFor({ timeout: 20_000 })
    const notReloaded = () => (globalThis as unknown as { notReloaded?: boolean }).notReloaded
    expect(await page.evaluate(notReloaded)).toBe(true)
    // with the live channel on this worker (a plain GET of it answers 426 Upgrade Required) the commit came
    // over the WebSocket and is listed in the live column; without it, by polling
    const probe = await fetch(`${site.url}/v1/holons/coop/live`, {
      headers: { authorization: `Bearer ${TOKENS.read}` },
    })
    await probe.body?.cancel()
    const mode = probe.status === 426 ? 'websocket' : 'polling'
    expect(await page.locator('[data-testid=live-mode]').textContent()).toBe(mode)
    if (mode === 'websocket')
      await page.locator('[data-testid=live-feed] li', { hasText: 'commit live-1' }).waitFor()
    await page.locator('#chart-control canvas').waitFor()
    // the pulse runs at 1 s: the page shows a beat counter past zero and its decision
    await expect
      .poll(() => page.locator('[data-testid=pulse-status]').textContent())
      .toMatch(/running · beat [1-9]\d* · decision /)
    await page.screenshot({ path: shot('dashboard.png'), fullPage: true })
  })

  /** A second tab with the token already typed, whose live socket `onSocket` plays the server side of. */
  async function tab(onSocket: (ws: import('playwright-core').WebSocketRoute) => void): Promise<Page> {
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    p.on('request', (r) => requests.push({ method: r.method(), path: new URL(r.url()).pathname }))
    await p.addInitScript((t) => sessionStorage.setItem('omega.read-token', t), TOKENS.read)
    await p.routeWebSocket(/\/v1\/holons\/coop\/live/, onSocket)
    await p.goto(`${site.url}/dashboard#holon=coop`)
    await p.locator('[data-testid=holon-title]', { hasText: 'coop' }).waitFor()
    return p
  }

  it('on a WebSocket message, shows the commit at once (no polling while the socket is up)', async () => {
    let socket: import('playwright-core').WebSocketRoute | null = null
    let socketUrl = ''
    const p = await tab((ws) => {
      socket = ws
      socketUrl = ws.url()
    })
    try {
      await expect.poll(() => p.locator('[data-testid=live-mode]').textContent()).toBe('websocket')
      expect(new URL(socketUrl).searchParams.get('token')).toBe(TOKENS.read)
      const event = { id: 'live-ws', contributed: 0, returned: 1, trace_id: 't-ws' }
      const r = await call(site, 'POST', '/v1/holons/coop/events', TOKENS.write, { event })
      expect(r.status).toBe(201)
      const result = r.body.results[0]
      const message = { type: 'commit', holon: 'coop', seq: result.seq, ledger_index: result.receipt.index }
      const sent = {
        ...message,
        event_id: 'live-ws',
        verdict: result.verdict,
        torsion: result.torsion,
        at: new Date().toISOString(),
      }
      ;(socket as unknown as import('playwright-core').WebSocketRoute).send(JSON.stringify(sent))
      // well inside the 5 s poll period: only the message can have brought it
      await p.locator('[data-testid=live-feed] li', { hasText: 'commit live-ws' }).waitFor({ timeout: 3000 })
      await p.locator('[data-testid=events-table] td', { hasText: 'live-ws' }).waitFor({ timeout: 3000 })
      // the live channel greets with `hello` and answers pings with `pong`: nothing to list for either
      const ws = socket as unknown as import('playwright-core').WebSocketRoute
      ws.send(JSON.stringify({ type: 'hello', holon: 'coop', seq: 1, ledger_size: 1, beat: 0 }))
      ws.send(JSON.stringify({ type: 'pong' }))
      const refusal = {
        type: 'refusal',
        holon: 'coop',
        event_id: 'r-ws',
        ledger_index: 99,
        verdict: 'reject',
      }
      ws.send(JSON.stringify({ ...refusal, torsion: 0.5, at: new Date().toISOString() }))
      await p.locator('[data-testid=live-feed] li', { hasText: 'refusal r-ws' }).waitFor({ timeout: 3000 })
      expect(await p.locator('[data-testid=live-feed] li').allTextContents()).toHaveLength(2)
    } finally {
      await p.close()
    }
  })

  it('falls back to polling when the socket closes', async () => {
    const p = await tab((ws) => ws.close())
    try {
      await expect.poll(() => p.locator('[data-testid=live-mode]').textContent()).toBe('polling')
      const event = { id: 'live-poll', contributed: 0, returned: 1, trace_id: 't-poll' }
      expect((await call(site, 'POST', '/v1/holons/coop/events', TOKENS.write, { event })).status).toBe(201)
      await p.locator('[data-testid=events-table] td', { hasText: 'live-poll' }).waitFor({ timeout: 12_000 })
    } finally {
      await p.close()
    }
  })

  it('verifies receipts and the checkpoint signature in the browser: valid', async () => {
    await page.click('[data-testid=verify]')
    const result = page.locator('[data-testid=verify-result]')
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toMatch(/^valid: /)
    expect(await result.textContent()).toContain('8 receipts')
    await page.locator('#verify').evaluate((el) => el.closest('section')?.scrollIntoView())
    await page
      .locator('#verify')
      .locator('xpath=ancestor::section')
      .screenshot({ path: shot('dashboard-verify.png') })
  })

  const tampered = async (change: (receipt: any) => void, expected: RegExp) => {
    await page.route('**/ledger/receipts/*', async (route) => {
      const res = await route.fetch()
      const receipt = await res.json()
      change(receipt)
      await route.fulfill({ response: res, json: receipt })
    })
    try {
      await page.click('[data-testid=verify]')
      const result = page.locator('[data-testid=verify-result]')
      await expect.poll(() => result.textContent(), { timeout: 20_000 }).toMatch(/^invalid: /)
      expect(await result.textContent()).toMatch(expected)
    } finally {
      await page.unroute('**/ledger/receipts/*')
    }
  }

  it('says invalid when a receipt entry is altered', async () => {
    await tampered((r) => {
      r.entry.at = '2000-01-01T00:00:00.000Z'
    }, /entry_hash is not SHA3-256/)
    await page
      .locator('#verify')
      .locator('xpath=ancestor::section')
      .screenshot({ path: shot('dashboard-invalid.png') })
  })

  it('says invalid when the entry and its hashes are altered together (the inclusion proof fails)', async () => {
    const { sha3_256 } = await import('@noble/hashes/sha3.js')
    const { canonicalJson } = await import('../../functions/canonical/canonical.ts')
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
    await tampered((r) => {
      r.entry.at = '2000-01-01T00:00:00.000Z'
      const bytes = new TextEncoder().encode(canonicalJson(r.entry))
      r.entry_hash = hex(sha3_256(bytes))
      r.leaf_hash = hex(sha3_256(Uint8Array.of(0, ...bytes)))
    }, /inclusion proof does not lead to the checkpoint root/)
  })

  it('says invalid when the checkpoint signature is altered', async () => {
    await tampered((r) => {
      r.checkpoint = r.checkpoint.replace(/\n(\d+)\n/, (_: string, n: string) => `\n${Number(n) + 1}\n`)
    }, /signature .* does not verify/)
  })

  it('draws the stored topology on the Poincaré disk with a greedy route', async () => {
    await page.selectOption('#route-from', 'o0')
    await page.selectOption('#route-to', 'o6')
    await expect
      .poll(() => page.locator('[data-testid=route-info]').textContent())
      .toContain('(o0 → n0 → hub → n6 → o6)')
    // o0 → n0 → hub → n6 → o6: four geodesic segments, each starting with a move
    const d = await page.locator('[data-testid=route]').getAttribute('d')
    expect(d?.match(/M/g)?.length).toBe(4)
    expect(await page.locator('[data-testid=route-info]').textContent()).toMatch(/delivered.*→ o6\)$/)
    // a route off the centre, for the picture: its segments are arcs
    await page.selectOption('#route-to', 'o2')
    await expect.poll(() => page.locator('[data-testid=route]').getAttribute('d')).toContain('A')
    await page
      .locator('#disk')
      .locator('xpath=ancestor::section')
      .screenshot({ path: shot('dashboard-topology.png') })
  })

  it('made only reads: GETs, and the stateless POST /v1/route', () => {
    const writes = requests.filter(
      (r) => r.method !== 'GET' && !(r.method === 'POST' && r.path === '/v1/route'),
    )
    expect(requests.length).toBeGreaterThan(10)
    expect(writes).toEqual([])
  })
})

describe('dashboard bundle', () => {
  it('dashboard/assets.gen.ts is what dashboard/build.ts builds from the sources (npm run build:dashboard)', async () => {
    const fresh = await buildAssets()
    // digests, not the texts: a stale bundle should say which part is stale, not print 80 kB
    const digest = (a: { html: string; css: string; js: string }) => ({
      html: createHash('sha256').update(a.html).digest('hex'),
      css: createHash('sha256').update(a.css).digest('hex'),
      js: createHash('sha256').update(a.js).digest('hex'),
    })
    expect(digest(committed), 'run npm run build:dashboard').toEqual(digest(fresh))
    expect(committed.version).toBe(fresh.version)
  })

  it('stays light: page, styles and script under 50 kB gzip together (docs/dashboard.md states the numbers)', async () => {
    const sizes = transferSizes(await buildAssets())
    expect(sizes.total.gzip).toBeLessThan(50_000)
  })
})
