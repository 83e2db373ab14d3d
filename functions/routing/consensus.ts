// Geometric consensus: votes weighted by exp(-kappa * d(voter, proposal)), tallied against a quorum.
import { distance, type Point } from '../geometry/index.ts'

type Vote = 'yes' | 'no' | 'abstain' | null

export interface Voter {
  id: string
  coords: Point
  vote: Vote
}

export interface ConsensusOptions {
  kappa: number
  /** Fraction of the total weight that must have voted (yes, no or abstain). */
  quorum: number
  /** The proposal passes when yes / (yes + no) exceeds this. */
  threshold: number
}

export interface ConsensusResult {
  weights: { id: string; vote: Vote; distance: number; weight: number; relative_weight: number }[]
  tally: { yes: number; no: number; abstain: number; not_voted: number; total: number }
  participation: number
  quorum_met: boolean
  approval: number | null
  result: 'accepted' | 'rejected' | 'no_quorum'
}

/**
 * d is the distance for curvature -kappa and weight = exp(-kappa d), as the MOM seed writes it. The tally
 * uses weights relative to the largest one (exp(-kappa (d - d_min))): the same ratios, no underflow when
 * every voter is far from the proposal.
 */
export function consensus(voters: readonly Voter[], proposal: Point, o: ConsensusOptions): ConsensusResult {
  const ds = voters.map((v) => distance(v.coords, proposal, o.kappa))
  const dMin = Math.min(...ds)
  const weights = voters.map((v, i) => {
    const d = ds[i] as number
    return {
      id: v.id,
      vote: v.vote,
      distance: d,
      weight: Math.exp(-o.kappa * d),
      relative_weight: Math.exp(-o.kappa * (d - dMin)),
    }
  })
  const tally = { yes: 0, no: 0, abstain: 0, not_voted: 0, total: 0 }
  for (const w of weights) {
    tally[w.vote ?? 'not_voted'] += w.relative_weight
    tally.total += w.relative_weight
  }
  const participation = tally.total > 0 ? (tally.total - tally.not_voted) / tally.total : 0
  const quorumMet = participation >= o.quorum
  const decided = tally.yes + tally.no
  const approval = decided > 0 ? tally.yes / decided : null
  const result = !quorumMet
    ? 'no_quorum'
    : approval !== null && approval > o.threshold
      ? 'accepted'
      : 'rejected'
  return { weights, tally, participation, quorum_met: quorumMet, approval, result }
}
