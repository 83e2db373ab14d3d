// The T_Lambda pulse (VENOM seed): T1 * ln(U) / (1 - 1/(k P)) for k P > 1, bounded below by 1e-6.
import { PulseConfigError } from './errors.ts'

const T_LAMBDA_MIN = 1e-6

export interface TLambdaParams {
  /** parallel flows */
  k: number
  /** nodes: p_nodes, or 1 + the live peers the federation node reports, or the seed's 5 (see `nodesOf`) */
  p: number
  t1: number
  /** the load factor: u (the seed's e^4), or 1 + u_scale x the measured load (see `loadFactor`) */
  u: number
}

export function tLambda({ k, p, t1, u }: TLambdaParams): number {
  if (!(k * p > 1)) throw new PulseConfigError('/k_flows', `T_Lambda needs k P > 1 (k = ${k}, P = ${p})`)
  // U = 1 (an idle holon under u_source "load") gives ln U = 0: T_Lambda takes its lower bound.
  if (!(u >= 1)) throw new PulseConfigError('/u', 'T_Lambda needs U >= 1 (ln U >= 0)')
  return Math.max(T_LAMBDA_MIN, (t1 * Math.log(u)) / (1 - 1 / (k * p)))
}

/** The seed's P when no peer count is known. */
export const SEED_NODES = 5

/** P: fixed when configured; else 1 + live peers when a node reported (0 peers: alone, P = 1); else the seed's 5. */
export const nodesOf = (pNodes: number | undefined, livePeers: number | null): number =>
  pNodes ?? (livePeers === null ? SEED_NODES : 1 + livePeers)

/** U: the configured u, or 1 + u_scale x load (events + refusals per second since the previous beat). */
export const loadFactor = (
  c: { u_source: 'fixed' | 'load'; u: number; u_scale: number },
  load: number,
): number => (c.u_source === 'load' ? 1 + c.u_scale * Math.max(0, Number.isFinite(load) ? load : 0) : c.u)
