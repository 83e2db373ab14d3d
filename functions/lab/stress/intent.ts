// Intents: compiled with the kernel's CEL compiler, evaluated after an event, with a distance to guide the search.
import type { StepBudget } from '../../budget/index.ts'
import { BudgetExceededError } from '../../budget/index.ts'
import {
  type Aggregates,
  aggView,
  type CompiledExpr,
  type CompiledKernel,
  compileExpr,
  type EventValue,
  type ExprProblem,
  initialAggregates,
  step,
} from '../../kernel/index.ts'
import type { Intent } from './types.ts'

/** A bad intent: the HTTP edge answers 400 with a pointer to `/intents/<i>/never`. */
export class IntentCompileError extends Error {
  override name = 'IntentCompileError'
  readonly issues: (Partial<ExprProblem> & { pointer: string; intent: string; message: string })[]
  constructor(issues: IntentCompileError['issues']) {
    super(issues.map((i) => `${i.pointer} (${i.intent}): ${i.message}`).join('; '))
    this.issues = issues
  }
}

type Cmp = '<' | '<=' | '>' | '>=' | '==' | '!='
/** How far a boolean expression is from true: comparisons give a gap, `&&` sums, `||` takes the least. */
type Distance =
  | { op: 'and' | 'or'; parts: Distance[] }
  | { op: 'cmp'; cmp: Cmp; lhs: CompiledExpr; rhs: CompiledExpr }
  | { op: 'bool'; expr: CompiledExpr }

export interface CompiledIntent {
  name: string
  window: number | undefined
  never: CompiledExpr
  distance: Distance
}

export function compileIntents(intents: readonly Intent[], k: CompiledKernel): CompiledIntent[] {
  const aggregates = new Set(k.aggregates.map((a) => a.name))
  const issues: IntentCompileError['issues'] = []
  const out = intents.map((intent, i) => {
    const pointer = `/intents/${i}/never`
    const r = compileExpr(intent.never, { scope: 'intent', result: 'bool', aggregates })
    const unknownWin = winRefs(intent.never).find((n) => !aggregates.has(n))
    if (!r.ok) issues.push({ pointer, intent: intent.name, ...r.problem })
    else if (unknownWin)
      issues.push({ pointer, intent: intent.name, message: `unknown aggregate 'win.${unknownWin}'` })
    else if (unknownWin === undefined && intent.window === undefined && winRefs(intent.never).length > 0)
      issues.push({
        pointer,
        intent: intent.name,
        message: '`win.<aggregate>` needs the intent to set `window`',
      })
    const never = r.ok ? r.expr : () => false
    return {
      name: intent.name,
      window: intent.window,
      never,
      distance: distanceOf(intent.never, aggregates) ?? { op: 'bool' as const, expr: never },
    }
  })
  const seen = new Set<string>()
  intents.forEach((intent, i) => {
    if (seen.has(intent.name))
      issues.push({
        pointer: `/intents/${i}/name`,
        intent: intent.name,
        message: 'intent names must be unique',
      })
    seen.add(intent.name)
  })
  if (issues.length > 0) throw new IntentCompileError(issues)
  return out
}

/** `win.<name>` references outside string literals. */
function winRefs(src: string): string[] {
  return [...stripStrings(src).matchAll(/(?<![\w.])win\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)/g)].map(
    (m) => m[1] as string,
  )
}

function stripStrings(src: string): string {
  return src.replace(/("([^"\\]|\\.)*"|'([^'\\]|\\.)*')/g, (m) => ' '.repeat(m.length))
}

/** Splits `src` at a top-level operator (outside brackets and strings); positions are in `src`. */
function splitTop(src: string, ops: readonly string[]): { parts: string[]; ops: string[] } {
  const masked = stripStrings(src)
  const parts: string[] = []
  const found: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < masked.length; i++) {
    const ch = masked[i] as string
    if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (ch === ')' || ch === ']' || ch === '}') depth--
    else if (depth === 0) {
      const op = ops.find((o) => masked.startsWith(o, i))
      if (op === undefined) continue
      // `<` and `>` are not the first character of `<=` / `>=`; `!` of `!=` is not negation here
      parts.push(src.slice(start, i))
      found.push(op)
      i += op.length - 1
      start = i + 1
    }
  }
  parts.push(src.slice(start))
  return { parts, ops: found }
}

