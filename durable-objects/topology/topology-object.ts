// The Topology Durable Object: one large named topology in SQLite, kept in memory for routing, updated in place.
import { DurableObject } from 'cloudflare:workers'
import { BudgetExceededError } from '../../functions/budget/index.ts'
import { type SolveQuery, solveOnTopology } from '../../functions/markets/congestion-named.ts'
import { equilibriumBudget } from '../../functions/markets/index.ts'
import {
  buildTopology,
  EMBED_CHUNK_STEPS,
  ROW_STEPS,
  type RouteQuery,
  reembed,
  reembedSteps,
  route,
  samplePairs,
  storedEmbedBudget,
  type Topology,
  terminateBudget,
  terminationReport,
} from '../../functions/routing/index.ts'
import type { EquilibriumResult } from '../../schemas/equilibrium.ts'
import type { RouteResult } from '../../schemas/routing.ts'
import type {
  EmbedJob,
  NodesPage,
  TopologyCreate,
  TopologyEmbedResult,
  TopologyInfo,
  TopologyPatch,
  TopologyState,
  TopologyUpdate,
} from '../../schemas/topology.ts'
import { Db } from '../shared/db.ts'
import { EmbedJobs } from './embed-job.ts'
import { attempt, type Reply } from './failures.ts'
import { migrate } from './migrations.ts'
import { validatePatch } from './patch.ts'
import { edgeRow, insertNodes, loadMeta, loadTopology, type Meta, saveMeta, updateCoords } from './store.ts'

const NOT_FOUND: Reply<never> = { ok: false, failure: { kind: 'not_found', message: 'no such topology' } }

/** A stored embedding: done at once, or started as a job in chunks on the alarm. */
export type EmbedOutcome = { done: TopologyEmbedResult } | { job: EmbedJob }

