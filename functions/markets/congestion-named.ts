// Congestion games by node id: an inline graph or a stored topology becomes a CongestionGame and the equilibrium
// comes back with ids. Shared by the stateless route and the Topology object (which owns the stored graph).
import type {
  EdgeDefaults,
  EquilibriumAgent,
  EquilibriumEdge,
  EquilibriumRequest,
  EquilibriumResult as NamedResult,
} from '../../schemas/equilibrium.ts'
import type { StepBudget } from '../budget/index.ts'
import { distance, distanceSteps } from '../geometry/index.ts'
import type { Topology } from '../routing/topology.ts'
import { bestResponseDynamics, type EquilibriumOptions, type EquilibriumResult } from './congestion.ts'
import { CongestionError, type CongestionGame, type GameEdge, latency } from './congestion-graph.ts'

/** What the solver reads from a request besides the graph. */
export type SolveQuery = Pick<
  EquilibriumRequest,
  'agents' | 'edge_defaults' | 'max_rounds' | 'epsilon' | 'start' | 'optimum'
>

const latencyOf = (e: Partial<EquilibriumEdge>, d: EdgeDefaults = {}, free?: number) => {
  if (e.a !== undefined && e.b !== undefined)
    return { a: e.a, b: e.b, ...(e.power !== undefined && { power: e.power }) }
  return {
    free: e.free ?? free ?? d.free ?? 1,
    capacity: e.capacity ?? d.capacity ?? 1,
    alpha: e.alpha ?? d.alpha ?? 0.15,
    beta: e.beta ?? d.beta ?? 4,
  }
}

function agentsBy(agents: EquilibriumAgent[], slot: (id: string, pointer: string) => number) {
  return agents.map((a, i) => ({
    id: a.id,
    from: slot(a.from, `/agents/${i}/from`),
    to: slot(a.to, `/agents/${i}/to`),
    ...(a.demand !== undefined && { demand: a.demand }),
  }))
}

/** An inline graph: node ids in order, edges by id (an unknown or repeated id is a CongestionError). */
export function inlineGame(q: EquilibriumRequest): { game: CongestionGame; ids: string[] } {
  const ids = q.nodes ?? []
  const index = new Map<string, number>()
  ids.forEach((id, i) => {
    if (index.has(id)) throw new CongestionError('duplicate_node', `duplicate node id '${id}'`, `/nodes/${i}`)
    index.set(id, i)
  })
  const slot = (id: string, pointer: string) => {
    const i = index.get(id)
    if (i === undefined) throw new CongestionError('unknown_node', `unknown node id '${id}'`, pointer)
    return i
  }
  const edges: GameEdge[] = (q.edges ?? []).map((e, i) => ({
    from: slot(e.from, `/edges/${i}/from`),
    to: slot(e.to, `/edges/${i}/to`),
    ...latencyOf(e, q.edge_defaults),
  }))
  const game = { nodes: ids.length, edges, directed: q.directed ?? true, agents: agentsBy(q.agents, slot) }
  return { game, ids }
}

/** A stored topology: its undirected edges, free-flow latency the hyperbolic distance between the ends. */
export function topologyGame(t: Topology, q: SolveQuery, budget: StepBudget): CongestionGame {
  budget.spend(t.slots + t.edgeCount * distanceSteps(t.dim))
  const edges: GameEdge[] = []
  t.adj.forEach((ns, a) => {
    for (const b of ns)
      if (a < b)
        edges.push({ from: a, to: b, ...latencyOf({}, q.edge_defaults, distance(t.point(a), t.point(b))) })
  })
  return { nodes: t.slots, edges, directed: false, agents: agentsBy(q.agents, (id, p) => t.slot(id, p)) }
}

export const solveOptions = (q: SolveQuery, budget: StepBudget): EquilibriumOptions => ({
  budget,
  ...(q.max_rounds !== undefined && { maxRounds: q.max_rounds }),
  ...(q.epsilon !== undefined && { epsilon: q.epsilon }),
  ...(q.start !== undefined && { start: q.start }),
  ...(q.optimum !== undefined && { optimum: q.optimum }),
})

/** The equilibrium with node ids: each path as its node sequence, and the loaded edges. */
export function namedResult(
  r: EquilibriumResult,
  g: CongestionGame,
  ids: readonly (string | null)[],
): NamedResult {
  const id = (v: number) => ids[v] as string
  const paths = r.paths.map((p, i) => {
    const agent = g.agents[i] as CongestionGame['agents'][number]
    let at = agent.from
    const nodes = [id(at)]
    for (const e of p.edges) {
      const edge = g.edges[e] as GameEdge
      at = edge.from === at ? edge.to : edge.from
      nodes.push(id(at))
    }
    return { agent: p.agent, nodes, edges: p.edges, demand: agent.demand ?? 1, cost: p.cost }
  })
  const loads: NamedResult['loads'] = []
  r.loads.forEach((load, e) => {
    const edge = g.edges[e] as GameEdge
    if (load > 0) loads.push({ from: id(edge.from), to: id(edge.to), load, latency: latency(edge, load) })
  })
  const { paths: _p, loads: _l, ...rest } = r
  return { ...rest, paths, loads }
}

/** The stateless solve of an inline game. */
export function solveInline(q: EquilibriumRequest, budget: StepBudget): NamedResult {
  const { game, ids } = inlineGame(q)
  return namedResult(bestResponseDynamics(game, solveOptions(q, budget)), game, ids)
}

/** The solve of a stored topology's game (inside the Topology object). */
export function solveOnTopology(t: Topology, q: SolveQuery, budget: StepBudget): NamedResult {
  const game = topologyGame(t, q, budget)
  return namedResult(bestResponseDynamics(game, solveOptions(q, budget)), game, t.ids)
}
