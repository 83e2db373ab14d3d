// One holon: state vector against thresholds, torsion over its history, events, refusals, overrides, kernels.
import { enc, get } from './api.ts'
import { barChart, lineChart } from './charts.ts'
import { fill, h, num, table, time } from './dom.ts'
import type { CauseDoc, HistoryItem, HolonInfo, LedgerItem, StateDoc } from './types.ts'

const HISTORY = 200
const LEDGER_TAIL = 200

export interface HolonData {
  info: HolonInfo
  state: StateDoc
  history: HistoryItem[]
  ledger: LedgerItem[]
  /** Root cause of the torsion change over the last 20 events; null when it could not be computed (budget). */
  cause: CauseDoc | null
}

/** The last `HISTORY` events (pages are oldest first after a cursor) and the ledger's tail. */
export async function loadHolon(id: string): Promise<HolonData> {
  const [info, state] = await Promise.all([
    get<HolonInfo>(`/v1/holons/${enc(id)}`),
    get<StateDoc>(`/v1/holons/${enc(id)}/state`),
  ])
  const after = Math.max(0, info.events - HISTORY)
  const from = Math.max(0, info.ledger.size - LEDGER_TAIL)
  const [events, ledger, cause] = await Promise.all([
    get<{ events: HistoryItem[] }>(`/v1/holons/${enc(id)}/events?cursor=${after}&limit=${HISTORY}`),
    get<{ entries: LedgerItem[] }>(`/v1/holons/${enc(id)}/ledger?cursor=${from}&limit=${LEDGER_TAIL}`),
    get<CauseDoc>(`/v1/holons/${enc(id)}/lab/cause`).catch(() => null),
  ])
  return { info, state, history: events.events, ledger: ledger.entries, cause }
}

const verdictBadge = (v: string) => h('span', { class: `badge ${v}` }, v)

export function renderHolon(d: HolonData): void {
  const { info, state } = d
  fill(
    'holon-summary',
    h('h2', { 'data-testid': 'holon-title' }, info.id),
    h(
      'p',
      {},
      `kernel ${info.kernel.id} v${info.kernel_version} · ${info.events} events · ${info.rejections} refusals · `,
      `${info.overrides} overrides · torsion `,
      h('strong', { 'data-testid': 'torsion' }, num(state.torsion, 4)),
      state.admissible
        ? h('span', { class: 'badge admit' }, 'admissible')
        : h('span', { class: 'badge reject' }, 'violating'),
    ),
  )
  const thresholds = state.dimensions.map((name) => info.kernel.invariants[name]?.threshold ?? 0)
  barChart('chart-state', state.dimensions, state.state_vector, thresholds)
  const hist = d.history
  lineChart(
    'chart-torsion',
    hist.map((e) => Date.parse(e.committed_at) / 1000),
    [{ label: 'torsion', values: hist.map((e) => e.torsion) }],
  )
  fill(
    'events',
    table(
      ['seq', 'event', 'verdict', 'torsion', 'kernel', 'at'],
      hist
        .slice(-15)
        .reverse()
        .map((e) => [
          e.seq,
          e.event.id,
          verdictBadge(e.verdict),
          num(e.torsion, 4),
          `v${e.kernel_version}`,
          time(e.committed_at),
        ]),
      'events-table',
    ),
  )
  fill(
    'overrides',
    table(
      ['seq', 'event', 'actor', 'reason', 'torsion'],
      hist
        .filter((e) => e.override)
        .reverse()
        .map((e) => [e.seq, e.event.id, e.override?.actor, e.override?.reason, num(e.torsion, 4)]),
    ),
  )
  const refusals = d.ledger.filter((x) => x.entry.kind === 'event.rejected')
  fill(
    'refusals',
    h(
      'p',
      { class: 'muted' },
      `${info.rejections} in all; those among the last ${LEDGER_TAIL} ledger entries:`,
    ),
    table(
      ['ledger', 'event', 'torsion', 'violations', 'at'],
      refusals.reverse().map((x) => {
        const data = x.entry.data as { event?: { id?: string }; torsion?: number; violations?: string[] }
        return [
          x.index,
          data.event?.id,
          num(data.torsion, 4),
          (data.violations ?? []).join(', '),
          time(x.entry.at),
        ]
      }),
      'refusals-table',
    ),
  )
  renderCause(d.cause)
  const kernels = d.ledger.filter(
    (x) => x.entry.kind.startsWith('kernel.') || x.entry.kind === 'holon.created',
  )
  const versions = [...new Set(hist.map((e) => e.kernel_version))].sort((a, b) => a - b)
  fill(
    'kernels',
    h(
      'p',
      {},
      `active v${info.kernel_version}, digest `,
      h('code', {}, info.kernel_digest.slice(0, 16)),
      info.pending_kernel ? ` · v${info.pending_kernel.version} rebuilding` : '',
      versions.length
        ? ` · versions gating the last ${hist.length} events: ${versions.map((v) => `v${v}`).join(', ')}`
        : '',
    ),
    table(
      ['ledger', 'change', 'version', 'at'],
      kernels.map((x) => [
        x.index,
        x.entry.kind,
        `v${String(x.entry.data.kernel_version ?? x.entry.data.version ?? '?')}`,
        time(x.entry.at),
      ]),
    ),
  )
}

/** The torsion change over the last events, the invariants that moved it and the events that caused it most. */
function renderCause(c: CauseDoc | null): void {
  if (!c) {
    fill('cause', h('p', { class: 'muted' }, 'unavailable (see GET …/lab/cause)'))
    return
  }
  const moved = c.invariants.filter((i) => i.weighted_delta !== 0)
  const top = [...c.events].sort((a, b) => Math.abs(b.shapley) - Math.abs(a.shapley)).slice(0, 5)
  fill(
    'cause',
    h(
      'p',
      {},
      `ledger (${c.from}, ${c.to}]: torsion ${num(c.torsion_before, 4)} → ${num(c.torsion_after, 4)} (${c.method} Shapley)`,
      moved.length ? ` · ${moved.map((i) => `${i.name} ${num(i.weighted_delta, 4)}`).join(', ')}` : '',
    ),
    table(
      ['ledger', 'event', 'share of the change'],
      top.map((e) => [e.index, e.event_id, num(e.shapley, 4)]),
      'cause-table',
    ),
  )
}
