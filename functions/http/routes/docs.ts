// The OpenAPI 3.1 document, a readable reference page rendered from it, and the problem-type pages.
import type { OpenAPIHono } from '@hono/zod-openapi'
import { html, raw } from 'hono/html'
import { type AppEnv, BODY_PROBLEMS, problems } from '../openapi.ts'
import { ApiError, PROBLEMS, type ProblemCode } from '../problems.ts'

export const VERSION = '0.1.0'

type Doc = ReturnType<OpenAPIHono<AppEnv>['getOpenAPI31Document']>
type Operation = {
  summary?: string
  description?: string
  security?: Record<string, string[]>[]
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> }
  responses?: Record<string, { description?: string }>
}

function openApiDocument(app: OpenAPIHono<AppEnv>): Doc {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' })
  const doc = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Omega',
      version: VERSION,
      description:
        'Unit tests for reality, evaluated before actions are executed: kernels of invariants gate every proposed ' +
        'event of a holon. Errors are RFC 9457 problem+json.',
    },
  })
  addBodyProblems(doc)
  return doc
}

/** Every operation with a body answers the body guards' problems (router() runs them), whether or not it lists them. */
function addBodyProblems(doc: Doc): void {
  const byStatus = problems(...BODY_PROBLEMS)
  for (const item of Object.values(doc.paths ?? {}))
    for (const op of Object.values(item as Record<string, Operation>)) {
      if (!op.requestBody) continue
      op.responses ??= {}
      for (const [status, added] of Object.entries(byStatus)) {
        const listed = op.responses[status]
        if (!listed) {
          op.responses[status] = added
          continue
        }
        const have = listed.description ?? ''
        const missing = added.description.split('; ').filter((d) => !have.includes(d.split(':')[0] as string))
        if (missing.length > 0) listed.description = [have, ...missing].filter(Boolean).join('; ')
      }
    }
}

const refName = (op: Operation) =>
  op.requestBody?.content?.['application/json']?.schema?.$ref?.split('/').at(-1)

function referencePage(doc: Doc) {
  const ops = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, op]) => ({ path, method, op })),
  )
  const schemas = Object.keys(doc.components?.schemas ?? {})
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Omega API reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code{background:#f3f3f3;padding:0 .25em}h2{margin-top:2rem;border-bottom:1px solid #ddd}
.op{margin:1rem 0;padding:.5rem 1rem;border-left:4px solid #4a7}.m{font-weight:700;text-transform:uppercase}
.r{color:#555;font-size:14px}</style></head><body>
<h1>Omega API reference <small>${doc.info.version}</small></h1>
<p>${doc.info.description ?? ''}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). JSON Schemas: <code>schemas/*.schema.json</code> in the repository.</p>
<h2>Operations</h2>
${ops.map(
  ({
    path,
    method,
    op,
  }) => html`<div class="op"><div><span class="m">${method}</span> <code>${path}</code></div>
<div><strong>${op.summary ?? ''}</strong></div>${op.description ? html`<div>${op.description}</div>` : ''}
${refName(op) ? html`<div class="r">Body: <code>${refName(op)}</code></div>` : ''}
<div class="r">${op.security?.some((s) => 'bearer' in s) ? 'Authorization: Bearer token. ' : ''}Responses: ${raw(
    Object.entries(op.responses ?? {})
      .map(([code, r]) => `<code>${code}</code> ${escapeHtml(r.description ?? '')}`)
      .join('; '),
  )}</div></div>`,
)}
<h2>Problem types</h2><ul>${Object.entries(PROBLEMS).map(
    ([code, [status, title]]) =>
      html`<li><a href="/problems/${code}"><code>${code}</code></a> (${status}): ${title}</li>`,
  )}</ul>
<h2>Schemas</h2><p>${schemas.map((s, i) => html`${i ? ', ' : ''}<code>${s}</code>`)}</p>
</body></html>`
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)

/** Mounts /openapi.json, /docs and /problems/:code on the finished app (the document covers every route). */
export function mountDocs(app: OpenAPIHono<AppEnv>): void {
  let doc: Doc | undefined
  const getDoc = () => {
    doc ??= openApiDocument(app)
    return doc
  }
  app.get('/openapi.json', (c) => c.json(getDoc()))
  app.get('/docs', (c) => c.html(referencePage(getDoc())))
  app.get('/problems/:code', (c) => {
    const code = c.req.param('code')
    if (!(code in PROBLEMS)) throw new ApiError('not_found', `no problem type '${code}'`)
    const [status, title] = PROBLEMS[code as ProblemCode]
    return c.json({ type: `/problems/${code}`, status, title })
  })
}
