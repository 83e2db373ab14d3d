// Brute-force reference for the MPC tests: every count sequence in the bounds, checked and costed from scratch.
import type { MpcProblem } from '../../functions/mpc/index.ts'

export interface Best {
  shortfall: number
  objective: number
  plans: number[][]
}

/** True when the sequence respects the cooldown: each change comes more than `cooldown_steps` after the last. */
export function keepsCooldown(p: MpcProblem, u: readonly number[]): boolean {
  let last = -p.since_change // step index of the last change, counted so that step 1 sees since_change passed
  let prev = p.current
  for (let t = 1; t <= u.length; t++) {
    const x = u[t - 1] as number
    if (x !== prev) {
      const outOfBounds = t === 1 && (prev < p.min || prev > Math.min(p.max, p.capacity_max ?? p.max))
      if (!outOfBounds && t - last - 1 < p.cooldown_steps) return false
      last = t
    }
    prev = x
  }
  return true
}

export function costOf(p: MpcProblem, u: readonly number[]) {
  const d = p.robust ? (p.upper as number[]) : p.demand
  let shortfall = 0
  let objective = 0
  let prev = p.current
  u.forEach((x, t) => {
    const s = Math.max(0, (d[t] as number) - x * p.per_replica) / p.per_replica
    shortfall += s
    objective += p.replica_cost * x + p.sla_penalty * s + p.lambda * (x - prev) ** 2
    prev = x
  })
  return { shortfall, objective }
}

/** The lexicographic optimum (shortfall, then objective) over every admissible sequence, with all tied plans. */
export function bruteForce(p: MpcProblem): Best {
  const lo = p.min
  const hi = Math.min(p.max, p.capacity_max ?? p.max)
  const H = p.demand.length
  const eq = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * (1 + Math.abs(a) + Math.abs(b))
  let best: Best | undefined
  const u: number[] = []
  const walk = () => {
    if (u.length === H) {
      if (!keepsCooldown(p, u)) return
      const c = costOf(p, u)
      if (
        !best ||
        (!eq(c.shortfall, best.shortfall) && c.shortfall < best.shortfall) ||
        (eq(c.shortfall, best.shortfall) && !eq(c.objective, best.objective) && c.objective < best.objective)
      )
        best = { ...c, plans: [[...u]] }
      else if (eq(c.shortfall, best.shortfall) && eq(c.objective, best.objective)) best.plans.push([...u])
      return
    }
    for (let x = lo; x <= hi; x++) {
      u.push(x)
      walk()
      u.pop()
    }
  }
  walk()
  return best as Best
}
