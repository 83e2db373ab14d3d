// The Topology object's embedding job: started by a request, advanced one bounded chunk per alarm, committed at once.
//
// Alarms are at-least-once: every chunk stores its points and its cursor in one transaction, so a re-delivered
// alarm continues from the stored cursor (a placed node stored twice holds the same values). Readers keep the old
// coordinates until the commit chunk replaces them all and bumps the version, in one transaction.
import type { StepBudget } from '../../functions/budget/index.ts'
import {
  type EmbedPlan,
  embeddedCopy,
  emptyTally,
  evaluateChunk,
  Placement,
  placeQuota,
  planEmbedding,
  planSteps,
  qualityOf,
  samplePairs,
  sourceGroups,
  type Topology,
} from '../../functions/routing/index.ts'
import type { EmbedJob, TopologyEmbedResult, TopologyInfo } from '../../schemas/topology.ts'
import type { Db } from '../shared/db.ts'
import {
  clearWork,
  commitPlaced,
  type JobRecord,
  loadJob,
  loadPlaced,
  loadTree,
  saveJob,
  savePlaced,
  saveTree,
} from './embed-store.ts'
import { failureOf, type GeometryFailure } from './failures.ts'

/** The object's side of a commit: bump the version in the same transaction, then adopt the embedded topology. */
export interface JobHost {
  db: Db
  transact<T>(f: () => T): T
  /** Inside the commit's transaction: bumps and saves the version; returns the new info. */
  bump(t: Topology): TopologyInfo
  adopt(t: Topology): void
}

/** What a chunk left in memory, so the next alarm of a warm object skips reloading. */
interface Working {
  rec: JobRecord
  placement: Placement
  copy?: Topology
  groups?: [number, number[]][]
}

const codeOf = (f: GeometryFailure): string =>
  f.kind === 'point'
    ? 'invalid_point'
    : f.kind === 'topology'
      ? f.issue
      : f.kind === 'budget'
        ? 'budget_exceeded'
        : 'topology_not_found'

export class EmbedJobs {
  private readonly host: JobHost
  readonly chunkSteps: number
  private working?: Working

  constructor(host: JobHost, chunkSteps: number) {
    this.host = host
    this.chunkSteps = chunkSteps
  }

  /** Drops what memory holds of a job (the topology was deleted with its rows). */
  forget(): void {
    this.working = undefined
  }

  /** The latest job's record, running or finished. */
  record(): JobRecord | undefined {
    return this.working?.rec ?? loadJob(this.host.db)
  }

  doc(r: JobRecord): EmbedJob {
    const total = r.nodes + r.pairs
    return {
      job: r.job,
      status: r.status,
      phase: r.phase,
      nodes: r.nodes,
      placed: r.placed,
      pairs: r.pairs,
      evaluated: r.tally.pairs,
      progress: r.status === 'done' ? 1 : total ? Math.min(1, (r.placed + r.tally.pairs) / total) : 0,
      alarms: r.alarms,
      chunk_steps: r.chunk_steps,
      from_version: r.from_version,
      started_at: r.started_at,
      updated_at: r.updated_at,
      ...(r.result && { result: r.result }),
      ...(r.failure && { failure: r.failure }),
    }
  }

  /**
   * Plans the job within the request (the spanning tree: a refusal such as `disconnected` answers at once) and
   * stores it; the caller sets the alarm. Throws geometric refusals.
   */
  start(t: Topology, version: number, requested: number, budget: StepBudget): JobRecord {
    budget.spend(planSteps(t))
    const plan = planEmbedding(t)
    const now = new Date().toISOString()
    const rec: JobRecord = {
      job: crypto.randomUUID(),
      status: 'running',
      phase: 'place',
      nodes: plan.order.length,
      requested_pairs: requested,
      pairs: samplePairs(t, requested).length,
      dimension: t.dim,
      from_version: version,
      chunk_steps: this.chunkSteps,
      alarms: 0,
      started_at: now,
      updated_at: now,
      plan: { slots: plan.slots, root: plan.root, depth: plan.depth, radius_bound: plan.radius_bound },
      cursor: { parent: 0, child: 0 },
      placed: 1,
      max_radius: 0,
      tally: emptyTally(),
    }
    const placement = new Placement(plan)
    this.host.transact(() => {
      clearWork(this.host.db)
      saveTree(this.host.db, plan.order, plan.parent)
      savePlaced(this.host.db, [this.row(placement, plan.root, t.dim)])
      saveJob(this.host.db, rec)
    })
    this.working = { rec, placement }
    return rec
  }

