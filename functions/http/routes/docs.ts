// The OpenAPI 3.1 document (with request examples), the interactive reference rendered from it (Scalar), a plain
// server-rendered page that needs no network, and the problem-type pages.
import type { OpenAPIHono } from '@hono/zod-openapi'
import { Scalar } from '@scalar/hono-api-reference'
import { html, raw } from 'hono/html'
import { EXAMPLES, parameterExample } from '../examples.ts'
import { type AppEnv, BODY_PROBLEMS, problems } from '../openapi.ts'
import { PROBLEM_DOCS } from '../problem-docs.ts'
import { ApiError, PROBLEMS, type ProblemCode } from '../problems.ts'

export const VERSION = '0.1.0'

type Doc = ReturnType<OpenAPIHono<AppEnv>['getOpenAPI31Document']>
type Operation = {
  summary?: string
  description?: string
  security?: Record<string, string[]>[]
  parameters?: { name: string; in: string; example?: unknown }[]
  requestBody?: {
    content?: Record<
      string,
      { schema?: { $ref?: string }; examples?: Record<string, { summary: string; value: unknown }> }
    >
  }
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
        'event of a holon. Errors are RFC 9457 problem+json; each problem type has a page at `/problems/{code}` ' +
        'with its explanation and an example. A plain version of this reference, which needs no network, is at ' +
        '`/docs/plain`; the typed TypeScript client is in `client/` (see the README).',
    },
  })
  addBodyProblems(doc)
  addExamples(doc)
  return doc
}

/** Operations as (method, path, operation) triples. */
const operations = (doc: Doc) =>
  Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, op]) => ({ path, method, op })),
  )

/** Request examples from examples.ts, keyed `method path`, and an example for every path parameter. */
function addExamples(doc: Doc): void {
  for (const { path, method, op } of operations(doc)) {
    for (const p of op.parameters ?? [])
      if (p.in === 'path' && p.example === undefined) p.example = parameterExample(path, p.name)
    const media = op.requestBody?.content?.['application/json']
    const examples = EXAMPLES[`${method} ${path}`]
    if (!media || !examples) continue
    media.examples = Object.fromEntries(
      examples.map((e, i) => [`example${i + 1}`, { summary: e.summary, value: e.value }]),
    )
  }
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

/** The reference as one server-rendered page: no script, no network (for offline use and plain browsers). */
function plainPage(doc: Doc) {
  const ops = operations(doc)
  const schemas = Object.keys(doc.components?.schemas ?? {})
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Omega API reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code{background:#f3f3f3;padding:0 .25em}h2{margin-top:2rem;border-bottom:1px solid #ddd}
.op{margin:1rem 0;padding:.5rem 1rem;border-left:4px solid #4a7}.m{font-weight:700;text-transform:uppercase}
.r{color:#555;font-size:14px}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:13px}</style></head><body>
<h1>Omega API reference <small>${doc.info.version}</small></h1>
<p>${doc.info.description ?? ''}</p>
<p>Interactive reference: <a href="/docs">/docs</a>. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). JSON Schemas: <code>schemas/*.schema.json</code> in the repository.</p>
<h2>Operations</h2>
${ops.map(
  ({
    path,
    method,
    op,
  }) => html`<div class="op"><div><span class="m">${method}</span> <code>${path}</code></div>
<div><strong>${op.summary ?? ''}</strong></div>${op.description ? html`<div>${op.description}</div>` : ''}
${refName(op) ? html`<div class="r">Body: <code>${refName(op)}</code></div>` : ''}
${Object.values(op.requestBody?.content?.['application/json']?.examples ?? {}).map(
  (e) =>
    html`<details><summary>Example: ${e.summary}</summary><pre>${JSON.stringify(e.value, null, 2)}</pre></details>`,
)}
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

/** A problem type's page as HTML: what it means, what to do, an example document. */
function problemPage(code: ProblemCode) {
  const { explanation, remedy } = PROBLEM_DOCS[code]
  const [status, title] = PROBLEMS[code]
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${code}: Omega problem type</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#222}
pre{background:#f6f6f6;padding:.75rem;overflow:auto;font-size:13px}</style></head><body>
<p><a href="/docs">API reference</a></p>
<h1><code>${code}</code> <small>(${status})</small></h1><p><strong>${title}</strong></p>
<h2>What it means</h2><p>${explanation}</p>
<h2>What to do</h2><p>${remedy}</p>
<h2>Example</h2><pre>${JSON.stringify(problemExample(code), null, 2)}</pre>
</body></html>`
}

/** The example problem document of a type, as the API answers it (type, title, status from the catalogue). */
export function problemExample(code: ProblemCode): Record<string, unknown> {
  const [status, title] = PROBLEMS[code]
  const { instance, detail, ...extensions } = PROBLEM_DOCS[code].example
  return { type: `/problems/${code}`, title, status, detail, instance, ...extensions }
}

/** Whether the client asks for a page (a browser) rather than JSON. */
const wantsHtml = (accept: string | undefined) => {
  const a = accept ?? ''
  return a.includes('text/html') && !/^application\/(problem\+)?json/.test(a)
}

/**
 * Mounts /openapi.json, /docs (interactive, Scalar), /docs/plain and /problems/:code on the finished app (the
 * document covers every route). Scalar's page loads its UI script from the package's default public CDN, so
 * /docs needs network in the browser; /docs/plain is rendered by the worker and needs none.
 */
export function mountDocs(app: OpenAPIHono<AppEnv>): void {
  let doc: Doc | undefined
  const getDoc = () => {
    doc ??= openApiDocument(app)
    return doc
  }
  app.get('/openapi.json', (c) => c.json(getDoc()))
  app.get(
    '/docs',
    Scalar({ url: '/openapi.json', pageTitle: 'Omega API reference', hideClientButton: false }),
  )
  app.get('/docs/plain', (c) => c.html(plainPage(getDoc())))
  app.get('/problems/:code', (c) => {
    const code = c.req.param('code')
    if (!Object.hasOwn(PROBLEMS, code)) throw new ApiError('not_found', `no problem type '${code}'`)
    const known = code as ProblemCode
    if (wantsHtml(c.req.header('accept'))) return c.html(problemPage(known))
    const [status, title] = PROBLEMS[known]
    const { explanation, remedy } = PROBLEM_DOCS[known]
    return c.json({
      type: `/problems/${known}`,
      status,
      title,
      explanation,
      remedy,
      example: problemExample(known),
    })
  })
}
