// The exact social optimum of a small congestion game: every agent's simple paths enumerated, profiles searched
// with branch and bound. Beyond the limits below it answers undefined and the caller falls back to local search.
import type { StepBudget } from '../budget/index.ts'
import { type Compiled, lat } from './congestion-graph.ts'

/** Exact only when every agent has at most this many simple paths... */
export const EXACT_MAX_PATHS = 64
/** ...found within this many search steps per origin-destination pair... */
export const EXACT_PATH_SEARCH = 20_000
/** ...and the profiles (multisets for interchangeable agents) number at most this many... */
export const EXACT_MAX_PROFILES = 200_000
/** ...and the branch and bound finishes within this many steps. */
export const EXACT_MAX_STEPS = 2_000_000

/** All simple paths from s to t as edge lists, or undefined past the limits. */
export function simplePaths(c: Compiled, s: number, t: number, budget?: StepBudget): number[][] | undefined {
  const out: number[][] = []
  const onPath = new Uint8Array(c.n)
  const edges: number[] = []
  let steps = 0
  let over = false
  const walk = (u: number): void => {
    if (over) return
    if (u === t) {
      out.push([...edges])
      if (out.length > EXACT_MAX_PATHS) over = true
      return
    }
    onPath[u] = 1
    for (let a = c.start[u] as number; a < (c.start[u + 1] as number) && !over; a++) {
      if (++steps > EXACT_PATH_SEARCH) over = true
      const v = c.arcHead[a] as number
      if (onPath[v]) continue
      edges.push(c.arcEdge[a] as number)
      walk(v)
      edges.pop()
    }
    onPath[u] = 0
  }
  walk(s)
  budget?.spend(steps)
  return over ? undefined : out
}

const choose = (n: number, k: number): number => {
  let r = 1
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i
  return r
}

/**
 * The minimum over all path profiles of sum_e x_e l_e(x_e), or undefined when the game is past the limits.
 * Agents with the same origin, destination and demand are interchangeable, so their choices are enumerated as
 * multisets (non-decreasing path indexes); the partial cost of a profile only grows as agents are added
 * (latencies are non-decreasing), which bounds the search.
 */
export function exactOptimum(c: Compiled, budget: StepBudget): number | undefined {
  const agents = c.from.length
  const byKey = new Map<string, number[]>()
  for (let i = 0; i < agents; i++) {
    const key = `${c.from[i]}>${c.to[i]}:${c.demand[i]}`
    const group = byKey.get(key)
    if (group) group.push(i)
    else byKey.set(key, [i])
  }
  const pathsOf = new Map<string, number[][]>()
  // one item per (group, path): how many of the group's agents take that path (the group's last path takes the
  // rest), so the recursion is as deep as the number of paths, not of agents
  const items: { group: number; path: number[]; last: boolean; demand: number }[] = []
  const sizes: number[] = []
  let profiles = 1
  for (const group of byKey.values()) {
    const i = group[0] as number
    const od = `${c.from[i]}>${c.to[i]}`
    let paths = pathsOf.get(od)
    if (!paths) {
      paths = simplePaths(c, c.from[i] as number, c.to[i] as number, budget)
      if (!paths) return undefined
      pathsOf.set(od, paths)
    }
    profiles *= choose(paths.length + group.length - 1, group.length)
    if (profiles > EXACT_MAX_PROFILES) return undefined
    paths.forEach((path, j) => {
      items.push({
        group: sizes.length,
        path,
        last: j === (paths as number[][]).length - 1,
        demand: c.demand[i] as number,
      })
    })
    sizes.push(group.length)
  }
  const loads = new Float64Array(c.m)
  const left = [...sizes]
  let best = Number.POSITIVE_INFINITY
  let steps = 0
  const search = (k: number, partial: number): boolean => {
    if (k === items.length) {
      best = Math.min(best, partial)
      return true
    }
    const { group, path, last, demand } = items[k] as (typeof items)[number]
    const rest = left[group] as number
    for (let n = last ? rest : 0; n <= rest; n++) {
      const add = n * demand
      let delta = 0
      for (const e of path) {
        const x = loads[e] as number
        if (add > 0) delta += (x + add) * lat(c, e, x + add) - (x > 0 ? x * lat(c, e, x) : 0)
      }
      steps += path.length + 1
      if (steps > EXACT_MAX_STEPS) return false
      // costs only grow as agents are added: a partial profile as dear as the best complete one is dropped
      if (partial + delta >= best) break
      for (const e of path) loads[e] = (loads[e] as number) + add
      left[group] = rest - n
      const ok = search(k + 1, partial + delta)
      left[group] = rest
      for (const e of path) loads[e] = (loads[e] as number) - add
      if (!ok) return false
    }
    return true
  }
  const finished = search(0, 0)
  budget.spend(steps)
  return finished ? best : undefined
}
