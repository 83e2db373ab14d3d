// GET /dashboard: the read-only operator page (built from dashboard/ into dashboard/assets.gen.ts).
import { css, html, js, version, zk } from '../../../dashboard/assets.gen.ts'
import { router } from '../openapi.ts'

/**
 * The page holds no token and makes no write: the operator types the read token, which stays in the tab's
 * sessionStorage. The CSP keeps it so: scripts and connections only to this origin (the live WebSocket
 * included), nothing inline, no frames.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const common = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' }
/** The script and styles are addressed by content hash (`?v=`), so browsers keep them; the page is revalidated. */
const immutable = { ...common, 'cache-control': 'public, max-age=31536000, immutable' }
const etag = `"${version}"`

export const dashboard = router()
  .get('/dashboard', (c) => {
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag })
    return c.html(html, 200, {
      ...common,
      'content-security-policy': CSP,
      'cache-control': 'no-cache',
      etag,
    })
  })
  .get('/dashboard/app.js', (c) =>
    c.body(js, 200, { ...immutable, 'content-type': 'text/javascript; charset=utf-8' }),
  )
  // the zero-knowledge verification page: the proof is checked in the page (dashboard/src/zk-verify.ts)
  .get('/dashboard/verify', (c) =>
    c.html(zk.html, 200, { ...common, 'content-security-policy': CSP, 'cache-control': 'no-cache' }),
  )
  .get('/dashboard/zk-verify.js', (c) =>
    c.body(zk.js, 200, { ...immutable, 'content-type': 'text/javascript; charset=utf-8' }),
  )
  .get('/dashboard/app.css', (c) =>
    c.body(css, 200, { ...immutable, 'content-type': 'text/css; charset=utf-8' }),
  )
