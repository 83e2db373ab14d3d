// The stress search: seeded trials (random, guided on the torsion margin or the intent's distance, build-then-spend),
// each finding replayed and shrunk; resumable from a cursor at trial boundaries so chunked runs equal one run.
import type { Evaluation, GateResult, Verdict } from '../../../schemas/evaluation.ts'
import { BudgetExceededError, StepBudget } from '../../budget/index.ts'
import {
  admits,
  aggView,
  type CompiledKernel,
  compileKernel,
  currentState,
  type EventValue,
  evaluateEvent,
  type FoldState,
  gateBatch,
  initialAggregates,
  verdict,
} from '../../kernel/index.ts'
import { mulberry32 } from '../../random/index.ts'
import {
  checkDomains,
  clampNumber,
  drawEvent,
  numericFields,
  type Rng,
  StressInputError,
} from './generate.ts'
import {
  broken,
  type CompiledIntent,
  compileIntents,
  distance,
  type IntentVars,
  windowView,
} from './intent.ts'
import { shrinkSequence } from './shrink.ts'
import {
  DEFAULT_EDGE,
  DEFAULT_LENGTH,
  DEFAULT_SEED,
  type Finding,
  MAX_LENGTH,
  type Strategy,
  type StressInput,
  type StressProgress,
} from './types.ts'

/** Steps charged for the search's own work per candidate event (drawing, copying, bookkeeping), calibrated. */
export const CANDIDATE_STEPS = 40
/** Random candidates per guided step, and consecutive refused steps that end a trial. */
const GUIDED_CANDIDATES = 4
const MAX_STALLS = 8

interface Target {
  key: string
  kind: Finding['kind']
  intent?: number
  invariant?: number
}

interface Ctx {
  k: CompiledKernel
  intents: CompiledIntent[]
  input: StressInput
  start: FoldState[]
  last: EventValue | undefined
  startEval: Evaluation
  maxLength: number
  edge: number
  seed: number
  strategy: Strategy
  targets: Target[]
  /** Invariants whose edge is meaningful: a threshold strictly between 0 and 1. */
  edgeInvariants: number[]
  policyPossible: boolean
}

interface Cursor {
  v: 1
  seed: number
  trial: number
  tried: number
  steps: number
  findings: Finding[]
  /** When each finding was made: sequences tried and steps spent before its trial ended (bench, docs). */
  at: { tried: number; steps: number }[]
}

export interface StressOptions {
  strategy?: Strategy
  /** The kernel was stored before (the holon's active kernel): compile it as the holon does. */
  stored?: boolean
}

function context(input: StressInput, strategy: Strategy, stored: boolean): Ctx {
  const k = compileKernel(input.kernel, { stored })
  const intents = compileIntents(input.intents, k)
  checkDomains(input.fields)
  const maxLength = input.max_length ?? DEFAULT_LENGTH
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > MAX_LENGTH)
    throw new StressInputError('/max_length', `max_length is an integer from 1 to ${MAX_LENGTH}`)
  const start = initialAggregates(k)
  const known = new Set(k.aggregates.map((a) => a.name))
  const stranger = Object.keys(input.start?.aggregates ?? {}).find((n) => !known.has(n))
  if (stranger !== undefined)
    throw new StressInputError(`/start/aggregates/${stranger}`, `the kernel has no aggregate '${stranger}'`)
  if (input.start) {
    k.aggregates.forEach((a, i) => {
      const s = input.start?.aggregates[a.name]
      if (s) start[i] = { n: s.n, v: s.v, c: s.c }
    })
  }
  const last = input.start?.last_event
  const startEval = currentState(k, start, last, new StepBudget('stress_steps', Number.MAX_SAFE_INTEGER, 0))
  const edgeInvariants = k.invariants
    .map((inv, i) => ({ t: inv.spec.threshold, i }))
    .filter(({ t }) => t > 0 && t < 1)
    .map(({ i }) => i)
  const policyPossible = k.gate.on_torsion === 'flag' || k.gate.admit_improving
  const targets: Target[] = [
    ...intents.map((it, i) => ({ key: `intent:${it.name}`, kind: 'intent' as const, intent: i })),
    ...(policyPossible
      ? intents.map((it, i) => ({ key: `policy:${it.name}`, kind: 'policy' as const, intent: i }))
      : []),
    ...edgeInvariants.map((i) => ({
      key: `edge:${k.invariants[i]?.name}`,
      kind: 'edge' as const,
      invariant: i,
    })),
  ]
  return {
    k,
    intents,
    input,
    start,
    last,
    startEval,
    maxLength,
    edge: input.edge ?? DEFAULT_EDGE,
    seed: input.seed ?? DEFAULT_SEED,
    strategy,
    targets,
    edgeInvariants,
    policyPossible,
  }
}

