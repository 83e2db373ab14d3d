// Predict and optimise one workload's replica count: a forecast chosen by backtest, then receding-horizon MPC.
import type { OrchestrationStrategy } from '../../schemas/orchestration-strategy.ts'
import type { OrchestratorSettings, Workload } from '../../schemas/orchestrator.ts'
import { type Forecast, forecast, forecastBudget, minimumLength } from '../forecast/index.ts'
import { type MpcPlan, solveMpc } from '../mpc/index.ts'

/** The metrics a strategy's `target_metrics` may name, and what each sets. */
export const TARGET_METRICS = {
  utilisation:
    'target utilisation of a replica in (0, 1]: capacity per replica = replica.capacity x target / sla.target_utilisation',
  requests_per_replica: 'requests per second one replica should serve',
} as const

export class StrategyError extends Error {
  override name = 'StrategyError'
  readonly pointer: string
  constructor(pointer: string, message: string) {
    super(message)
    this.pointer = pointer
  }
}

/** Refuses target metrics the orchestrator cannot act on, so a strategy never carries an ignored field. */
export function checkStrategy(s: OrchestrationStrategy, pointer: string): void {
  s.scaling_policy.target_metrics.forEach((m, i) => {
    const at = `${pointer}/scaling_policy/target_metrics/${i}`
    if (!(m.metric in TARGET_METRICS))
      throw new StrategyError(
        `${at}/metric`,
        `unknown metric '${m.metric}': one of ${Object.keys(TARGET_METRICS).join(', ')}`,
      )
    if (m.metric === 'utilisation' && !(m.target > 0 && m.target <= 1))
      throw new StrategyError(`${at}/target`, 'a utilisation target is in (0, 1]')
    if (m.metric === 'requests_per_replica' && !(m.target > 0))
      throw new StrategyError(`${at}/target`, 'requests per replica must be positive')
  })
}

/** Requests per second one replica serves under the strategy's targets. */
export function perReplica(w: Workload, s: OrchestrationStrategy): number {
  let rate = w.replica.capacity
  for (const m of s.scaling_policy.target_metrics) {
    if (m.metric === 'utilisation') rate = (w.replica.capacity * m.target) / w.sla.target_utilisation
    if (m.metric === 'requests_per_replica') rate = m.target
  }
  return rate
}

/** Replicas added on top of what demand needs, for the redundancy level. */
export function withRedundancy(
  n: number,
  level: OrchestrationStrategy['resilience_policy']['redundancy_level'],
): number {
  switch (level) {
    case 'none':
      return n
    case 'n_plus_1':
      return n + 1
    case 'n_plus_2':
      return n + 2
    case 'quorum': {
      const q = Math.max(3, n)
      return q % 2 === 1 ? q : q + 1
    }
  }
}

/** The forecast over the horizon (within the forecast budget of one request): with the season when the history covers it, else without, else none yet. */
export function forecastFor(
  series: readonly number[],
  settings: Pick<OrchestratorSettings, 'horizon' | 'season' | 'level'>,
): Forecast | null {
  const period = [settings.season, 1].find(
    (m) => series.length >= minimumLength({ horizon: settings.horizon, period: m }),
  )
  return period === undefined
    ? null
    : forecast(series, { horizon: settings.horizon, period, level: settings.level }, forecastBudget())
}

export interface Scaled {
  method: 'predictive' | 'reactive' | 'manual'
  forecast: Forecast | null
  mpc: MpcPlan
  /** replicas demand needs now (MPC's u_1), before redundancy */
  next: number
}

export function scale(
  w: Workload,
  s: OrchestrationStrategy,
  series: readonly number[],
  current: number,
  sinceChange: number,
  capacityMax: number,
  settings: OrchestratorSettings,
): Scaled {
  const policy = s.scaling_policy
  const last = series.length > 0 ? (series[series.length - 1] as number) : 0
  const f = policy.method !== 'reactive' ? forecastFor(series, settings) : null
  const cooldown = Math.ceil(policy.cooldown_seconds / settings.tick_seconds)
  const flat = new Array<number>(settings.horizon).fill(last)
  const mpc = solveMpc({
    demand: f ? f.point : flat,
    upper: f ? f.upper : flat,
    robust: f !== null,
    per_replica: perReplica(w, s),
    current,
    min: policy.min_replicas,
    max: policy.max_replicas,
    capacity_max: Math.max(policy.min_replicas, capacityMax),
    cooldown_steps: cooldown,
    // never changed (or long ago) is as free as the cooldown allows
    since_change: Math.min(sinceChange, cooldown),
    lambda: settings.lambda,
    replica_cost: settings.replica_cost,
    sla_penalty: settings.sla_penalty,
  })
  // a replica started now serves only after the start-up delay: scale up now for the need until then, scale
  // down only as far as the need now allows (stopping is immediate)
  const lead = mpc.replicas.slice(0, Math.min(settings.startup_steps, settings.horizon - 1) + 1)
  return { method: policy.method, forecast: f, mpc, next: Math.max(mpc.next, ...lead) }
}