export class TopologyObject extends DurableObject<Env> {
  private readonly db: Db
  private meta?: Meta
  private topo?: Topology
  private readonly jobs: EmbedJobs

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.db = new Db(ctx.storage)
    // one chunk spends at most a fifth of what one request may (OMEGA_EMBED_CHUNK_STEPS sets it, for tests)
    const chunk = Number(env.OMEGA_EMBED_CHUNK_STEPS)
    this.jobs = new EmbedJobs(
      {
        db: this.db,
        transact: (f) => this.write(f),
        bump: (t) => {
          const m = this.meta as Meta
          this.bump(m)
          return this.infoOf(m, t)
        },
        adopt: (t) => {
          this.topo = t
        },
      },
      chunk > 0 ? chunk : EMBED_CHUNK_STEPS,
    )
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.transactionSync(() => migrate(ctx.storage.sql))
      this.reload()
    })
  }

  private reload(): void {
    this.meta = loadMeta(this.db)
    this.topo = this.meta && loadTopology(this.db, this.meta.dimension)
  }

  private infoOf(m: Meta, t: Topology): TopologyInfo {
    return {
      name: m.name,
      dimension: m.dimension,
      nodes: t.size,
      edges: t.edgeCount,
      version: m.version,
      updated_at: m.updated_at,
    }
  }

  /** Runs a write in one transaction; if it fails halfway, memory is reloaded from what SQLite kept. */
  private write<T>(f: () => T): T {
    try {
      return this.ctx.storage.transactionSync(f)
    } catch (e) {
      this.reload()
      throw e
    }
  }

  private bump(m: Meta): void {
    m.version++
    m.updated_at = new Date().toISOString()
    saveMeta(this.db, m)
  }

  async create(name: string, body: TopologyCreate): Promise<Reply<TopologyInfo>> {
    return attempt(() => {
      const t = buildTopology({ nodes: body.nodes, edges: body.edges }, body.boundary, '', body.dimension)
      const m: Meta = { name, dimension: body.dimension, version: this.meta?.version ?? 0, updated_at: '' }
      this.write(() => {
        this.db.run('DELETE FROM nodes')
        this.db.run('DELETE FROM edges')
        insertNodes(
          this.db,
          t,
          t.ids.map((_, i) => i),
        )
        this.db.insertMany('edges', ['a', 'b'], edgeRows(t))
        this.bump(m)
      })
      this.meta = m
      this.topo = t
      return this.infoOf(m, t)
    })
  }

  async info(): Promise<Reply<TopologyState>> {
    if (!this.meta || !this.topo) return NOT_FOUND
    const job = this.jobs.record()
    return {
      ok: true,
      value: { ...this.infoOf(this.meta, this.topo), ...(job && { embedding: this.jobs.doc(job) }) },
    }
  }

  /** The latest embedding job, running or finished. */
  async embedding(): Promise<Reply<EmbedJob | null>> {
    if (!this.meta) return NOT_FOUND
    const job = this.jobs.record()
    return { ok: true, value: job ? this.jobs.doc(job) : null }
  }

  async update(p: TopologyPatch): Promise<Reply<TopologyUpdate>> {
    const m = this.meta
    const t = this.topo
    if (!m || !t) return NOT_FOUND
    return attempt(() => {
      validatePatch(t, p)
      const former = new Set<number>()
      this.write(() => {
        const removed = p.remove_nodes.map((id) => t.slot(id))
        for (const n of t.removeNodes(removed)) former.add(n)
        for (const slot of removed) {
          this.db.run('DELETE FROM nodes WHERE slot = ?', slot)
          this.db.run('DELETE FROM edges WHERE a = ? OR b = ?', slot, slot)
        }
        const added = p.add_nodes.map((n) => t.addNode(n, p.boundary))
        insertNodes(this.db, t, added)
        const moved = p.move_nodes.map((mv) => {
          const i = t.slot(mv.id)
          t.moveNode(i, mv.coords, p.boundary)
          return i
        })
        updateCoords(this.db, t, moved)
        for (const l of p.set_load) {
          const i = t.slot(l.id)
          t.load[i] = l.load
          this.db.run('UPDATE nodes SET load = ? WHERE slot = ?', l.load, i)
        }
        const cut = p.remove_edges.map(([a, b]) => edgeRow(t.slot(a), t.slot(b)))
        t.removeEdges(cut)
        for (const [x, y] of cut) this.db.run('DELETE FROM edges WHERE a = ? AND b = ?', x, y)
        const rows: [number, number][] = []
        for (const [a, b] of p.add_edges) {
          const [x, y] = edgeRow(t.slot(a), t.slot(b))
          if (t.addEdge(x, y)) rows.push([x, y])
        }
        this.db.insertMany('edges', ['a', 'b'], rows)
        this.bump(m)
      })
      const info = this.infoOf(m, t)
      if (p.remove_nodes.length === 0) return info
      const neighbours = [...former].filter((i) => t.alive(i))
      try {
        const report = terminationReport(t, neighbours, 200, terminateBudget())
        return { ...info, termination: { removed: p.remove_nodes, ...report } }
      } catch (e) {
        // the update is committed: a report too costly to check is skipped and says why, not refused
        if (e instanceof BudgetExceededError) return { ...info, termination_skipped: e.message }
        throw e
      }
    })
  }

  async nodes(after: number, limit: number): Promise<Reply<NodesPage>> {
    const t = this.topo
    if (!t) return NOT_FOUND
    const out: NodesPage['nodes'] = []
    let i = after
    for (; i < t.slots && out.length < limit; i++) {
      const id = t.ids[i]
      if (id == null) continue
      out.push({
        id,
        coords: t.point(i),
        load: t.load[i],
        ...(t.region[i] !== undefined && { region: t.region[i] }),
        neighbours: (t.adj[i] as number[]).map((j) => t.ids[j] as string),
      })
    }
    return { ok: true, value: { nodes: out, next_cursor: i < t.slots ? String(i) : null } }
  }

  async route(q: RouteQuery): Promise<Reply<RouteResult>> {
    const t = this.topo
    return t ? attempt(() => route(t, q)) : NOT_FOUND
  }

  /** Selfish routing of `q.agents` over this topology's edges (latency from hyperbolic length): best responses. */
  async equilibrium(q: SolveQuery): Promise<Reply<EquilibriumResult>> {
    const t = this.topo
    return t ? attempt(() => solveOnTopology(t, q, equilibriumBudget())) : NOT_FOUND
  }

  /**
   * Replaces the stored coordinates by a greedy embedding (same dimension, zero-padded): at once when it fits one
   * request's stored_embed_steps budget and `async` is not asked for, else as a job on the alarm (a running job
   * is answered as it is).
   */
  async embed(pairs: number, async = false): Promise<Reply<EmbedOutcome>> {
    const m = this.meta
    const t = this.topo
    if (!m || !t) return NOT_FOUND
    const running = this.jobs.record()
    if (running?.status === 'running') return { ok: true, value: { job: this.jobs.doc(running) } }
    const reply = attempt((): EmbedOutcome => {
      const budget = storedEmbedBudget()
      const cost = t.size * ROW_STEPS + reembedSteps(t, t.dim, samplePairs(t, pairs))
      if (async || cost > budget.limit)
        return { job: this.jobs.doc(this.jobs.start(t, m.version, pairs, budget)) }
      budget.spend(t.size * ROW_STEPS) // every node's coordinates are rewritten below
      const r = reembed(t, t.dim, pairs, budget)
      const live = r.topology.ids.flatMap((id, i) => (id == null ? [] : [i]))
      this.write(() => {
        updateCoords(this.db, r.topology, live)
        this.bump(m)
      })
      this.topo = r.topology
      return {
        done: {
          root: r.topology.ids[r.embedding.root] as string,
          depth: r.embedding.depth,
          max_radius: r.embedding.max_radius,
          radius_bound: r.embedding.radius_bound,
          greedy: r.greedy,
          topology: this.infoOf(m, r.topology),
        },
      }
    })
    if (reply.ok && 'job' in reply.value) await this.ctx.storage.setAlarm(Date.now())
    return reply
  }

  /** One chunk of a running embedding job per alarm; the next is due at once. */
  override async alarm(): Promise<void> {
    if (this.jobs.step(this.topo, this.meta?.version)) await this.ctx.storage.setAlarm(Date.now())
  }

  async destroy(): Promise<Reply<{ deleted: true }>> {
    if (!this.meta) return NOT_FOUND
    await this.ctx.storage.deleteAll()
    await this.ctx.storage.deleteAlarm()
    this.jobs.forget()
    this.meta = undefined
    this.topo = undefined
    this.ctx.storage.transactionSync(() => migrate(this.ctx.storage.sql))
    return { ok: true, value: { deleted: true } }
  }
}

function edgeRows(t: Topology): [number, number][] {
  const rows: [number, number][] = []
  t.adj.forEach((ns, a) => {
    for (const b of ns) if (a < b) rows.push([a, b])
  })
  return rows
}
