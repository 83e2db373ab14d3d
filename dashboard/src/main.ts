// The dashboard page: token, holon list, one holon's views, live updates. Reads only (see api.ts).
import { ApiFailure, enc, get, token, Unauthorized } from './api.ts'
import { $, fill, h, num, time } from './dom.ts'
import { renderFederation } from './federation-view.ts'
import { loadHolon, renderHolon } from './holon-view.ts'
import { renderLedger, verifyInBrowser } from './ledger-view.ts'
import { type Live, type LiveMessage, subscribe } from './live.ts'
import { renderPulse } from './pulse-view.ts'
import { renderTopologies } from './topology-view.ts'

let current: string | null = null
let live: Live | null = null

function report(e: unknown): void {
  if (e instanceof Unauthorized) {
    fill('status', h('span', { class: 'invalid' }, 'This deployment needs the read token: type it above.'))
    $('token').focus()
  } else {
    const what = e instanceof ApiFailure ? `${e.status}: ${e.message}` : String((e as Error).message ?? e)
    fill('status', h('span', { class: 'invalid' }, what))
  }
}

async function listHolons(after = ''): Promise<void> {
  const page = await get<{ holons: { id: string }[]; next_after: string | null }>(
    `/v1/holons?limit=100${after ? `&after=${enc(after)}` : ''}`,
  )
  const ul = after ? $('holon-list') : fill('holon-list')
  $('holons-more').hidden = page.next_after === null
  $('holons-more').onclick = () => void listHolons(page.next_after ?? '').catch(report)
  for (const { id } of page.holons) {
    const a = h('a', { href: `#holon=${enc(id)}`, 'data-holon': id }, id)
    ul.append(h('li', {}, a))
  }
  if (!current && page.holons[0]) await select(hashHolon() ?? page.holons[0].id)
}

const hashHolon = () => {
  const m = /holon=([^&]+)/.exec(location.hash)
  return m ? decodeURIComponent(m[1] as string) : null
}

/** Re-reads the holon's documents and redraws; the live channel and the poller both land here. */
async function refresh(
  parts: { holon?: boolean; pulse?: boolean } = { holon: true, pulse: true },
): Promise<void> {
  const id = current
  if (!id) return
  if (parts.holon) {
    const d = await loadHolon(id)
    if (id !== current) return
    renderHolon(d)
    await renderLedger(id, d.ledger)
  }
  if (parts.pulse) await renderPulse(id)
  fill('updated', `updated ${new Date().toLocaleTimeString()}`)
}

/** Coalesces bursts (a batch commit sends one message per event) into one redraw per kind. */
const pending = { holon: false, pulse: false }
let flush: ReturnType<typeof setTimeout> | null = null
function schedule(part: 'holon' | 'pulse'): void {
  pending[part] = true
  if (flush !== null) return
  flush = setTimeout(() => {
    const parts = { ...pending }
    pending.holon = pending.pulse = false
    flush = null
    void refresh(parts).catch(report)
  }, 250)
}

function onLive(m: LiveMessage): void {
  if (m.type === 'hello' || m.type === 'pong') return
  const text =
    m.type === 'commit'
      ? `commit ${m.event_id} (${m.verdict}, torsion ${num(m.torsion)})`
      : m.type === 'beat'
        ? `beat ${m.beat}: ${m.decision}, threat ${num(m.threat)}`
        : `refusal ${m.event_id} (torsion ${num(m.torsion)})`
  const feed = $('live-feed')
  feed.prepend(h('li', { class: m.type }, `${time(m.at)} ${text}`))
  while (feed.childElementCount > 20) feed.lastElementChild?.remove()
  schedule(m.type === 'beat' ? 'pulse' : 'holon')
}

async function select(id: string): Promise<void> {
  current = id
  for (const a of document.querySelectorAll('#holon-list a'))
    a.classList.toggle('active', a.getAttribute('data-holon') === id)
  live?.stop()
  fill('live-feed')
  live = subscribe(
    id,
    onLive,
    () => refresh(),
    (mode) => fill('live-mode', mode),
  )
  await refresh()
  await renderFederation(id)
}

async function boot(): Promise<void> {
  fill('status')
  await listHolons()
  if (!current) await renderFederation(null)
  await renderTopologies()
}

function init(): void {
  const input = $('token') as HTMLInputElement
  $('token-form').onsubmit = (ev) => {
    ev.preventDefault()
    token.set(input.value.trim())
    input.value = ''
    fill('token-state', token.get() ? 'token set for this tab' : 'no token')
    current = null
    void boot().catch(report)
  }
  fill('token-state', token.get() ? 'token set for this tab' : 'no token')
  $('verify').onclick = () => current && void verifyInBrowser(current)
  window.onhashchange = () => {
    const id = hashHolon()
    if (id && id !== current) void select(id).catch(report)
  }
  void boot().catch(report)
}

init()
