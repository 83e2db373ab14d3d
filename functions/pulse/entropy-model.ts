// The entropy model (VENOM seed: Linear(1, 1) + sigmoid): threat = sigmoid(w * anomalies + b), learnt online.

export interface EntropyModel {
  w: number
  b: number
}

export interface AnomalyFeatures {
  /** violated invariants of the current state plus those of every event committed or refused this beat */
  violations: number
  rejections: number
  overrides: number
  /** invariants scoring within the near margin above their threshold */
  near_threshold: number
  /** verified peer alerts since the last beat, weighted (see peer-alerts.ts) */
  peer_alerts: number
}

export const anomaliesOf = (f: AnomalyFeatures): number =>
  f.violations + f.rejections + f.overrides + f.near_threshold + f.peer_alerts

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))

export const threatOf = (m: EntropyModel, anomalies: number): number => sigmoid(m.w * anomalies + m.b)

/**
 * One step of logistic-regression SGD on the previous beat's prediction: the label is what happened
 * next (1 when the following beat saw a refusal, an override, or ended with torsion > 0). The gradient
 * of the log-loss is (y - p) * [anomalies, 1]; w stays >= 0 so more anomalies never mean less threat.
 */
export function learn(
  m: EntropyModel,
  anomalies: number,
  predicted: number,
  happened: boolean,
  rate: number,
) {
  const g = (happened ? 1 : 0) - predicted
  return { w: Math.max(0, m.w + rate * g * anomalies), b: m.b + rate * g }
}
