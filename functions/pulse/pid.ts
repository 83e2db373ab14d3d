// The genomic PID (VENOM seed): Kp 0.6, Ki 0.1, Kd 0.05, anti-windup clamp [-1, 1], epsilon reset 1e-4.

const PID_GAINS = { kp: 0.6, ki: 0.1, kd: 0.05 } as const
const INTEGRAL_BOUND = 1
export const EPSILON_RESET = 1e-4

export interface PidState {
  integral: number
  /** error of the previous step; null before the first one (no derivative kick on start) */
  prev: number | null
}

export interface PidStep {
  p: number
  i: number
  d: number
  output: number
  state: PidState
}

export const PID_START: PidState = { integral: 0, prev: null }

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))

/** One step on `error` with time step `dt` (one beat = 1): the integral is clamped, then reset near zero error. */
export function pidStep(state: PidState, error: number, dt = 1, gains = PID_GAINS): PidStep {
  let integral = clamp(state.integral + error * dt, -INTEGRAL_BOUND, INTEGRAL_BOUND)
  if (Math.abs(error) < EPSILON_RESET) integral = 0
  const derivative = state.prev === null ? 0 : (error - state.prev) / dt
  const p = gains.kp * error
  const i = gains.ki * integral
  const d = gains.kd * derivative
  return { p, i, d, output: p + i + d, state: { integral, prev: error } }
}
