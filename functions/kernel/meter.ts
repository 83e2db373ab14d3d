// Run-time metering of a checked CEL syntax tree: every evaluation spends steps from the request's budget.
//
// cel-js has structural limits but no cost budget, so after type-checking we instrument its tree in place:
// an evaluation spends its node count once, every comprehension iteration spends the node count of its
// body, and operations whose work grows with their operands (`+` on strings and lists, `in`, `==` on
// collections, string and list functions) spend steps in proportion to the sizes before they run.
import { BudgetExceededError, type StepBudget } from '../budget/index.ts'
import {
  CHARS_PER_STEP,
  EVALUATION_STEPS,
  ITEMS_PER_STEP,
  MAX_VALUE_CHARS,
  MAX_VALUE_ITEMS,
  NS_PER_STEP,
} from './limits.ts'
import { matches } from './regex.ts'

/** The slice of cel-js's ASTNode this module relies on (cel-js 8, lib/parser.js and lib/operators.js). */
export interface CelNode {
  op: string
  args: unknown
  meta: { alternate?: CelNode; macro?: CelMacro; evaluate: Evaluate }
  checkedType?: { kind: string; name: string }
  /** Offset of the node in the parsed text. */
  start?: number
  handle?: (...xs: unknown[]) => unknown
  evaluate: Evaluate
}
interface CelMacro {
  val?: CelNode
  exp?: CelNode
  var?: string
  args?: CelNode[]
  evaluate?: Evaluate
}
export interface Comprehension {
  iterVarName: string
  iterable: CelNode
  init: CelNode
  step: CelNode
}
type Evaluate = (ev: unknown, ast: CelNode, ctx: unknown) => unknown

const isNode = (x: unknown): x is CelNode =>
  typeof x === 'object' && x !== null && typeof (x as CelNode).op === 'string' && 'meta' in x

/** The nodes evaluated for `n` (a macro's expansion, not its call site); a comprehension's step is last. */
export function children(n: CelNode): CelNode[] {
  const { alternate, macro } = n.meta
  if (alternate) return [alternate]
  if (macro) return [macro.val, macro.exp, ...(macro.args ?? [])].filter(isNode)
  if (n.op === 'comprehension') {
    const c = n.args as Comprehension
    return [c.iterable, c.init, c.step]
  }
  const a = n.args
  if (isNode(a)) return [a]
  if (!Array.isArray(a)) return []
  return (a.flat(2) as unknown[]).filter(isNode)
}

/** Nodes evaluated once per evaluation of `n`: comprehension bodies are counted per iteration instead. */
function onceCount(n: CelNode): number {
  const kids = children(n)
  const body = n.op === 'comprehension' ? kids.slice(0, 2) : kids
  let total = 1
  for (const k of body) total += onceCount(k)
  return total
}

/** The budget of the evaluation running now: evaluation is synchronous, so one slot is enough. */
let active: StepBudget | undefined

export function spend(steps: number): void {
  if (active) active.spend(steps)
}

/**
 * Wraps an evaluation so it runs with `budget` active, spending `base` steps first. A budget exhausted
 * inside CEL's error absorption (`||`, `exists`) still fails: it is checked again at the end (callers
 * that catch expression errors check `exhausted` too). Expressions never evaluate other expressions, so
 * the slot needs no restoring (and the fast path no try/finally).
 */
export function metered<V, T>(base: number, evaluate: (vars: V) => T): (vars: V, budget: StepBudget) => T {
  return (vars, budget) => {
    active = budget
    budget.spend(base)
    const out = evaluate(vars)
    exhausted(budget)
    return out
  }
}

/** Throws the budget's error if it was exhausted (an error CEL raised meanwhile is then not the cause). */
export function exhausted(budget: StepBudget): void {
  if (budget.spent > budget.limit) budget.spend(0)
}

function tooLarge(what: string, size: number, limit: number, unit: 'bytes' | 'items'): never {
  const ms = Math.max(
    1,
    Math.round(((limit / (unit === 'bytes' ? CHARS_PER_STEP : ITEMS_PER_STEP)) * NS_PER_STEP) / 1e6),
  )
  throw new BudgetExceededError(
    'expression_size',
    limit,
    unit,
    ms,
    `${what} of ${size} ${unit === 'bytes' ? 'characters' : 'items'} exceeds the expression size limit of ${limit}`,
  )
}

/** Steps for handling `v` once (shallow: a string's characters, a list's or map's entries). */
function shallow(v: unknown): number {
  if (typeof v === 'string') return v.length / CHARS_PER_STEP
  if (Array.isArray(v)) return v.length / ITEMS_PER_STEP
  if (v instanceof Uint8Array) return v.length / CHARS_PER_STEP
  if (v instanceof Map || v instanceof Set) return v.size / ITEMS_PER_STEP
  if (typeof v === 'object' && v !== null) return Object.keys(v).length / ITEMS_PER_STEP
  return 0
}

const deepSizes = new WeakMap<object, number>()
/**
 * Values a deep comparison may visit in `v`. Lists of scalars (the common case, and fresh on every
 * evaluation when written as literals) are counted directly; nested collections are cached, since event
 * values do not change while metered.
 */
function deep(v: unknown): number {
  if (typeof v === 'string') return 1 + v.length / CHARS_PER_STEP
  if (typeof v !== 'object' || v === null) return 1
  if (Array.isArray(v)) {
    let n = 1
    let nested = false
    for (const x of v) {
      if (typeof x === 'object' && x !== null) nested = true
      else n += typeof x === 'string' ? 1 + x.length / CHARS_PER_STEP : 1
    }
    return nested ? deepNested(v) : n
  }
  return deepNested(v)
}

