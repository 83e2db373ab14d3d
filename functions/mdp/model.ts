// The failover MDP: states (health of the node hosting the replica, takeover replica in place), actions, costs
// and transitions, shaped by the failover strategy (docs/control.md, "Failover").
import { MdpError } from './errors.ts'
import { checkTransitions, HEALTH, type Health } from './learn.ts'

export type FailoverAction = 'stay' | 'migrate' | 'add_replica'
export const ACTIONS: readonly FailoverAction[] = ['stay', 'migrate', 'add_replica']
export type FailoverStrategy = 'active_passive' | 'active_active' | 'n_plus_1'

export interface FailoverCosts {
  /** Per step of full outage. */
  downtime: number
  /** Per step of degraded service. */
  degraded: number
  /** Per migration, and per replica started (add_replica, a spare rebuilt after n_plus_1 used it). */
  migrate: number
  /** Per step a takeover replica (standby, extra replica, spare) runs. */
  replica: number
}

export const DEFAULT_COSTS: FailoverCosts = { downtime: 100, degraded: 20, migrate: 15, replica: 5 }

/** Fraction of a step a standby (active_passive) or a spare (n_plus_1) needs to take over. */
export const DEFAULT_SWITCHOVER = 0.5

/** A state: the hosting node's health and whether a takeover replica is in place. */
export interface FailoverState {
  health: Health
  protected: boolean
}

/** States in index order: health-major, unprotected before protected. */
export const STATES: readonly FailoverState[] = HEALTH.flatMap((health) => [
  { health, protected: false },
  { health, protected: true },
])
export const stateIndex = (h: Health, protectedNow: boolean) => HEALTH.indexOf(h) * 2 + (protectedNow ? 1 : 0)

export interface FailoverModel {
  /** cost[s][a]: expected cost of one step in state s under action a. */
  cost: number[][]
  /** next[s][a][s']: transition probabilities. */
  next: number[][][]
}

export interface ModelInput {
  transitions: number[][]
  strategy: FailoverStrategy
  costs?: Partial<FailoverCosts>
  switchover?: number
}

/**
 * Builds the MDP. Per strategy, with a takeover replica in place (protected):
 * - active_passive: a standby; when the host goes down it takes over after `switchover` of a step (that
 *   fraction of the outage is paid), then serves from a healthy node and no standby is left. A degraded host
 *   keeps serving alone (a passive standby takes no load).
 * - active_active: two replicas serve; a degraded or down host costs only its half share, and the survivor
 *   does not move: the down host stays down (its share lost) until the replica is migrated.
 * - n_plus_1: a spare kept at all times; it takes over like a standby, and a new spare is started at once
 *   (a replica start, `migrate`), so the state stays protected.
 * Unprotected, every strategy pays the host's full loss. The standby's or spare's slot is reserved and paid
 * (`replica` per step) even while empty, so losing it saves nothing; active_active pays for its second replica
 * only while it runs. A replica moved by `migrate` or added by
 * `add_replica` starts on a healthy node; the move takes effect from the next step.
 */
export function failoverModel(input: ModelInput): FailoverModel {
  const P = checkTransitions(input.transitions)
  const costs = { ...DEFAULT_COSTS, ...input.costs }
  for (const [k, v] of Object.entries(costs))
    if (!(Number.isFinite(v) && v >= 0))
      throw new MdpError(`${k} must be finite and non-negative`, `/costs/${k}`)
  const sw = input.switchover ?? DEFAULT_SWITCHOVER
  if (!(Number.isFinite(sw) && sw >= 0 && sw <= 1))
    throw new MdpError('switchover is a fraction of a step, in [0, 1]', '/switchover')
  const s = input.strategy
  const rowOf = (h: Health) => P[HEALTH.indexOf(h)] as number[]
  /** The distribution over states: host health from `row`, protection `b`. */
  const dist = (row: number[], b: boolean) => {
    const d = STATES.map(() => 0)
    row.forEach((p, j) => {
      const k = j * 2 + (b ? 1 : 0)
      d[k] = (d[k] as number) + p
    })
    return d
  }
  const loss = (h: Health, b: boolean): number => {
    const full = h === 'down' ? costs.downtime : h === 'degraded' ? costs.degraded : 0
    if (!b || h === 'up') return full
    if (s === 'active_active') return full / 2
    return h === 'down' ? costs.downtime * sw : full
  }
  const cost: number[][] = []
  const next: number[][][] = []
  for (const { health: h, protected: b } of STATES) {
    // a standby's or spare's slot is reserved by the strategy and paid even while empty; active_active pays
    // for its second replica only while it runs
    const here = loss(h, b) + (b || s !== 'active_active' ? costs.replica : 0)
    const takeover = b && h === 'down' && s !== 'active_active'
    if (takeover) {
      // the replica already moved to the standby or spare; n_plus_1 rebuilds its spare at once
      const kept = s === 'n_plus_1'
      const base = here + (kept ? costs.migrate : 0)
      cost.push([base, base + costs.migrate, base + costs.migrate])
      next.push([dist(rowOf('up'), kept), dist(rowOf('up'), kept), dist(rowOf('up'), true)])
      continue
    }
    cost.push([here, here + costs.migrate, here + costs.migrate])
    next.push([dist(rowOf(h), b), dist(rowOf('up'), b), dist(rowOf(h), true)])
  }
  return { cost, next }
}