const keyOf = (f: Finding) => `${f.kind}:${f.kind === 'edge' ? f.invariant : f.intent}`

function readCursor(c: unknown, seed: number): Cursor {
  if (c === undefined || c === null) return { v: 1, seed, trial: 0, tried: 0, steps: 0, findings: [], at: [] }
  const x = c as Partial<Cursor>
  if (x.v !== 1 || x.seed !== seed || !Number.isInteger(x.trial) || !Array.isArray(x.findings))
    throw new StressInputError(
      '/cursor',
      'the cursor does not belong to this search (another seed or version)',
    )
  return {
    v: 1,
    seed,
    trial: x.trial as number,
    tried: x.tried ?? 0,
    steps: x.steps ?? 0,
    findings: x.findings,
    at: Array.isArray(x.at) ? x.at : [],
  }
}

/**
 * Runs trials until every target is found or `budget` runs out. A trial is atomic: one that runs out of budget
 * is discarded and the cursor points at it, so resuming repeats it with the same seed (chunked = unchunked).
 */
export function stress(
  input: StressInput,
  budget: StepBudget,
  cursor?: unknown,
  opts: StressOptions = {},
): StressProgress {
  const ctx = context(input, opts.strategy ?? 'mixed', opts.stored ?? false)
  const cur = readCursor(cursor, ctx.seed)
  const found = new Set(cur.findings.map(keyOf))
  const allFound = () => ctx.targets.every((t) => found.has(t.key))
  while (!allFound()) {
    const remaining = budget.limit - budget.spent
    if (remaining <= 0) break
    const sub = new StepBudget(budget.name, remaining, budget.cpuMs)
    let finds: Finding[]
    try {
      finds = trial(ctx, cur.trial, found, sub)
    } catch (e) {
      if (e instanceof BudgetExceededError && e.budget === sub.name && sub.spent > sub.limit) break
      throw e
    }
    budget.spend(sub.spent)
    cur.trial++
    cur.tried++
    cur.steps += sub.spent
    for (const f of finds) {
      found.add(keyOf(f))
      cur.findings.push(f)
      cur.at.push({ tried: cur.tried, steps: cur.steps })
    }
  }
  const done = allFound()
  return {
    tried: cur.tried,
    steps: cur.steps,
    findings: cur.findings,
    done,
    seed: ctx.seed,
    cursor: { ...cur, findings: [...cur.findings], at: [...cur.at] },
  }
}

/** An independent generator per trial: trial t draws the same numbers however the search was chunked. */
function trialRng(seed: number, t: number): Rng {
  const r = mulberry32((seed ^ Math.imul(t + 1, 0x9e3779b1)) >>> 0)
  r()
  return r
}

/** A sequence under construction: the admitted events so far and the state after them. */
interface Seq {
  events: EventValue[]
  states: FoldState[]
  before: Evaluation
  verdicts: Verdict[]
}

interface Tried {
  event: EventValue
  admitted: boolean
  verdict: Verdict
  evaluation: Evaluation
  states: FoldState[]
}

function tryEvent(ctx: Ctx, seq: Seq, event: EventValue, budget: StepBudget): Tried {
  budget.spend(CANDIDATE_STEPS)
  const { evaluation, states } = evaluateEvent(ctx.k, seq.states, event, budget)
  const v = verdict(ctx.k.gate, seq.before, evaluation, false)
  return { event, admitted: admits(v), verdict: v, evaluation, states }
}

function append(seq: Seq, t: Tried): Seq {
  return {
    events: [...seq.events, t.event],
    states: t.states,
    before: t.evaluation,
    verdicts: [...seq.verdicts, t.verdict],
  }
}

/** The intents' variables after `events` (ending in the state `states`), one window fold per distinct window. */
function varsFor(
  ctx: Ctx,
  events: readonly EventValue[],
  states: readonly FoldState[],
  budget: StepBudget,
): (i: CompiledIntent) => IntentVars {
  const agg = aggView(ctx.k, states)
  const event = events.at(-1) ?? {}
  const wins = new Map<number | undefined, Record<string, number>>()
  return (i) => {
    let win = wins.get(i.window)
    if (!win) {
      win = windowView(ctx.k, events, i.window, budget)
      wins.set(i.window, win)
    }
    return { agg, event, win }
  }
}

const POLICY_VERDICTS: ReadonlySet<Verdict> = new Set(['admit_flagged', 'admit_improving'])

