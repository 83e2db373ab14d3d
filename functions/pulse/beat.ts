// One beat of a holon's pulse: T_Lambda -> PID -> entropy model -> genome -> cores -> Arbiter -> quarantine.
import type { Evaluation } from '../../schemas/evaluation.ts'
import type { BeatSnapshot, Genome, KairosReading, PulseConfig } from '../../schemas/pulse.ts'
import { decide, THREAT_ALERT } from './arbiter.ts'
import { type Dimension, expectedGain, instability, nearThreshold, regen } from './cores.ts'
import { type AnomalyFeatures, anomaliesOf, type EntropyModel, learn, threatOf } from './entropy-model.ts'
import { PulseConfigError } from './errors.ts'
import { type ActiveCores, activeCount, E_THREAT_ONSET, evolveGenome, GENOME_START } from './genome.ts'
import { pidStable } from './lyapunov.ts'
import { type PeerAlert, peerAlertScore } from './peer-alerts.ts'
import { PID_START, type PidState, pidStep } from './pid.ts'
import { ML_WEIGHT_BOUNDS, shareModel } from './share.ts'
import { loadFactor, tLambda } from './t-lambda.ts'

/** Everything a beat carries over to the next one (stored as JSON with the beat counter). */
export interface PulseMemory {
  pid: PidState
  genome: Genome
  model: EntropyModel
  /** beat at which the threat last rose above 0.5; null while it is at or below */
  episode: number | null
  quarantine: { active: boolean; quiet: number }
  /** the previous beat's input and prediction, labelled by what this beat observes */
  prediction: { anomalies: number; threat: number } | null
  /** state vectors of the last beats (Balance core) */
  recent: number[][]
  /** PID errors of the last balance_window beats (pid_stable); absent in rows stored before issue 11 */
  errors?: number[]
  /** the last peer alert counted (the registry's alert id); null: none yet, start from the next beat's */
  peer_alert_id?: number | null
  /** the previous beat's time (the load is measured since then) */
  last_at?: string | null
}

export const initialMemory = (c: PulseConfig): PulseMemory => ({
  pid: PID_START,
  genome: GENOME_START,
  model: { w: c.ml_weight, b: c.bias },
  episode: null,
  quarantine: { active: false, quiet: 0 },
  prediction: null,
  recent: [],
  errors: [],
  peer_alert_id: null,
  last_at: null,
})

export interface BeatInputs {
  beat: number
  at: string
  /** P of T_Lambda: p_nodes, or 1 + the live peers the federation node reports, or 5 (see `nodesOf`) */
  peers: number
  /** the holon's current state */
  evaluation: Evaluation
  dims: readonly Dimension[]
  /** what the gate saw since the previous beat; `events` committed (the load counts them with rejections) */
  since: { violations: number; rejections: number; overrides: number; events: number }
  kairos: KairosReading
  /** verified peer ALERT / QUARANTINE alerts received since the previous beat, with their kernel weight */
  peer_alerts: readonly PeerAlert[]
  /** the registry's last alert id the beat has looked at (stored in memory: the next beat starts after it) */
  peer_alert_id: number | null
  /** the entropy model weights w the peers published (empty: nothing to share) */
  peer_ml_weights: readonly number[]
}

export interface BeatOutcome {
  snapshot: BeatSnapshot
  memory: PulseMemory
  /** the quarantine switched on or off at this beat */
  quarantineChanged: boolean
}

/** Cores of a stored config (configs stored before issue 11 have none: all four). */
const coresOf = (c: PulseConfig): ActiveCores => c.cores ?? { R: true, B: true, E: true, O: true }

/** k of T_Lambda: k_flows when set, else the number of active cores. */
export const flowsOf = (c: PulseConfig): number => c.k_flows ?? activeCount(coresOf(c))

/**
 * Checks a configuration against the formulas; throws PulseConfigError. T_Lambda needs k P > 1 for every
 * P the holon may see: p_nodes when fixed, else down to 1 (a node reporting no peers), so a beat never
 * meets a configuration it cannot compute. O needs another active core to share the genome with.
 */
export function checkConfig(c: PulseConfig): number {
  const cores = coresOf(c)
  if (activeCount(cores) === 0) throw new PulseConfigError('/cores', 'at least one core must be active')
  if (cores.O && !cores.R && !cores.B && !cores.E)
    throw new PulseConfigError(
      '/cores',
      'O cannot be the only active core: the genome weights share 1 with O',
    )
  const k = flowsOf(c)
  if (!(k * (c.p_nodes ?? 1) > 1)) {
    const pointer = c.k_flows !== undefined ? '/k_flows' : '/cores'
    const why = c.p_nodes === undefined ? ' (P is 1 when the node reports no peers: set p_nodes)' : ''
    throw new PulseConfigError(pointer, `T_Lambda needs k P > 1 (k = ${k}, P = ${c.p_nodes ?? 1})${why}`)
  }
  return tLambda({ k, p: c.p_nodes ?? 1, t1: c.t1, u: c.u })
}

