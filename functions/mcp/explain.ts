// Explains a gate refusal: which invariants, by how much, and the nearest change that would admit the event.
import type { Evaluation, ExprError, Verdict } from '../../schemas/evaluation.ts'
import { BudgetExceededError, type StepBudget } from '../budget/index.ts'
import {
  type Aggregates,
  aggView,
  type CompiledKernel,
  type EventValue,
  evaluateEvent,
  expressionBudget,
  gateBatch,
  score,
} from '../kernel/index.ts'

/** Numeric event fields searched, in document order: a bound on the work per explanation. */
export const MAX_FIELDS = 16
/** Exponential search: steps of 2^-20 .. 2^60 times the scale of the value, each side. */
const MIN_EXP = -20
const MAX_EXP = 60
/** Bisection rounds once a boundary is bracketed: 2^-50 of the bracket is below double noise for our use. */
const BISECT_ROUNDS = 50
/**
 * Steps charged per search evaluation on top of its expression steps: an evaluation has a fixed cost (copying
 * the event, converting it for CEL, folding, scoring) of 3 to 13 µs measured here (`npm run mcp:smoke`) that
 * the expression steps alone do not count; at NS_PER_STEP (100 ns) 128 steps stand for 12.8 µs.
 */
export const SEARCH_EVALUATION_STEPS = 128

export interface InvariantShortfall {
  invariant: string
  score: number
  threshold: number
  /** threshold - score: how far the score falls short. */
  shortfall: number
  weight: number
  /** weight * shortfall^2: this invariant's share of the torsion. */
  cost: number
  /** The aggregates the score expression reads, as they would be after the event. */
  aggregates: AggregateChange[]
}

export interface AggregateChange {
  aggregate: string
  /** The aggregate's value after the event (null when it has none yet or its fold failed). */
  value: number | null
  /** The nearest value at which this invariant reaches its threshold, the other aggregates unchanged. */
  needed: number | null
  change: number | null
}

export interface FieldChange {
  /** JSON pointer of the numeric event field. */
  field: string
  value: number
  /** The nearest value of this field (the rest of the event unchanged) at which the event is admitted. */
  needed: number | null
  change: number | null
}

export interface Explanation {
  verdict: Verdict
  admissible: boolean
  torsion: number
  torsion_before: number
  quarantined: boolean
  violations: InvariantShortfall[]
  errors: ExprError[]
  fields: FieldChange[]
  /** False when the work budget ran out before every search finished: the changes found so far are listed. */
  complete: boolean
  summary: string[]
}

export interface ExplainOptions {
  /** The evaluation of the current state (the holon keeps it). */
  known?: Evaluation
  last?: EventValue
  quarantined?: boolean
  budget?: StepBudget
}

/** Signals a search ended by the budget: the partial explanation is still returned. */
class SearchStopped extends Error {}

/**
 * The nearest x to x0 (within 2^MAX_EXP times its scale) with ok(x), searched outwards on both sides and then
 * bisected to the boundary; integers stay integers, and decimals are shortened to the fewest significant digits
 * that still pass. Null when neither side has such a value. Exact for a monotone `ok`; for others, a boundary.
 */
export function nearestPassing(x0: number, ok: (x: number) => boolean): number | null {
  const scale = Math.max(Math.abs(x0), 1)
  let best: number | null = null
  for (const side of [-1, 1]) {
    let inside = x0
    let found: number | null = null
    for (let e = MIN_EXP; e <= MAX_EXP; e++) {
      const x = x0 + side * scale * 2 ** e
      if (best !== null && Math.abs(x - x0) > Math.abs(best - x0) * 2) break
      if (ok(x)) {
        found = x
        break
      }
      inside = x
    }
    if (found === null) continue
    let pass = found
    for (let i = 0; i < BISECT_ROUNDS; i++) {
      const mid = (inside + pass) / 2
      if (mid === inside || mid === pass) break
      if (ok(mid)) pass = mid
      else inside = mid
    }
    pass = tidy(x0, pass, ok)
    if (best === null || Math.abs(pass - x0) < Math.abs(best - x0)) best = pass
  }
  return best
}

/** A rounder passing value no farther from x0 than `pass`: an integer when x0 is one, else few digits. */
function tidy(x0: number, pass: number, ok: (x: number) => boolean): number {
  const far = Math.abs(pass - x0)
  const candidates = Number.isInteger(x0)
    ? [pass > x0 ? Math.ceil(pass - 1e-9) : Math.floor(pass + 1e-9)]
    : Array.from({ length: 15 }, (_, p) => Number(pass.toPrecision(p + 1)))
  for (const c of candidates) if (Number.isFinite(c) && Math.abs(c - x0) <= far && c !== x0 && ok(c)) return c
  if (Number.isInteger(x0)) {
    const outward = pass > x0 ? Math.ceil(pass) : Math.floor(pass)
    if (ok(outward)) return outward
  }
  return pass
}

