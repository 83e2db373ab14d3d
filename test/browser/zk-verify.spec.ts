// The zero-knowledge verification page in Debian's Chromium: a committed fixture proof verifies in the page, a tampered
// one is refused, and the page asks the server nothing while checking.
import { createHash } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as committed from '../../dashboard/assets.gen.ts'
import { buildAssets } from '../../dashboard/build.ts'
import kernelBundle from '../attestation/fixtures/brussels-bundle.json'
import placementBundle from '../attestation/fixtures/placement-bundle.json'
import proof0 from '../attestation/fixtures/proof-0.json'
import { launch, type Site, startSite } from './support.ts'

describe('zk verification page in a real browser', () => {
  let site: Site
  let browser: Browser
  let page: Page
  const requests: string[] = []

  beforeAll(async () => {
    site = await startSite()
    browser = await launch()
    page = await browser.newPage()
    page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`))
    await page.goto(`${site.url}/dashboard/verify`)
    // the script has run once it lists the bundled circuits
    await page.locator('[data-testid=zk-circuits]', { hasText: 'fixture-square' }).waitFor()
  })

  afterAll(async () => {
    await browser?.close()
    await site?.stop()
  })

  async function verdict(bundle: unknown) {
    await page.fill('[data-testid=zk-input]', JSON.stringify(bundle))
    const before = requests.length
    await page.click('[data-testid=zk-check]')
    const result = page.locator('[data-testid=zk-result]')
    await result.waitFor()
    const out = {
      result: await result.textContent(),
      reason: (await page.locator('[data-testid=zk-reason]').count())
        ? await page.locator('[data-testid=zk-reason]').textContent()
        : null,
    }
    // computed in the page: checking made no request at all
    expect(requests.slice(before)).toEqual([])
    return out
  }

  it('verifies a valid fixture proof', async () => {
    expect(await verdict({ circuit: 'fixture-square', ...proof0 })).toEqual({ result: 'valid', reason: null })
  })

  it('refuses a tampered proof, a tampered signal, and an unknown circuit', async () => {
    const tampered = structuredClone(proof0)
    tampered.publicSignals[1] = '16'
    expect(await verdict({ circuit: 'fixture-square', ...tampered })).toEqual({
      result: 'invalid',
      reason: 'pairing check failed',
    })
    const offCurve = structuredClone(proof0)
    offCurve.proof.pi_a[1] = String(BigInt(offCurve.proof.pi_a[1] as string) + 1n)
    const v = await verdict({ circuit: 'fixture-square', ...offCurve })
    expect(v.result).toBe('invalid')
    expect(v.reason).toMatch(/^proof\.pi_a is not a valid point/)
    expect((await verdict({ circuit: 'nope', ...proof0 })).reason).toBe('unknown circuit "nope"')
  })

  it('checks whole attestation bundles as the worker does: receipt, statement, proofs', async () => {
    const kernel = await verdict(kernelBundle)
    expect(kernel.result).toBe('valid')
    expect(await page.locator('[data-testid=zk-verdict]').textContent()).toMatch(
      /Refund_Budget held on the committed aggregates/,
    )
    expect((await verdict(placementBundle)).result).toBe('valid')
    const lowered = structuredClone(kernelBundle)
    lowered.kernel.invariants.Due_Process.threshold = 0.5
    expect(await verdict(lowered)).toEqual({
      result: 'invalid',
      reason: 'the kernel is the one the entry names (digest)',
    })
    const moved = structuredClone(placementBundle)
    moved.receipt.entry.data.max_distance = 0.01
    expect((await verdict(moved)).reason).toMatch(/^entry_hash is SHA3-256 of the entry/)
  })

  it('times the check in the page (median of 10 valid proofs, printed for docs/attestation.md)', async () => {
    const ms: number[] = []
    for (let i = 0; i < 10; i++) {
      expect((await verdict({ circuit: 'fixture-square', ...proof0 })).result).toBe('valid')
      ms.push(Number(await page.locator('[data-testid=zk-ms]').textContent()))
    }
    ms.sort((a, b) => a - b)
    console.log(`zk verify in Chromium: median ${ms[5]} ms, max ${ms[9]} ms (fixture-square, 10 runs)`)
    expect(ms[0]).toBeGreaterThan(0)
  })

  it('is served with the dashboard CSP (scripts from this origin only)', async () => {
    const res = await fetch(`${site.url}/dashboard/verify`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    await res.body?.cancel()
  })
})

describe('zk verification page bundle', () => {
  it('dashboard/assets.gen.ts holds what dashboard/build.ts builds for it (npm run build:dashboard)', async () => {
    const fresh = await buildAssets()
    const digest = (z: { html: string; js: string }) => ({
      html: createHash('sha256').update(z.html).digest('hex'),
      js: createHash('sha256').update(z.js).digest('hex'),
    })
    expect(digest(committed.zk), 'run npm run build:dashboard').toEqual(digest(fresh.zk))
  })
})
