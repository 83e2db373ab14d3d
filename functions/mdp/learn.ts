// Node-health transition probabilities learned from observed histories: counts plus a symmetric Dirichlet prior.
import { MdpError } from './errors.ts'

export type Health = 'up' | 'degraded' | 'down'
export const HEALTH: readonly Health[] = ['up', 'degraded', 'down']

const index = (h: Health, at: string): number => {
  const i = HEALTH.indexOf(h)
  if (i < 0) throw new MdpError(`'${String(h)}' is not a health state (up, degraded, down)`, at)
  return i
}

/**
 * The posterior mean of each row under a symmetric Dirichlet(prior) prior: (count(i -> j) + prior) /
 * (count(i -> .) + 3 prior), from every consecutive pair of each node's history. A row with neither
 * observations nor prior (prior 0) says nothing, and is taken as uniform.
 */
export function learnTransitions(sequences: readonly (readonly Health[])[], prior = 1): number[][] {
  if (!(Number.isFinite(prior) && prior >= 0))
    throw new MdpError('the prior must be finite and non-negative', '/prior')
  const counts = HEALTH.map(() => HEALTH.map(() => 0))
  sequences.forEach((seq, s) => {
    for (let t = 1; t < seq.length; t++) {
      const from = index(seq[t - 1] as Health, `/history/${s}/${t - 1}`)
      const to = index(seq[t] as Health, `/history/${s}/${t}`)
      ;(counts[from] as number[])[to] = ((counts[from] as number[])[to] as number) + 1
    }
    if (seq.length === 1) index(seq[0] as Health, `/history/${s}/0`)
  })
  return counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0) + prior * row.length
    return total === 0 ? row.map(() => 1 / row.length) : row.map((c) => (c + prior) / total)
  })
}

/** Row sums within this of 1 are accepted (JSON-rounded probabilities) and then renormalised exactly. */
export const ROW_TOLERANCE = 1e-6

/** A 3x3 row-stochastic matrix over (up, degraded, down), renormalised; refuses anything else with a pointer. */
export function checkTransitions(m: readonly (readonly number[])[]): number[][] {
  if (m.length !== 3)
    throw new MdpError(`expected 3 rows (up, degraded, down), got ${m.length}`, '/transitions')
  return m.map((row, i) => {
    if (row.length !== 3)
      throw new MdpError(`row ${i} has ${row.length} entries, expected 3`, `/transitions/${i}`)
    const j = row.findIndex((x) => !(Number.isFinite(x) && x >= 0 && x <= 1))
    if (j >= 0) throw new MdpError('probabilities lie in [0, 1]', `/transitions/${i}/${j}`)
    const sum = row.reduce((a, b) => a + b, 0)
    if (Math.abs(sum - 1) > ROW_TOLERANCE)
      throw new MdpError(`row ${i} sums to ${sum}, not 1`, `/transitions/${i}`)
    return row.map((x) => x / sum)
  })
}