/** Aggregate names a score expression reads (`agg.name`, `agg["name"]`, `agg['name']`). */
export function aggregatesRead(expr: string): string[] {
  const names = new Set<string>()
  for (const m of expr.matchAll(/\bagg\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*(["'])([A-Za-z_]\w*)\2\s*\])/g))
    names.add((m[1] ?? m[3]) as string)
  return [...names]
}

/** Numeric leaves of the event outside `id`, as JSON pointers, in document order (lists are not entered). */
export function numericFields(event: EventValue, limit = MAX_FIELDS): { pointer: string; path: string[] }[] {
  const out: { pointer: string; path: string[] }[] = []
  const walk = (v: unknown, path: string[]) => {
    if (out.length >= limit) return
    if (typeof v === 'number' && Number.isFinite(v) && path.length > 0) {
      out.push({
        pointer: path.map((p) => `/${p.replaceAll('~', '~0').replaceAll('/', '~1')}`).join(''),
        path,
      })
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) if (!(path.length === 0 && k === 'id')) walk(x, [...path, k])
    }
  }
  walk(event, [])
  return out
}

function withField(event: EventValue, path: string[], x: number): EventValue {
  const [head, ...rest] = path as [string, ...string[]]
  return {
    ...event,
    [head]: rest.length === 0 ? x : withField(event[head] as EventValue, rest, x),
  }
}

const verb = (change: number) => (change < 0 ? 'lower' : 'raise')
const fmt = (x: number) => String(Number(x.toPrecision(12)))

/**
 * Explains the gate's verdict on `event` against the holon's kernel and aggregates, changing nothing. Each
 * violated invariant gets its shortfall and, for each aggregate its score reads, the nearest value meeting the
 * threshold; each numeric event field gets the nearest value at which the whole event is admitted (zero torsion,
 * or admit_improving), found by search on the kernel itself. Every evaluation spends from one budget: a
 * refusal of the first evaluation throws BudgetExceededError; running out during the searches ends them.
 */
export function explainEvent(
  k: CompiledKernel,
  states: Aggregates,
  event: EventValue,
  { known, last, quarantined = false, budget = expressionBudget() }: ExplainOptions = {},
): Explanation {
  const gated = gateBatch(k, states, [event], { known, last, quarantined, budget })
  const result = gated.results[0] as (typeof gated.results)[0]
  const before = known ?? { torsion: result.torsion_before }
  const guarded = (f: () => boolean): boolean => {
    try {
      budget.spend(SEARCH_EVALUATION_STEPS)
      return f()
    } catch (e) {
      if (e instanceof BudgetExceededError) throw new SearchStopped()
      throw e
    }
  }
  // Admitted without flag or override: zero torsion, or a strict improvement the kernel allows.
  const admitted = (ev: EventValue): boolean =>
    guarded(() => {
      const r = evaluateEvent(k, states, ev, budget).evaluation
      if (r.admissible) return true
      return (
        k.gate.admit_improving && before.torsion > 0 && r.errors.length === 0 && r.torsion < before.torsion
      )
    })
  let complete = true
  const search = <T>(f: () => T, fallback: T): T => {
    if (!complete) return fallback
    try {
      return f()
    } catch (e) {
      if (!(e instanceof SearchStopped)) throw e
      complete = false
      return fallback
    }
  }

  const stepped = evaluateEvent(k, states, event, budget)
  const view = aggView(k, stepped.states, stepped.evaluation.errors)
  const violations: InvariantShortfall[] = result.violations.map((v) => {
    const inv = k.invariants.find((i) => i.name === v.invariant)
    const names = inv
      ? aggregatesRead(inv.spec.score).filter((n) => k.aggregates.some((a) => a.name === n))
      : []
    const meets = (name: string) => (x: number) =>
      guarded(
        () =>
          !score(k, { ...view, [name]: x }, event, [], budget).violations.some(
            (w) => w.invariant === v.invariant,
          ),
      )
    const aggregates = names.map((name): AggregateChange => {
      const value = view[name]
      if (value === undefined) return { aggregate: name, value: null, needed: null, change: null }
      const needed = search(() => nearestPassing(value, meets(name)), null)
      return { aggregate: name, value, needed, change: needed === null ? null : needed - value }
    })
    return {
      invariant: v.invariant,
      score: v.score,
      threshold: v.threshold,
      shortfall: v.threshold - v.score,
      weight: v.weight,
      cost: v.cost,
      aggregates,
    }
  })

  const refused = !result.admissible && result.verdict !== 'admit_improving'
  const fields: FieldChange[] = refused
    ? numericFields(event).map(({ pointer, path }) => {
        const value = path.reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], event) as number
        const needed = search(() => nearestPassing(value, (x) => admitted(withField(event, path, x))), null)
        return { field: pointer, value, needed, change: needed === null ? null : needed - value }
      })
    : []

  const summary: string[] = []
  if (quarantined)
    summary.push('the holon is quarantined by its pulse: every commit needs an override by a human (admin)')
  if (!refused) summary.push(`the event is admitted (${result.verdict}, torsion ${fmt(result.torsion)})`)
  for (const v of violations) {
    summary.push(
      `invariant ${v.invariant}: score ${fmt(v.score)} is ${fmt(v.shortfall)} below its threshold ${fmt(v.threshold)} (torsion share ${fmt(v.cost)})`,
    )
    for (const a of v.aggregates)
      if (a.change !== null && a.value !== null && a.needed !== null)
        summary.push(
          `  ${verb(a.change)} aggregate ${a.aggregate} from ${fmt(a.value)} to ${fmt(a.needed)} (${a.change > 0 ? '+' : ''}${fmt(a.change)}) to meet it`,
        )
  }
  for (const e of result.errors)
    summary.push(
      `expression error in ${e.invariant ?? e.aggregate}: ${e.message} (fix the event, do not drop the field)`,
    )
  for (const f of fields)
    if (f.change !== null && f.needed !== null)
      summary.push(
        `${verb(f.change)} field ${f.field} from ${fmt(f.value)} to ${fmt(f.needed)} (${f.change > 0 ? '+' : ''}${fmt(f.change)}) and the event is admitted`,
      )
  if (refused && fields.every((f) => f.needed === null))
    summary.push('no single numeric field of the event can be changed to admit it')
  if (!complete)
    summary.push('the work budget ran out before every search finished; the changes above are partial')

  return {
    verdict: result.verdict,
    admissible: result.admissible,
    torsion: result.torsion,
    torsion_before: result.torsion_before,
    quarantined,
    violations,
    errors: result.errors,
    fields,
    complete,
    summary,
  }
}
