// The orchestrator Durable Object: a fleet, its workloads and metrics in SQLite, the MOM loop on its alarm,
// every decision in its own ledger (hash chain, Merkle tree, signed checkpoints, receipts), replayable.
import { DurableObject } from 'cloudflare:workers'
import type { PlacementWitnessInput } from '../../functions/attestation/index.ts'
import type { LedgerEntryWithHashes } from '../../functions/billing/index.ts'
import { BudgetExceededError } from '../../functions/budget/index.ts'
import { type Forecast, minimumLength } from '../../functions/forecast/index.ts'
import {
  assessWorkload,
  checkStrategy,
  digestOf,
  FleetError,
  finishTick,
  forecastFor,
  planTick,
  resolveFleet,
  StrategyError,
  TickContext,
  type TickInput,
  type TickPlan,
  topologyPatches,
} from '../../functions/orchestrator/index.ts'
import type { Actor, Receipt, VerificationPolicy } from '../../schemas/ledger.ts'
import type {
  DecisionDoc,
  FleetNode,
  MetricsBatch,
  OrchestratorConfig,
  OrchestratorInfo,
  PlanDoc,
  Replica,
  Workload,
} from '../../schemas/orchestrator.ts'
import { MAX_FLEET_NODES, MAX_WORKLOADS, type ReplayDoc } from '../../schemas/orchestrator.ts'
import { Db } from '../shared/db.ts'
import { budgetRefusal, fail, ok, type Reply } from '../shared/reply.ts'
import { LedgerRangeError, SqlLedger } from '../shared/sql-ledger.ts'
import type { TopologyObject } from '../topology/topology-object.ts'
import * as attestation from './attestation.ts'
import { migrate } from './migrations.ts'
import type { OrchestratorRefusal } from './refusals.ts'
import { KEPT_INPUTS, OrchestratorStore } from './store.ts'

type R<T> = Reply<T, OrchestratorRefusal>

/** Kinds of entry the orchestrator ledger holds. */
const DECISION_KINDS = [
  'orchestrator.configured',
  'fleet.changed',
  'orchestrator.decision',
  'orchestrator.tick',
  'orchestrator.approved',
]

const policyOf = (c: OrchestratorConfig): VerificationPolicy =>
  c.config.verification.level === 'sample'
    ? { level: 'sample', sample_rate: c.config.verification.sample_rate }
    : { level: c.config.verification.level, sample_rate: 1 }