/** Which unfound targets `seq` (admitted so far) hits after its last event. */
function hits(ctx: Ctx, seq: Seq, found: ReadonlySet<string>, budget: StepBudget): Target[] {
  if (seq.events.length === 0) return []
  const out: Target[] = []
  const strict = seq.verdicts.every((v) => v === 'admit')
  const viaPolicy = seq.verdicts.some((v) => POLICY_VERDICTS.has(v))
  const vars = varsFor(ctx, seq.events, seq.states, budget)
  for (const t of ctx.targets) {
    if (found.has(t.key)) continue
    if (t.kind === 'edge') {
      if (edgeHit(ctx, seq.before, t.invariant as number)) out.push(t)
      continue
    }
    if ((t.kind === 'intent' && !strict) || (t.kind === 'policy' && !viaPolicy)) continue
    const intent = ctx.intents[t.intent as number] as CompiledIntent
    if (broken(intent, vars(intent), budget)) out.push(t)
  }
  return out
}

function edgeHit(ctx: Ctx, e: Evaluation, i: number): boolean {
  if (!e.admissible) return false
  const m = (e.state_vector[i] as number) - (ctx.k.invariants[i]?.spec.threshold as number)
  return m >= 0 && m < ctx.edge
}

/** Replays `events` from the start state with the kernel's own gate. */
function replay(ctx: Ctx, events: readonly EventValue[], budget: StepBudget) {
  return gateBatch(ctx.k, ctx.start, events, { last: ctx.last, known: ctx.startEval, budget })
}

/** The finding's property, checked by replay: what shrinking must keep and what tests re-check. */
export function holdsFor(
  ctx: Ctx,
  t: Target,
  events: readonly EventValue[],
  budget: StepBudget,
): { holds: boolean; results: GateResult[] } {
  budget.spend(CANDIDATE_STEPS * events.length)
  const out = replay(ctx, events, budget)
  if (out.rejected !== undefined || events.length === 0) return { holds: false, results: out.results }
  const verdicts = out.results.map((r) => r.verdict)
  const lastEval = out.results.at(-1) as GateResult
  let holds: boolean
  if (t.kind === 'edge') holds = edgeHit(ctx, lastEval, t.invariant as number)
  else {
    if (t.kind === 'intent' && !verdicts.every((v) => v === 'admit'))
      return { holds: false, results: out.results }
    if (t.kind === 'policy' && !verdicts.some((v) => POLICY_VERDICTS.has(v)))
      return { holds: false, results: out.results }
    const intent = ctx.intents[t.intent as number] as CompiledIntent
    holds = broken(intent, varsFor(ctx, events, out.states, budget)(intent), budget)
  }
  return { holds, results: out.results }
}

function finding(ctx: Ctx, t: Target, raw: readonly EventValue[], budget: StepBudget): Finding {
  const events = shrinkSequence(raw, ctx.input.fields, (e) => holdsFor(ctx, t, e, budget).holds)
  const { results } = holdsFor(ctx, t, events, budget)
  const n = events.length
  const seq = `${n} admitted event${n === 1 ? '' : 's'} (shrunk from ${raw.length})`
  if (t.kind === 'edge') {
    const inv = ctx.k.invariants[t.invariant as number]
    const score = (results.at(-1) as GateResult).state_vector[t.invariant as number] as number
    return {
      kind: 'edge',
      invariant: inv?.name,
      events,
      original_length: raw.length,
      results,
      detail: `${seq} leave invariant '${inv?.name}' at score ${score}, within ${ctx.edge} of its threshold ${inv?.spec.threshold}, with zero torsion`,
    }
  }
  const name = ctx.intents[t.intent as number]?.name
  const policy = results
    .filter((r) => POLICY_VERDICTS.has(r.verdict))
    .map((r) => r.verdict)
    .filter((v, i, xs) => xs.indexOf(v) === i)
  return {
    kind: t.kind,
    intent: name,
    ...(t.kind === 'policy'
      ? { invariant: results.flatMap((r) => r.violations.map((v) => v.invariant))[0] }
      : {}),
    events,
    original_length: raw.length,
    results,
    detail:
      t.kind === 'policy'
        ? `${seq} make intent '${name}' true; the gate admitted ${policy.join(' and ')} events along the way (a strict gate refuses them)`
        : `${seq}, each admitted with zero torsion, make intent '${name}' true`,
  }
}

/** What a guided trial minimises: the target intent's distance, or the target invariant's margin above its threshold. */
function objective(ctx: Ctx, target: Target | undefined, seq: Seq, t: Tried, budget: StepBudget): number {
  if (!target) return 0
  if (target.kind === 'edge') {
    if (!t.evaluation.admissible) return Number.POSITIVE_INFINITY
    const i = target.invariant as number
    return (t.evaluation.state_vector[i] as number) - (ctx.k.invariants[i]?.spec.threshold as number)
  }
  const intent = ctx.intents[target.intent as number] as CompiledIntent
  const events = [...seq.events, t.event]
  const vars = varsFor(ctx, events, t.states, budget)(intent)
  return distance(intent.distance, vars, budget)
}

