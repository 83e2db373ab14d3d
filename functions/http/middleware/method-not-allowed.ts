// 405 for a path that exists under other methods, with an Allow header; 404 otherwise.
import type { Context, Hono } from 'hono'
import { ApiError, problemResponse } from '../problems.ts'

type Pattern = { method: string; regex: RegExp }

const compile = (path: string): RegExp =>
  new RegExp(
    `^${path
      .split('/')
      .map((s) => (s.startsWith(':') ? '[^/]+' : s === '*' ? '.*' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}/?$`,
  )

/** A notFound handler for `app`: the methods of its routes are read once, on the first miss. */
// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its environment
export function methodNotAllowed(app: Hono<any>) {
  let patterns: Pattern[] | undefined
  return (c: Context) => {
    patterns ??= app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ method: r.method.toUpperCase(), regex: compile(r.path) }))
    const allowed = new Set(patterns.filter((p) => p.regex.test(c.req.path)).map((p) => p.method))
    if (allowed.size === 0)
      return problemResponse(c, new ApiError('not_found', `no route ${c.req.method} ${c.req.path}`))
    if (allowed.has('GET')) allowed.add('HEAD')
    const allow = [...allowed].sort().join(', ')
    const res = problemResponse(
      c,
      new ApiError('method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; use ${allow}`, {
        allow: [...allowed].sort(),
      }),
    )
    res.headers.set('allow', allow)
    return res
  }
}
