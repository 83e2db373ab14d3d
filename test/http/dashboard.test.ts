// GET /dashboard and its two assets, served by the worker: types, caching, CSP, and no credential in the page.
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

const get = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(`https://omega.test${path}`, { headers })

describe('GET /dashboard', () => {
  it('serves the page with a CSP that allows only this origin and nothing inline', async () => {
    const res = await get('/dashboard')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("connect-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    const html = await res.text()
    expect(html).toMatch(/<script type="module" src="\/dashboard\/app\.js\?v=[0-9a-f]{12}"><\/script>/)
    expect(html).not.toMatch(/<script>|<script type="module">/) // no inline script
  })

  it('answers 304 to a revalidation with the current ETag', async () => {
    const etag = (await get('/dashboard')).headers.get('etag') ?? ''
    expect(etag).toMatch(/^"[0-9a-f]{12}"$/)
    expect((await get('/dashboard', { 'if-none-match': etag })).status).toBe(304)
    expect((await get('/dashboard', { 'if-none-match': '"stale"' })).status).toBe(200)
  })

  it('serves the script and styles the page names, cacheable for good (their URLs carry the content hash)', async () => {
    const html = await (await get('/dashboard')).text()
    for (const [asset, type] of [
      ['app.js', 'text/javascript'],
      ['app.css', 'text/css'],
    ] as const) {
      const url = new RegExp(`/dashboard/${asset.replace('.', '\\.')}\\?v=[0-9a-f]{12}`).exec(html)?.[0]
      expect(url).toBeDefined()
      const res = await get(url as string)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(new RegExp(`^${type}`))
      expect(res.headers.get('cache-control')).toContain('immutable')
      expect((await res.text()).length).toBeGreaterThan(1000)
    }
  })

  it('holds no credential: none of the configured tokens appears in the page or its assets', async () => {
    const bodies = await Promise.all(
      ['/dashboard', '/dashboard/app.js', '/dashboard/app.css'].map(async (p) => (await get(p)).text()),
    )
    for (const token of ['test-write-token', 'test-admin-token', 'test-bridge-token'])
      for (const body of bodies) expect(body).not.toContain(token)
  })

  it('is linked from the index', async () => {
    expect(await (await get('/')).json()).toMatchObject({ dashboard: '/dashboard' })
  })
})