  /** One chunk of the running job on the topology at `version`; true when another alarm is needed. */
  step(t: Topology | undefined, version: number | undefined): boolean {
    const rec = this.record()
    if (rec?.status !== 'running') return false
    try {
      if (!t || version !== rec.from_version) {
        this.finish(rec, 'abandoned', {
          code: 'topology_changed',
          detail: `the topology changed (version ${version ?? 'deleted'}) while the job embedded version ${rec.from_version}; start it again`,
        })
        return false
      }
      const w = this.load(rec)
      const next: JobRecord = { ...rec, alarms: rec.alarms + 1, updated_at: new Date().toISOString() }
      if (rec.phase === 'place') this.placeChunk(w, next, t)
      else if (rec.phase === 'evaluate') this.evaluateChunk(w, next, t)
      else this.commit(w, next, t)
      return w.rec.status === 'running'
    } catch (e) {
      // memory may be ahead of what SQLite kept: the next alarm reloads
      this.working = undefined
      const f = failureOf(e)
      if (!f) throw e
      this.finish(rec, 'failed', { code: codeOf(f), detail: f.message })
      return false
    }
  }

  private row(p: Placement, slot: number, dimension: number) {
    const coords = new Float64Array(dimension)
    coords[0] = p.xy[2 * slot] as number
    coords[1] = p.xy[2 * slot + 1] as number
    return { slot, x: coords[0], y: coords[1], half: p.halfLen[slot] as number, coords }
  }

  private placeChunk(w: Working, next: JobRecord, t: Topology): void {
    const slots = w.placement.place(placeQuota(this.chunkSteps))
    next.cursor = { ...w.placement.cursor }
    next.placed = w.placement.placed
    next.max_radius = w.placement.maxRadius
    if (w.placement.done) next.phase = 'evaluate'
    this.host.transact(() => {
      savePlaced(
        this.host.db,
        slots.map((s) => this.row(w.placement, s, t.dim)),
      )
      saveJob(this.host.db, next)
    })
    w.rec = next
  }

  private evaluateChunk(w: Working, next: JobRecord, t: Topology): void {
    if (w.copy && w.groups) {
      next.tally = evaluateChunk(w.copy, w.groups, next.tally, this.chunkSteps)
      if (next.tally.sources >= w.groups.length) next.phase = 'commit'
    } else {
      // the embedded copy and the pairs are a chunk of their own (about 0.5 s for 200,000 nodes); after an
      // eviction they are rebuilt here, and this chunk does nothing else
      w.copy = embeddedCopy(t, w.placement.result(), t.dim)
      w.groups = sourceGroups(samplePairs(t, next.requested_pairs))
    }
    this.host.transact(() => saveJob(this.host.db, next))
    w.rec = next
  }

  private commit(w: Working, next: JobRecord, t: Topology): void {
    const copy = w.copy ?? embeddedCopy(t, w.placement.result(), t.dim)
    this.host.transact(() => {
      commitPlaced(this.host.db)
      const topology = this.host.bump(copy)
      const result: TopologyEmbedResult = {
        root: copy.ids[next.plan.root] as string,
        depth: next.plan.depth,
        max_radius: next.max_radius,
        radius_bound: next.plan.radius_bound,
        greedy: qualityOf(next.tally),
        topology,
      }
      Object.assign(next, { status: 'done', phase: 'done', result })
      saveJob(this.host.db, next)
    })
    this.host.adopt(copy)
    this.working = undefined
    w.rec = next
  }

  private finish(
    rec: JobRecord,
    status: 'failed' | 'abandoned',
    failure: { code: string; detail: string },
  ): void {
    const next: JobRecord = { ...rec, status, failure, updated_at: new Date().toISOString() }
    this.host.transact(() => {
      clearWork(this.host.db)
      saveJob(this.host.db, next)
    })
    this.working = undefined
  }

  /** The working state: in memory when warm, else the stored tree and points (after an eviction). */
  private load(rec: JobRecord): Working {
    const warm = this.working
    if (warm?.rec.job === rec.job) return warm
    const tree = loadTree(this.host.db)
    if (!tree) throw new Error(`embedding job ${rec.job} has no stored tree`)
    const plan: EmbedPlan = { ...rec.plan, order: tree.order, parent: tree.parent }
    const placement = new Placement(plan)
    placement.resume(rec.cursor, rec.max_radius, loadPlaced(this.host.db))
    this.working = { rec, placement }
    return this.working
  }
}