function trial(ctx: Ctx, t: number, found: ReadonlySet<string>, budget: StepBudget): Finding[] {
  const r = trialRng(ctx.seed, t)
  const mode = ctx.strategy === 'random' ? 'random' : (['random', 'guided', 'build'] as const)[t % 3]
  const open = ctx.targets.filter((x) => !found.has(x.key))
  const target = open.length > 0 ? open[Math.floor(t / 3) % open.length] : undefined
  const fields = ctx.input.fields
  let n = 0
  const nextId = () => `s${t}-${n++}`
  let seq: Seq = { events: [], states: ctx.start, before: ctx.startEval, verdicts: [] }
  const local = new Set(found)
  const finds: Finding[] = []
  const admitted = (tr: Tried) => {
    seq = append(seq, tr)
    for (const h of hits(ctx, seq, local, budget)) {
      local.add(h.key)
      finds.push(finding(ctx, h, seq.events, budget))
    }
  }
  if (mode === 'random') {
    let attempts = 0
    while (seq.events.length < ctx.maxLength && attempts++ < 4 * ctx.maxLength) {
      const tr = tryEvent(ctx, seq, drawEvent(fields, r, nextId()), budget)
      if (tr.admitted) admitted(tr)
    }
    return finds
  }
  if (mode === 'build') {
    // build slack with one repeated event, then spend it guided: many holes need both phases
    // the simplest events (every number at its minimum, or its maximum) build slack in many kernels: idle,
    // zero-valued or maximal events; otherwise a random one
    const u = r()
    const template =
      u < 0.5
        ? extremeEvent(fields, u < 0.35 ? 'min' : 'max', drawEvent(fields, r, ''))
        : drawEvent(fields, r, '')
    // long runs of slack more often than short ones: short prefixes are what random trials already cover
    const reps = 1 + Math.floor(Math.sqrt(r()) * (ctx.maxLength - 1))
    for (let i = 0; i < reps; i++) {
      const tr = tryEvent(ctx, seq, { ...template, id: nextId() }, budget)
      if (!tr.admitted) break
      admitted(tr)
    }
  }
  const numeric = numericFields(fields)
  let stalls = 0
  let best = Number.POSITIVE_INFINITY
  while (seq.events.length < ctx.maxLength && stalls < MAX_STALLS) {
    const cands: Tried[] = []
    for (let i = 0; i < GUIDED_CANDIDATES; i++)
      cands.push(tryEvent(ctx, seq, drawEvent(fields, r, nextId()), budget))
    const base = cands.find((c) => c.admitted) ?? cands[0]
    if (base && numeric.length > 0) cands.push(...towardBoundary(ctx, seq, base, numeric, r, nextId, budget))
    const ok = cands.filter((c) => c.admitted)
    if (ok.length === 0) {
      stalls++
      continue
    }
    stalls = 0
    const scored = ok.map((c) => ({ c, o: objective(ctx, target, seq, c, budget) }))
    let choice = scored.reduce((a, b) => (b.o < a.o ? b : a))
    // no candidate improves: explore instead of spending the slack greedily
    if (choice.o >= best && r() < 0.5) choice = scored[Math.floor(r() * scored.length)] as typeof choice
    best = Math.min(best, choice.o)
    admitted(choice.c)
  }
  return finds
}

/** `base` with every numeric member at its domain's minimum or maximum. */
function extremeEvent(fields: Ctx['input']['fields'], end: 'min' | 'max', base: EventValue): EventValue {
  const e = { ...base }
  for (const [name, d] of Object.entries(fields))
    if (d.kind === 'number' && name !== 'id') e[name] = clampNumber(d, d[end])
  return e
}

/**
 * Local moves on one numeric member of `base`: its domain extremes, or when the gate refuses an extreme, the
 * admitted value closest to it by bisection. These are the events at the torsion margin's boundary.
 */
function towardBoundary(
  ctx: Ctx,
  seq: Seq,
  base: Tried,
  numeric: readonly string[],
  r: Rng,
  nextId: () => string,
  budget: StepBudget,
): Tried[] {
  const name = numeric[Math.floor(r() * numeric.length)] as string
  const d = ctx.input.fields[name] as { kind: 'number'; min: number; max: number; integer?: boolean }
  const at = (x: number) => tryEvent(ctx, seq, { ...base.event, id: nextId(), [name]: x }, budget)
  const out: Tried[] = []
  for (const end of [d.min, d.max]) {
    const extreme = at(clampNumber(d, end))
    if (extreme.admitted || !base.admitted) {
      out.push(extreme)
      continue
    }
    let good = base
    let goodX = base.event[name] as number
    let badX = clampNumber(d, end)
    for (let i = 0; i < (d.integer ? 64 : 24); i++) {
      const mid = clampNumber(d, (goodX + badX) / 2)
      if (mid === goodX || mid === badX) break
      const m = at(mid)
      if (m.admitted) {
        good = m
        goodX = mid
      } else badX = mid
    }
    out.push(good)
  }
  return out
}
