// The pulse: T_Lambda, PID, genome, threat and the Arbiter's decisions; KAIROS coherence over time.
import { enc, get } from './api.ts'
import { lineChart } from './charts.ts'
import { fill, h, num, table, time } from './dom.ts'
import type { Beat, PulseDoc } from './types.ts'

/** The window drawn: the last 30 minutes, or the last 500 beats when beats are faster (pages hold 1000 at most). */
const WINDOW_MS = 30 * 60_000
const WINDOW_BEATS = 500

export async function renderPulse(id: string): Promise<void> {
  const pulse = await get<PulseDoc>(`/v1/holons/${enc(id)}/pulse`)
  // snapshots come oldest first from `from`: a window that fits one page keeps the newest beats in it
  const from = Date.now() - Math.min(WINDOW_MS, WINDOW_BEATS * pulse.config.period_ms)
  const temporal = await get<{ snapshots: Beat[] }>(`/v1/holons/${enc(id)}/temporal?from=${from}&limit=1000`)
  const beats = temporal.snapshots
  const last = pulse.last
  fill(
    'pulse-summary',
    h(
      'p',
      { 'data-testid': 'pulse-status' },
      pulse.running ? `running · beat ${pulse.beat}` : 'stopped',
      last
        ? ` · decision ${last.decision} · threat ${num(last.cores.entropy.threat)} · T_Λ ${num(last.t_lambda, 5)}`
        : '',
      pulse.alert ? h('span', { class: 'badge reject' }, 'ALERT') : '',
      pulse.quarantined ? h('span', { class: 'badge reject' }, 'QUARANTINE') : '',
    ),
  )
  const xs = beats.map((b) => Date.parse(b.at) / 1000)
  const series = (label: string, f: (b: Beat) => number) => ({ label, values: beats.map(f) })
  lineChart('chart-control', xs, [
    series('T_Λ', (b) => b.t_lambda),
    series('PID output', (b) => b.pid.output),
    series('error', (b) => b.error),
  ])
  lineChart('chart-genome', xs, [
    series('R', (b) => b.genome.R),
    series('B', (b) => b.genome.B),
    series('E', (b) => b.genome.E),
    series('O', (b) => b.genome.O),
  ])
  lineChart('chart-threat', xs, [
    series('threat', (b) => b.cores.entropy.threat),
    series('coherence |T_sync|', (b) => b.kairos.sync.abs),
    series('violations', (b) => b.cores.entropy.features.violations),
  ])
  const decisions = beats.filter((b) => b.decision !== 'NONE' || b.kairos.collapse)
  fill(
    'decisions',
    table(
      ['beat', 'decision', 'threat', 'coherence', 'at'],
      decisions
        .slice(-12)
        .reverse()
        .map((b) => [
          b.beat,
          b.decision + (b.kairos.collapse ? ' · collapse' : ''),
          num(b.cores.entropy.threat),
          num(b.kairos.sync.abs),
          time(b.at),
        ]),
    ),
  )
}
