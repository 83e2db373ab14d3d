// Tiny DOM helpers: elements built with textContent only, so data from the server is never parsed as HTML.
type Child = Node | string | number | null | undefined | false

export function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v)
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c)
  return el
}

export const $ = (id: string): HTMLElement => {
  const el = document.getElementById(id)
  if (!el) throw new Error(`no element #${id}`)
  return el
}

export function fill(id: string, ...children: Child[]): HTMLElement {
  const el = $(id)
  el.replaceChildren()
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c)
  return el
}

/** A table with a header row; cells are text or nodes. */
export function table(head: string[], rows: Child[][], testid?: string): HTMLElement {
  const t = h('table', testid ? { 'data-testid': testid } : {})
  t.append(h('thead', {}, h('tr', {}, ...head.map((x) => h('th', {}, x)))))
  const body = h('tbody')
  for (const r of rows) body.append(h('tr', {}, ...r.map((c) => h('td', {}, c))))
  if (rows.length === 0)
    body.append(h('tr', {}, h('td', { colspan: String(head.length), class: 'muted' }, 'none')))
  t.append(body)
  return t
}

export const num = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x.toFixed(digits)).toString()

export const time = (iso: string) => new Date(iso).toLocaleTimeString()