function deepNested(v: object): number {
  const known = deepSizes.get(v)
  if (known !== undefined) return known
  let n = 1
  if (Array.isArray(v) || v instanceof Set) for (const x of v) n += deep(x)
  else if (v instanceof Map) for (const x of v.values()) n += deep(x)
  else if (v instanceof Uint8Array) n += v.length / CHARS_PER_STEP
  else for (const x of Object.values(v)) n += deep(x)
  deepSizes.set(v, n)
  return n
}

function chargeConcat(l: unknown, r: unknown): void {
  if (typeof l === 'string' && typeof r === 'string') {
    const n = l.length + r.length
    if (n > MAX_VALUE_CHARS) tooLarge('a string', n, MAX_VALUE_CHARS, 'bytes')
    spend(Math.ceil(n / CHARS_PER_STEP))
  } else if (Array.isArray(l) && Array.isArray(r)) {
    const n = l.length + r.length
    if (n > MAX_VALUE_ITEMS) tooLarge('a list', n, MAX_VALUE_ITEMS, 'items')
    spend(Math.ceil(n / ITEMS_PER_STEP))
  } else if (l instanceof Uint8Array && r instanceof Uint8Array) {
    const n = l.length + r.length
    if (n > MAX_VALUE_CHARS) tooLarge('a byte string', n, MAX_VALUE_CHARS, 'bytes')
    spend(Math.ceil(n / CHARS_PER_STEP))
  }
}

/** Functions whose result can outgrow their arguments: checked before they run. */
function chargeCall(name: string, args: unknown[]): void {
  let steps = 0
  for (const a of args) steps += shallow(a)
  if (name === 'join' && Array.isArray(args[0])) {
    const list = args[0] as unknown[]
    const sep = typeof args[1] === 'string' ? args[1].length : 0
    let n = sep * Math.max(0, list.length - 1)
    for (const x of list) n += typeof x === 'string' ? x.length : 0
    if (n > MAX_VALUE_CHARS) tooLarge('a joined string', n, MAX_VALUE_CHARS, 'bytes')
    steps += n / CHARS_PER_STEP
  } else if (name === 'split' && typeof args[0] === 'string') {
    const n = args[0].length + 1
    if (n > MAX_VALUE_ITEMS && args[1] === '') tooLarge('a split list', n, MAX_VALUE_ITEMS, 'items')
    steps += n / ITEMS_PER_STEP
  }
  spend(Math.ceil(steps))
}

const primitive = new Set(['double', 'int', 'uint', 'bool', 'null_type'])
const scalar = (n: unknown) => isNode(n) && n.checkedType !== undefined && primitive.has(n.checkedType.name)

/** What `n` evaluates to, bypassing cel-js's lazy first-call dispatch (it would overwrite our wrapper). */
function effective(n: CelNode): Evaluate {
  const { alternate, macro } = n.meta
  if (alternate) return (ev, _ast, ctx) => alternate.evaluate(ev, alternate, ctx)
  if (macro) return (ev, _ast, ctx) => (macro.evaluate as Evaluate)(ev, macro as unknown as CelNode, ctx)
  return n.meta.evaluate
}

/**
 * Instruments a checked tree in place; returns the steps one evaluation spends before any iteration:
 * its nodes plus the fixed cost of an evaluation.
 */
export function instrument(root: CelNode): number {
  const visit = (n: CelNode) => {
    for (const k of children(n)) visit(k)
    if (n.meta.alternate || n.meta.macro) return
    if (n.op === 'comprehension') {
      const { step } = n.args as Comprehension
      const per = onceCount(step)
      const run = effective(step)
      step.evaluate = (ev, ast, ctx) => {
        spend(per)
        return run(ev, ast, ctx)
      }
      return
    }
    const handle = n.handle
    if (typeof handle !== 'function') return
    const args = n.args as unknown[]
    if (n.op === '+' && !scalar(n)) {
      n.handle = (l, r, ast, ev) => {
        chargeConcat(l, r)
        return handle(l, r, ast, ev)
      }
    } else if ((n.op === '==' || n.op === '!=' || n.op === 'in') && !(scalar(args[0]) && scalar(args[1]))) {
      n.handle = (l, r, ast, ev) => {
        if (typeof r === 'object' && r !== null)
          spend(Math.ceil((n.op === 'in' ? deep(r) : Math.min(deep(l), deep(r))) / ITEMS_PER_STEP))
        return handle(l, r, ast, ev)
      }
    } else if (n.op === 'rcall') {
      const name = args[0] as string
      if (name === 'matches') {
        n.handle = (xs: unknown) => {
          const [s, re] = xs as unknown[]
          return matches(s, re, spend)
        }
      } else {
        n.handle = (xs, ev, ast) => {
          chargeCall(name, xs as unknown[])
          return handle(xs, ev, ast)
        }
      }
    } else if (n.op === 'call') {
      const name = args[0] as string
      const operands = args[1] as unknown[]
      if (operands.every(scalar)) return
      n.handle = (xs, ast, ev) => {
        chargeCall(name, xs as unknown[])
        return handle(xs, ast, ev)
      }
    }
  }
  visit(root)
  return EVALUATION_STEPS + onceCount(root)
}
