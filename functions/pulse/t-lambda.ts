// The T_Lambda pulse (VENOM seed): T1 * ln(U) / (1 - 1/(k P)) for k P > 1, bounded below by 1e-6.
import { PulseConfigError } from './errors.ts'

const T_LAMBDA_MIN = 1e-6

export interface TLambdaParams {
  /** parallel flows */
  k: number
  /** live peer nodes known to the holon, itself included (1 when alone) */
  p: number
  t1: number
  u: number
}

export function tLambda({ k, p, t1, u }: TLambdaParams): number {
  if (!(k * p > 1)) throw new PulseConfigError('/k_flows', `T_Lambda needs k P > 1 (k = ${k}, P = ${p})`)
  if (!(u > 1)) throw new PulseConfigError('/u', 'T_Lambda needs U > 1 (ln U > 0)')
  return Math.max(T_LAMBDA_MIN, (t1 * Math.log(u)) / (1 - 1 / (k * p)))
}