export class OrchestratorObject extends DurableObject<Env> {
  private readonly db: Db
  private readonly store: OrchestratorStore
  private ledger?: SqlLedger

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.db = new Db(ctx.storage)
    this.store = new OrchestratorStore(this.db)
    ctx.blockConcurrencyWhile(async () => {
      this.db.transaction(() => migrate(ctx.storage.sql))
      this.open()
    })
  }

  private open(): void {
    const meta = this.store.metaAll()
    this.ledger = meta.id ? new SqlLedger(this.db, meta.id, meta) : undefined
  }

  private get id(): string | undefined {
    return this.store.meta('id')
  }

  /** Creates or reconfigures the orchestrator (admin). The ledger's verification policy is fixed at creation. */
  async configure(
    id: string,
    config: OrchestratorConfig,
    by?: Actor,
  ): Promise<R<{ created: boolean; info: OrchestratorInfo }>> {
    try {
      for (const [i, s] of config.strategies.entries()) checkStrategy(s, `/strategies/${i}`)
    } catch (e) {
      if (e instanceof StrategyError)
        return fail({ code: 'invalid_fleet', pointer: e.pointer, message: e.message })
      throw e
    }
    const created = !this.ledger
    const at = new Date().toISOString()
    if (created) {
      const origin = `${this.env.OMEGA_LEDGER_ORIGIN || 'omega.local'}/orchestrators/${id}`
      const meta: [string, string][] = [
        ['id', id],
        ['created_at', at],
        ['tick', '0'],
        // The owner tenant: what the ledger records for the object's own entries (ticks).
        ['tenant', by?.tenant ?? 'default'],
        ...SqlLedger.newMeta(origin, policyOf(config)),
      ]
      this.db.transaction(() => this.db.insertMany('meta', ['k', 'v'], meta))
      this.open()
    }
    this.ledgerOf().transact(
      (appends) => {
        this.store.setMeta('config', JSON.stringify(config))
        appends.append('orchestrator.configured', { config_digest: digestOf(config), config, created })
      },
      at,
      by,
    )
    await this.schedule()
    return ok({ created, info: this.infoDoc() })
  }

  private ledgerOf(): SqlLedger {
    return this.ledger as SqlLedger
  }

  /** Replaces (`replace`) or patches the fleet; coordinates are resolved, every change ledgered. */
  /** Fleet and workload writes wait while a chunked tick runs: its kept inputs must stay what it applies to. */
  private busy(): OrchestratorRefusal | undefined {
    const r = this.running()
    return r && { code: 'tick_in_progress', ...r.running }
  }

  async writeNodes(
    upsert: FleetNode[],
    remove: string[],
    replace: boolean,
    by?: Actor,
  ): Promise<R<{ nodes: number }>> {
    const config = this.store.config()
    if (!config) return fail({ code: 'orchestrator_not_found' })
    const busy = this.busy()
    if (busy) return fail(busy)
    const existing = new Map(
      this.store.nodes().map((n) => [n.id, n as FleetNode & { coordinates?: number[] }]),
    )
    const unknown = remove.filter((id) => !existing.has(id))
    if (unknown.length > 0) return fail({ code: 'unknown_ids', kind: 'node', ids: unknown })
    const next = new Map(replace ? [] : existing)
    for (const id of remove) next.delete(id)
    const seen = new Set<string>()
    for (const [i, n] of upsert.entries()) {
      if (seen.has(n.id))
        return fail({ code: 'invalid_fleet', pointer: `/nodes/${i}/id`, message: `duplicate node '${n.id}'` })
      seen.add(n.id)
      // a node written without coordinates is placed again by the embedding, not kept where it was
      next.set(n.id, n)
    }
    let resolved: ReturnType<typeof resolveFleet>
    try {
      resolved = resolveFleet(
        [...next.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
        config.config.geometry.embedding_dimension,
      )
    } catch (e) {
      if (e instanceof FleetError)
        return fail({ code: 'invalid_fleet', pointer: e.pointer, message: e.message })
      throw e
    }
    if (next.size > MAX_FLEET_NODES)
      return fail({
        code: 'invalid_fleet',
        pointer: '/nodes',
        message: `at most ${MAX_FLEET_NODES} nodes per orchestrator`,
      })
    const removed = [...existing.keys()].filter((id) => !next.has(id))
    this.ledgerOf().transact(
      (appends) => {
        this.store.replaceNodes(resolved)
        appends.append('fleet.changed', {
          nodes: { upserted: upsert.map((n) => n.id), removed },
          fleet_digest: digestOf(resolved),
        })
      },
      undefined,
      by,
    )
    return ok({ nodes: resolved.length })
  }

  async writeWorkloads(
    upsert: Workload[],
    remove: string[],
    replace: boolean,
    by?: Actor,
  ): Promise<R<{ workloads: number }>> {
    if (!this.store.config()) return fail({ code: 'orchestrator_not_found' })
    const busy = this.busy()
    if (busy) return fail(busy)
    const existing = this.store.ids('workloads')
    const unknown = remove.filter((id) => !existing.has(id))
    if (unknown.length > 0) return fail({ code: 'unknown_ids', kind: 'workload', ids: unknown })
    const seen = new Set<string>()
    for (const [i, w] of upsert.entries()) {
      if (seen.has(w.id))
        return fail({
          code: 'invalid_fleet',
          pointer: `/workloads/${i}/id`,
          message: `duplicate workload '${w.id}'`,
        })
      seen.add(w.id)
    }
    const gone = replace ? [...existing].filter((id) => !seen.has(id)) : remove
    const after = new Set(existing)
    for (const id of gone) after.delete(id)
    for (const id of seen) after.add(id)
    if (after.size > MAX_WORKLOADS)
      return fail({
        code: 'invalid_fleet',
        pointer: '/workloads',
        message: `at most ${MAX_WORKLOADS} workloads per orchestrator`,
      })
    this.ledgerOf().transact(
      (appends) => {
        this.store.removeWorkloads(gone)
        this.store.upsertWorkloads(upsert)
        appends.append('fleet.changed', {
          workloads: { upserted: upsert.map((w) => w.id), removed: gone },
          workloads_digest: digestOf(upsert),
        })
      },
      undefined,
      by,
    )
    return ok({ workloads: this.store.count('workloads') })
  }

  /** Observations: all-or-nothing; unknown ids refuse the whole batch. */
  async metrics(batch: MetricsBatch): Promise<R<{ accepted: number }>> {
    const config = this.store.config()
    if (!config) return fail({ code: 'orchestrator_not_found' })
    const workloads = this.store.ids('workloads')
    const nodes = this.store.ids('nodes')
    const badW = [...new Set(batch.workloads.map((s) => s.workload).filter((id) => !workloads.has(id)))]
    if (badW.length > 0) return fail({ code: 'unknown_ids', kind: 'workload', ids: badW.slice(0, 20) })
    const badN = [...new Set(batch.nodes.map((s) => s.node).filter((id) => !nodes.has(id)))]
    if (badN.length > 0) return fail({ code: 'unknown_ids', kind: 'node', ids: badN.slice(0, 20) })
    const s = config.settings
    const now = Date.now()
    // a sample from the future would move the retention window past every real one: refused
    const late = now + s.tick_seconds * 1000
    for (const [kind, list] of [
      ['workloads', batch.workloads],
      ['nodes', batch.nodes],
    ] as const)
      for (const [i, x] of list.entries())
        if (x.at !== undefined && Date.parse(x.at) > late)
          return fail({
            code: 'invalid_fleet',
            pointer: `/${kind}/${i}/at`,
            message: `a sample from the future (after ${new Date(late).toISOString()}) is refused`,
          })
    const accepted = this.db.transaction(() =>
      this.store.addSamples(batch, s.tick_seconds * 1000, now, s.retention),
    )
    return ok({ accepted })
  }

  /** The inputs of the next tick, read from storage. */
  private inputsAt(nowMs: number, tick: number): TickInput {
    const config = this.store.config() as OrchestratorConfig
    const s = config.settings
    const step = Math.floor(nowMs / (s.tick_seconds * 1000))
    const nodes = this.store.nodes()
    const { demand, latency } = this.store.series(step, s.retention)
    const { health, utilisation } = this.store.health(nodes, step, s.retention)
    const approved = JSON.parse(this.store.meta('approved') ?? '{}') as Record<string, number>
    return {
      orchestrator: this.id as string,
      tick,
      at: new Date(nowMs).toISOString(),
      config: config.config,
      strategies: config.strategies,
      settings: s,
      nodes,
      workloads: this.store.workloads(),
      demand,
      latency,
      health,
      utilisation,
      replicas: this.store.replicas(),
      last_change: this.store.lastChange(),
      approved,
    }
  }

  private plan(input: TickInput): R<TickPlan> {
    try {
      return ok(planTick(input))
    } catch (e) {
      if (e instanceof BudgetExceededError) return fail(budgetRefusal(e))
      throw e
    }
  }

  /** Dry run: what the next tick would do now, and why. Stores nothing. */
  async dryRun(): Promise<R<PlanDoc>> {
    const config = this.store.config()
    if (!config) return fail({ code: 'orchestrator_not_found' })
    // a request does at most what one alarm chunk does; a larger fleet's plan is in its tick's decision
    const workloads = this.store.count('workloads')
    if (workloads > config.settings.chunk_workloads)
      return fail({
        code: 'budget_exceeded',
        budget: 'plan_workloads',
        limit: config.settings.chunk_workloads,
        unit: 'items',
        cpu_ms: 0,
        message: `a dry run plans at most chunk_workloads (${config.settings.chunk_workloads}) workloads; this fleet has ${workloads}`,
      })
    const tick = Number(this.store.meta('tick')) + 1
    const p = this.plan(this.inputsAt(Date.now(), tick))
    return p.ok ? ok(p.value.doc) : p
  }

  /**
   * One tick, applied: replicas, cooldowns and proposals change and the decision is ledgered in one
   * transaction. A tick that acts is always an entry; a tick that does nothing is a system entry, ledgered as
   * the verification level says. Its inputs are kept for replay (the ledger holds their digest). A fleet with
   * more workloads than `settings.chunk_workloads` is assessed in chunks, one per alarm (answer: the progress).
   * `by`: the credential that asked for it (its ledger entry names it; a tick of the alarm is the system's).
   */
  async tick(by?: Actor): Promise<R<PlanDoc | TickProgress>> {
    const r = this.begin(by)
    if (r.ok && 'running' in r.value) await this.ctx.storage.setAlarm(Date.now())
    else if (r.ok && !('running' in r.value)) await this.mirror(r.value.tick)
    return r
  }

  /**
   * ACT on the stored topology named in the settings: the replicas become its nodes, linked to their hosts, by
   * diffs from what it last received (a failed update is retried by the next tick's diff). Its update answers
   * whether greedy routes still deliver around removed replicas; the outcome is in the info document.
   */
  private async mirror(tick: number): Promise<void> {
    const name = this.store.config()?.settings.topology
    if (!name) return
    const synced = JSON.parse(this.store.meta('topology_synced') ?? '[]') as Replica[]
    const now = this.store.replicas()
    // Only a topology of the orchestrator's own tenant: a name deleted and created again by another tenant (or
    // created only after the configuration named it) is never written to.
    const directory = this.env.DIRECTORY.getByName('directory') as unknown as {
      tenantOf(id: string, kind: 'topology'): Promise<string | null>
    }
    const owner = await directory.tenantOf(name, 'topology')
    const tenant = this.store.meta('tenant') ?? 'default'
    const topology = this.env.TOPOLOGY.getByName(name) as DurableObjectStub<TopologyObject>
    let status: Record<string, unknown> = { name, tick, ok: true }
    if (owner !== tenant)
      status = { name, tick, ok: false, error: `no stored topology '${name}' of tenant '${tenant}'` }
    else
      for (const patch of topologyPatches(synced, now)) {
        const r = (await topology.update(patch)) as Awaited<ReturnType<TopologyObject['update']>>
        if (!r.ok) {
          status = { name, tick, ok: false, error: JSON.stringify(r.failure) }
          break
        }
        status = {
          name,
          tick,
          ok: true,
          version: r.value.version,
          ...(r.value.termination && {
            routes_ok: r.value.termination.routes_ok,
            route_failures: r.value.termination.failures.slice(0, 5),
          }),
        }
      }
    this.db.transaction(() => {
      if (status.ok) this.store.setMeta('topology_synced', JSON.stringify(now))
      this.store.setMeta('topology_sync', JSON.stringify(status))
    })
  }

  /** Runs a tick at once, or stores its inputs and progress for the chunks (synchronous: nothing interleaves). */
  private begin(by?: Actor): R<PlanDoc | TickProgress> {
    const config = this.store.config()
    if (!config) return fail({ code: 'orchestrator_not_found' })
    const running = this.running()
    if (running) return ok(running)
    const tick = Number(this.store.meta('tick')) + 1
    const input = this.inputsAt(Date.now(), tick)
    if (input.workloads.length <= config.settings.chunk_workloads) {
      const planned = this.plan(input)
      return planned.ok ? ok(this.apply(input, planned.value, by)) : planned
    }
    const progress: TickProgress = { running: { tick, assessed: 0, total: input.workloads.length } }
    this.db.transaction(() => {
      this.store.keepInputs(input, '')
      this.store.setMeta('running', JSON.stringify(progress.running))
      // the credential that started a chunked tick is named by its decision, made by the last chunk
      if (by) this.store.setMeta('running_by', JSON.stringify(by))
    })
    return ok(progress)
  }

  private running(): TickProgress | undefined {
    const r = this.store.meta('running')
    return r === undefined ? undefined : { running: JSON.parse(r) }
  }

  /** One chunk of a large tick: the next workloads assessed and kept; the last chunk places, acts and ledgers. */
  private chunk(): R<PlanDoc | TickProgress> {
    const { running } = this.running() as TickProgress
    const config = this.store.config() as OrchestratorConfig
    const input = (this.store.inputs(running.tick) as { inputs: TickInput }).inputs
    const ctx = new TickContext(input)
    try {
      const part = input.workloads.slice(running.assessed, running.assessed + config.settings.chunk_workloads)
      const assessed = part.map((w) => assessWorkload(ctx, w))
      const next = { ...running, assessed: running.assessed + part.length }
      if (next.assessed < next.total) {
        this.db.transaction(() => {
          this.store.keepAssessed(running.tick, assessed)
          this.store.setMeta('running', JSON.stringify(next))
        })
        return ok({ running: next })
      }
      const all = [...this.store.assessed(running.tick), ...assessed]
      const plan = finishTick(ctx, all)
      const by = this.store.meta('running_by')
      return ok(this.apply(input, plan, by === undefined ? undefined : (JSON.parse(by) as Actor)))
    } catch (e) {
      if (e instanceof BudgetExceededError) {
        this.db.transaction(() => this.store.dropRunning(running.tick))
        return fail(budgetRefusal(e))
      }
      throw e
    }
  }

  /** Applies a plan and ledgers it, in one transaction (a chunked tick's kept work goes in the same one). */
  private apply(input: TickInput, p: TickPlan, by?: Actor): PlanDoc {
    const tick = input.tick
    const acts = p.doc.actions.length > 0 || Object.keys(input.approved).length > 0
    this.ledgerOf().transact(
      (appends) => {
        this.store.replaceReplicas(p.replicas)
        this.store.markChanged(p.changed, tick)
        this.store.setMeta('tick', String(tick))
        this.store.setMeta('proposals', JSON.stringify({ tick, workloads: p.proposals }))
        this.store.deleteMeta('approved')
        this.store.dropRunning(tick)
        const index =
          acts || appends.due(`tick:${tick}`)
            ? appends.append(acts ? 'orchestrator.decision' : 'orchestrator.tick', decisionData(p.doc))
            : null
        this.store.keepInputs(input, p.doc.plan_digest, index)
      },
      input.at,
      by,
    )
    return p.doc
  }

  /** Approves the manual workloads' latest proposals (all, or those named) and runs a tick that applies them. */
  async approve(workloads?: string[], by?: Actor): Promise<R<PlanDoc | TickProgress>> {
    if (!this.store.config()) return fail({ code: 'orchestrator_not_found' })
    const proposals = JSON.parse(this.store.meta('proposals') ?? '{"workloads":{}}') as {
      tick?: number
      workloads: Record<string, number>
    }
    const chosen = Object.entries(proposals.workloads).filter(([w]) => !workloads || workloads.includes(w))
    if (chosen.length === 0) return fail({ code: 'nothing_to_approve' })
    const busy = this.busy()
    if (busy) return fail(busy)
    this.ledgerOf().transact(
      (appends) => {
        this.store.setMeta('approved', JSON.stringify(Object.fromEntries(chosen)))
        appends.append('orchestrator.approved', {
          proposal_tick: proposals.tick ?? null,
          approved: Object.fromEntries(chosen),
        })
      },
      undefined,
      by,
    )
    return this.tick(by)
  }

  /** Recomputes kept ticks from their inputs: each plan digest must equal the one the ledger recorded. */
  /**
   * Recomputes kept ticks from their inputs, newest first, while their workloads fit in one chunk
   * (`settings.chunk_workloads`, the work one alarm does): each plan digest must equal the one its ledger entry
   * recorded. Older ticks past that budget are listed in `not_replayed` (replay them offline from their inputs).
   */
  async replay(): Promise<R<ReplayDoc>> {
    const ledger = this.ledger
    const config = this.store.config()
    if (!ledger || !config) return fail({ code: 'orchestrator_not_found' })
    let left = config.settings.chunk_workloads
    const ticks: ReplayDoc['ticks'] = []
    const notReplayed: number[] = []
    for (const t of this.store.keptTicks().reverse()) {
      const kept = this.store.inputs(t) as NonNullable<ReturnType<OrchestratorStore['inputs']>>
      if (kept.inputs.workloads.length > left) {
        notReplayed.push(t)
        left = 0
        continue
      }
      left -= kept.inputs.workloads.length
      const replayed = planTick(kept.inputs).doc.plan_digest
      const row = kept.ledger_index === null ? undefined : ledger.page(kept.ledger_index, 1)[0]
      const inLedger = row && (JSON.parse(row.body) as { data: { plan_digest: string } }).data.plan_digest
      const expected = inLedger ?? kept.plan_digest
      ticks.push({
        tick: t,
        plan_digest: expected,
        replayed,
        ledgered: inLedger !== undefined,
        match: replayed === expected,
      })
    }
    return ok({ ticks: ticks.reverse(), not_replayed: notReplayed.reverse() })
  }

  async inputsOf(tick: number): Promise<R<TickInput>> {
    const kept = this.store.inputs(tick)
    return kept
      ? ok(kept.inputs)
      : fail({
          code: 'ledger_range',
          message: `tick ${tick}'s inputs are not kept (the last ${KEPT_INPUTS} are)`,
        })
  }

  async placements(): Promise<R<{ orchestrator: string; tick: number; replicas: Replica[] }>> {
    if (!this.store.config()) return fail({ code: 'orchestrator_not_found' })
    return ok({
      orchestrator: this.id as string,
      tick: Number(this.store.meta('tick')),
      replicas: this.store.replicas(),
    })
  }

  /** Commits every current replica's point and its workload's affinity for a distance proof (write). */
  async attestPlacements(
    body: attestation.PlacementAttestBody,
    by?: Actor,
  ): Promise<R<attestation.PlacementAttestation>> {
    const busy = this.busy()
    if (busy) return fail(busy)
    const items = attestation.prepare(this.store, body)
    if (!items.ok) return items
    const ledger = this.ledgerOf()
    return ok(
      ledger.transact(
        (appends) => attestation.record(this.db, this.store, body, items.value, appends),
        undefined,
        by,
      ).value,
    )
  }

  /** The secret opening of a placement attestation: the circuit inputs, coordinates and blindings (admin). */
  async placementOpening(
    index: number,
  ): Promise<R<attestation.PlacementAttestation & { witnesses: PlacementWitnessInput[]; receipt: Receipt }>> {
    if (!this.store.config()) return fail({ code: 'orchestrator_not_found' })
    const o = attestation.opening(this.db, index)
    return o.ok ? ok({ ...o.value, receipt: this.ledgerOf().receiptFor(index) }) : o
  }

  /** The forecast the next tick would use for one workload (with the history it comes from). */
  async forecastOf(workload: string): Promise<R<Forecast & { workload: string; series_length: number }>> {
    const config = this.store.config()
    if (!config) return fail({ code: 'orchestrator_not_found' })
    if (!this.store.ids('workloads').has(workload))
      return fail({ code: 'unknown_ids', kind: 'workload', ids: [workload] })
    const s = config.settings
    const series =
      this.store.series(Math.floor(Date.now() / (s.tick_seconds * 1000)), s.retention).demand[workload] ?? []
    try {
      const f = forecastFor(series, s)
      if (!f)
        return fail({
          code: 'series_too_short',
          workload,
          length: series.length,
          minimum: minimumLength({ horizon: s.horizon, period: 1 }),
        })
      return ok({ workload, series_length: series.length, ...f })
    } catch (e) {
      if (e instanceof BudgetExceededError) return fail(budgetRefusal(e))
      throw e
    }
  }

  /** Decision entries, oldest first from `from`, each with its receipt against the latest checkpoint. */
  async decisions(
    from: number,
    limit: number,
  ): Promise<R<{ decisions: DecisionDoc[]; next: number | null }>> {
    const ledger = this.ledger
    if (!ledger) return fail({ code: 'orchestrator_not_found' })
    const rows = ledger.page(from, limit + 1)
    const decisions = rows.slice(0, limit).flatMap((r): DecisionDoc[] => {
      const entry = JSON.parse(r.body) as { kind: string; at: string; data: Record<string, unknown> }
      if (!DECISION_KINDS.includes(entry.kind)) return []
      const receipt: Receipt = ledger.receiptFor(r.index)
      return [
        {
          index: r.index,
          tick: Number(entry.data.tick ?? 0),
          kind: entry.kind,
          at: entry.at,
          data: entry.data,
          receipt,
        },
      ]
    })
    return ok({ decisions, next: rows.length > limit ? from + limit : null })
  }

  async info(): Promise<R<OrchestratorInfo>> {
    return this.store.config() ? ok(this.infoDoc()) : fail({ code: 'orchestrator_not_found' })
  }

  private infoDoc(): OrchestratorInfo {
    const config = this.store.config() as OrchestratorConfig
    const ledger = this.ledgerOf()
    const proposals = JSON.parse(this.store.meta('proposals') ?? '{"workloads":{}}') as {
      workloads: Record<string, number>
    }
    const replicas = this.store.replicas()
    const count = new Map<string, number>()
    for (const r of replicas) count.set(r.workload, (count.get(r.workload) ?? 0) + 1)
    const pending = Object.entries(proposals.workloads).some(([w, n]) => (count.get(w) ?? 0) !== n)
    const next = this.store.meta('next_tick_at')
    return {
      id: this.id as string,
      created_at: this.store.meta('created_at') as string,
      tick: Number(this.store.meta('tick')),
      nodes: this.store.count('nodes'),
      workloads: this.store.count('workloads'),
      replicas: replicas.length,
      mode: config.config.orchestration_mode,
      ledger: {
        size: ledger.size,
        verifier_key: ledger.verifierKey,
        checkpoint: ledger.size > 0 ? ledger.checkpoint().note : null,
      },
      pending_approval: pending,
      storage_bytes: this.ctx.storage.sql.databaseSize,
      ...(this.store.meta('topology_sync') && {
        topology: JSON.parse(this.store.meta('topology_sync') as string),
      }),
      next_tick_at: next ?? null,
    }
  }

  /**
   * Ledger entries with their content hashes, oldest first from `from` (at most `limit`), for the bill
   * (functions/billing): `next` is null at the end of the ledger.
   */
  async billEntries(
    from: number,
    limit: number,
  ): Promise<R<{ entries: LedgerEntryWithHashes[]; next: number | null }>> {
    const ledger = this.ledger
    if (!ledger) return fail({ code: 'orchestrator_not_found' })
    const rows = ledger.page(from, limit + 1)
    return ok({
      entries: rows
        .slice(0, limit)
        .map((r) => ({ index: r.index, entry: JSON.parse(r.body), entry_hash: r.digest })),
      next: rows.length > limit ? from + limit : null,
    })
  }

  /** The ledger as a JSONL export (header + canonical entries [from, to)), verifiable offline like a holon's. */
  async exportLedger(from: number, to?: number): Promise<R<ReadableStream<Uint8Array>>> {
    const ledger = this.ledger
    if (!ledger) return fail({ code: 'orchestrator_not_found' })
    try {
      return ok(ledger.exportStream(from, to ?? ledger.size))
    } catch (e) {
      if (e instanceof LedgerRangeError) return fail({ code: 'ledger_range', message: e.message })
      throw e
    }
  }

  async receipt(index: number): Promise<R<Receipt>> {
    if (!this.ledger) return fail({ code: 'orchestrator_not_found' })
    try {
      return ok(this.ledger.receiptFor(index))
    } catch (e) {
      if (e instanceof LedgerRangeError) return fail({ code: 'ledger_range', message: e.message })
      throw e
    }
  }

  private async schedule(): Promise<void> {
    const config = this.store.config()
    if (!config?.settings.auto_tick) {
      this.store.deleteMeta('next_tick_at')
      await this.ctx.storage.deleteAlarm()
      return
    }
    const at = Date.now() + config.settings.tick_seconds * 1000
    this.store.setMeta('next_tick_at', new Date(at).toISOString())
    await this.ctx.storage.setAlarm(at)
  }

  /** The loop: one tick per period. A tick over its budget is skipped (and logged), the next one still comes. */
  override async alarm(): Promise<void> {
    if (!this.store.config()) return
    let r: R<PlanDoc | TickProgress>
    if (this.running()) {
      r = this.chunk()
      if (r.ok && !('running' in r.value)) await this.mirror(r.value.tick)
    } else r = await this.tick()
    if (!r.ok) console.warn(`orchestrator ${this.id}: tick refused: ${JSON.stringify(r.failure)}`)
    if (this.running()) await this.ctx.storage.setAlarm(Date.now())
    else await this.schedule()
  }
}

/** A large tick in progress: how many workloads its chunks assessed so far. */
export interface TickProgress {
  running: { tick: number; assessed: number; total: number }
}

/** What a decision entry records: digests that tie it to its inputs and plan, and the plan's content. */
function decisionData(doc: PlanDoc): Record<string, unknown> {
  return {
    tick: doc.tick,
    mode: doc.mode,
    inputs_digest: doc.inputs_digest,
    plan_digest: doc.plan_digest,
    objective: doc.objective,
    workloads: doc.workloads.map((w) => ({
      workload: w.workload,
      strategy: w.strategy,
      method: w.method,
      current: w.current,
      target: w.target,
      forecast: w.forecast && {
        model: w.forecast.model,
        next: w.forecast.point[0] ?? null,
        mase: w.forecast.mase,
      },
      failover: w.failover,
      reasons: w.reasons,
    })),
    actions: doc.actions,
    unplaced: doc.unplaced,
    ...(doc.regions && { regions: doc.regions }),
    // receipted allocation: the auction (input, awards, payments) and the Shapley shares the bill folds
    ...(doc.allocation && { allocation: doc.allocation }),
  }
}