/** Events + refusals per second since the previous beat (one period when there is none). */
function loadOf(c: PulseConfig, m: PulseMemory, x: BeatInputs): number {
  const since = m.last_at ? (Date.parse(x.at) - Date.parse(m.last_at)) / 1000 : Number.NaN
  const seconds = since > 0 ? since : c.period_ms / 1000
  return (x.since.events + x.since.rejections) / seconds
}

export function runBeat(c: PulseConfig, m: PulseMemory, x: BeatInputs): BeatOutcome {
  const on = coresOf(c)
  const k = flowsOf(c)
  const load = loadOf(c, m, x)
  const u = loadFactor({ u_source: c.u_source ?? 'fixed', u: c.u, u_scale: c.u_scale ?? 1 }, load)
  const t = tLambda({ k, p: x.peers, t1: c.t1, u })
  const error = t - c.t_threshold
  const pid = pidStep(m.pid, error)
  const errors = [...(m.errors ?? []), error].slice(-c.balance_window)

  const ev = x.evaluation
  const features: AnomalyFeatures = {
    violations: ev.violations.length + x.since.violations,
    rejections: x.since.rejections,
    overrides: x.since.overrides,
    near_threshold: nearThreshold(ev.state_vector, x.dims, c.near_margin),
    peer_alerts: peerAlertScore(x.peer_alerts),
  }
  const happened = x.since.rejections > 0 || x.since.overrides > 0 || ev.torsion > 0
  const learnt =
    on.E && m.prediction
      ? learn(m.model, m.prediction.anomalies, m.prediction.threat, happened, c.learning_rate)
      : m.model
  const model =
    c.share_model && on.E
      ? {
          ...learnt,
          w: shareModel(learnt.w, x.peer_ml_weights, { share_bound: c.share_bound, ...ML_WEIGHT_BOUNDS }),
        }
      : learnt
  const anomalies = anomaliesOf(features)
  // An inactive core outputs nothing: no threat without the Entropy core, and so no ALERT or QUARANTINE.
  const threat = on.E ? threatOf(model, anomalies) : 0
  const episode = threat > E_THREAT_ONSET ? (m.episode ?? x.beat) : null
  const genome = evolveGenome(m.genome, pid.output, threat, episode === null ? 0 : x.beat - episode, on)

  const sameDims = m.recent.every((v) => v.length === ev.state_vector.length)
  const recent = [...(sameDims ? m.recent : []), [...ev.state_vector]].slice(-c.balance_window)
  const r = on.R ? regen(ev.violations) : { urgency: 0, cost: 0, recommendations: [] }
  const cores = {
    regen: r,
    balance: { instability: on.B ? instability(recent) : 0 },
    entropy: { anomalies, features, threat },
    optimize: {
      gain: on.O ? expectedGain(ev.state_vector, x.dims, ev.violations.length > 0 || !ev.admissible) : 0,
    },
  }
  const { decision, weighted } = decide(
    { urgency: r.urgency, instability: cores.balance.instability, threat, gain: cores.optimize.gain },
    genome,
  )

  let quarantine = m.quarantine
  if (decision === 'QUARANTINE') quarantine = { active: true, quiet: 0 }
  else if (quarantine.active) {
    const quiet = threat < THREAT_ALERT ? quarantine.quiet + 1 : 0
    quarantine = quiet >= c.recovery_beats ? { active: false, quiet } : { active: true, quiet }
  }

  const snapshot: BeatSnapshot = {
    beat: x.beat,
    at: x.at,
    state_vector: [...ev.state_vector],
    torsion: ev.torsion,
    peers: x.peers,
    k,
    u,
    load,
    t_lambda: t,
    error,
    pid: {
      p: pid.p,
      i: pid.i,
      d: pid.d,
      output: pid.output,
      integral: pid.state.integral,
      v: error * error,
      stable: pidStable(errors, c.balance_window),
    },
    genome,
    cores,
    weighted,
    decision,
    model,
    quarantine: { active: quarantine.active, quiet_beats: quarantine.quiet },
    kairos: x.kairos,
  }
  return {
    snapshot,
    memory: {
      pid: pid.state,
      genome,
      model,
      episode,
      quarantine,
      prediction: on.E ? { anomalies, threat } : null,
      recent,
      errors,
      peer_alert_id: x.peer_alert_id,
      last_at: x.at,
    },
    quarantineChanged: quarantine.active !== m.quarantine.active,
  }
}