/** Strips parentheses that enclose the whole expression. */
function unwrap(src: string): string {
  let s = src.trim()
  while (s.startsWith('(') && s.endsWith(')')) {
    const inner = s.slice(1, -1)
    if (splitTop(inner, [')']).parts.length > 1 || depthNegative(inner)) break
    s = inner.trim()
  }
  return s
}

function depthNegative(src: string): boolean {
  let d = 0
  for (const ch of stripStrings(src)) {
    if (ch === '(') d++
    else if (ch === ')' && --d < 0) return true
  }
  return false
}

/** The distance structure of an intent, or undefined when a part does not compile as a number or bool. */
function distanceOf(src: string, aggregates: ReadonlySet<string>, depth = 0): Distance | undefined {
  const s = unwrap(src)
  const bool = (): Distance | undefined => {
    const r = compileExpr(s, { scope: 'intent', result: 'bool', aggregates })
    return r.ok ? { op: 'bool', expr: r.expr } : undefined
  }
  if (depth > 8 || splitTop(s, ['?']).parts.length > 1) return bool()
  for (const op of ['||', '&&'] as const) {
    const { parts } = splitTop(s, [op])
    if (parts.length > 1) {
      const ds = parts.map((p) => distanceOf(p, aggregates, depth + 1))
      if (ds.some((d) => d === undefined)) return bool()
      return { op: op === '||' ? 'or' : 'and', parts: ds as Distance[] }
    }
  }
  const cmp = splitTop(s, ['<=', '>=', '==', '!=', '<', '>'])
  if (cmp.parts.length === 2) {
    const [l, r] = cmp.parts.map((p) =>
      compileExpr(p.trim(), { scope: 'intent', result: 'number', aggregates }),
    )
    if (l?.ok && r?.ok) return { op: 'cmp', cmp: cmp.ops[0] as Cmp, lhs: l.expr, rhs: r.expr }
  }
  return bool()
}

/** What an intent sees after an event: the kernel's aggregates, the event, and the window's aggregates. */
export interface IntentVars {
  agg: Record<string, number>
  event: unknown
  win: Record<string, number>
}

const num = (v: unknown): number => {
  const x = typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? (v ? 1 : 0) : v
  return typeof x === 'number' ? x : Number.NaN
}

/** Runs an expression; budget errors end the request, any other failure is `undefined`. */
function run(e: CompiledExpr, vars: IntentVars, budget: StepBudget): unknown {
  try {
    return e(vars as unknown as Record<string, unknown>, budget)
  } catch (err) {
    if (err instanceof BudgetExceededError) throw err
    if (budget.spent > budget.limit) budget.spend(0)
    return undefined
  }
}

/** The intent is broken: `never` evaluates to true (an error or a non-boolean is not a break). */
export const broken = (i: CompiledIntent, vars: IntentVars, budget: StepBudget): boolean =>
  run(i.never, vars, budget) === true

/** 0 when the intent's `never` holds, else how far from holding (Infinity when it cannot be evaluated). */
export function distance(d: Distance, vars: IntentVars, budget: StepBudget): number {
  switch (d.op) {
    case 'bool':
      return run(d.expr, vars, budget) === true ? 0 : 1
    case 'and':
      return d.parts.reduce((s, p) => s + distance(p, vars, budget), 0)
    case 'or':
      return Math.min(...d.parts.map((p) => distance(p, vars, budget)))
    case 'cmp': {
      const a = num(run(d.lhs, vars, budget))
      const b = num(run(d.rhs, vars, budget))
      if (!Number.isFinite(a) || !Number.isFinite(b)) return Number.POSITIVE_INFINITY
      const tiny = 1e-12 * (1 + Math.abs(b))
      switch (d.cmp) {
        case '<':
          return a < b ? 0 : Math.max(a - b, tiny)
        case '<=':
          return a <= b ? 0 : Math.max(a - b, tiny)
        case '>':
          return a > b ? 0 : Math.max(b - a, tiny)
        case '>=':
          return a >= b ? 0 : Math.max(b - a, tiny)
        case '==':
          return Math.abs(a - b)
        case '!=':
          return a !== b ? 0 : 1
      }
    }
  }
}

/** The kernel's aggregates folded over the last `window` events only (empty map without a window). */
export function windowView(
  k: CompiledKernel,
  events: readonly EventValue[],
  window: number | undefined,
  budget: StepBudget,
): Record<string, number> {
  if (window === undefined) return {}
  let s: Aggregates = initialAggregates(k)
  for (const e of events.slice(Math.max(0, events.length - window))) s = step(k, s, e, budget).states
  return aggView(k, s)
}
