// One beat of a holon's pulse: T_Lambda -> PID -> entropy model -> genome -> cores -> Arbiter -> quarantine.
import type { Evaluation } from '../../schemas/evaluation.ts'
import type { BeatSnapshot, Genome, KairosReading, PulseConfig } from '../../schemas/pulse.ts'
import { decide, THREAT_ALERT } from './arbiter.ts'
import { type Dimension, expectedGain, instability, nearThreshold, regen } from './cores.ts'
import { type AnomalyFeatures, anomaliesOf, type EntropyModel, learn, threatOf } from './entropy-model.ts'
import { E_THREAT_ONSET, evolveGenome, GENOME_START } from './genome.ts'
import { PID_START, type PidState, pidStep } from './pid.ts'
import { tLambda } from './t-lambda.ts'

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
}

export const initialMemory = (c: PulseConfig): PulseMemory => ({
  pid: PID_START,
  genome: GENOME_START,
  model: { w: c.ml_weight, b: c.bias },
  episode: null,
  quarantine: { active: false, quiet: 0 },
  prediction: null,
  recent: [],
})

export interface BeatInputs {
  beat: number
  at: string
  /** live peer nodes known to the holon, itself included */
  peers: number
  /** the holon's current state */
  evaluation: Evaluation
  dims: readonly Dimension[]
  /** what the gate saw since the previous beat */
  since: { violations: number; rejections: number; overrides: number }
  kairos: KairosReading
}

export interface BeatOutcome {
  snapshot: BeatSnapshot
  memory: PulseMemory
  /** the quarantine switched on or off at this beat */
  quarantineChanged: boolean
}

/** Checks a configuration against the formulas (T_Lambda needs k P > 1); throws PulseConfigError. */
export const checkConfig = (c: PulseConfig, peers: number): number =>
  tLambda({ k: c.k_flows, p: peers, t1: c.t1, u: c.u })

export function runBeat(c: PulseConfig, m: PulseMemory, x: BeatInputs): BeatOutcome {
  const t = tLambda({ k: c.k_flows, p: x.peers, t1: c.t1, u: c.u })
  const error = t - c.t_threshold
  const pid = pidStep(m.pid, error)

  const ev = x.evaluation
  const features: AnomalyFeatures = {
    violations: ev.violations.length + x.since.violations,
    rejections: x.since.rejections,
    overrides: x.since.overrides,
    near_threshold: nearThreshold(ev.state_vector, x.dims, c.near_margin),
  }
  const happened = x.since.rejections > 0 || x.since.overrides > 0 || ev.torsion > 0
  const model = m.prediction
    ? learn(m.model, m.prediction.anomalies, m.prediction.threat, happened, c.learning_rate)
    : m.model
  const anomalies = anomaliesOf(features)
  const threat = threatOf(model, anomalies)
  const episode = threat > E_THREAT_ONSET ? (m.episode ?? x.beat) : null
  const genome = evolveGenome(m.genome, pid.output, threat, episode === null ? 0 : x.beat - episode)

  const sameDims = m.recent.every((v) => v.length === ev.state_vector.length)
  const recent = [...(sameDims ? m.recent : []), [...ev.state_vector]].slice(-c.balance_window)
  const r = regen(ev.violations)
  const cores = {
    regen: r,
    balance: { instability: instability(recent) },
    entropy: { anomalies, features, threat },
    optimize: { gain: expectedGain(ev.state_vector, x.dims, ev.violations.length > 0 || !ev.admissible) },
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
    t_lambda: t,
    error,
    pid: { p: pid.p, i: pid.i, d: pid.d, output: pid.output, integral: pid.state.integral },
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
    memory: { pid: pid.state, genome, model, episode, quarantine, prediction: { anomalies, threat }, recent },
    quarantineChanged: quarantine.active !== m.quarantine.active,
  }
}
