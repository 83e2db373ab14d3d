// CEL environments for kernel expressions: `event` for aggregate folds, `agg` + `event` for scores.
import { Environment } from '@marcbachmann/cel-js'
import type { StepBudget } from '../budget/index.ts'
import { costBound } from './cost.ts'
import { EXPRESSION_CPU_MS, EXPRESSION_STEPS, MAX_EVENT_LIST, NS_PER_STEP } from './limits.ts'
import { scanSource } from './literals.ts'
import { type CelNode, instrument, metered, spend } from './meter.ts'
import { matches } from './regex.ts'

type ExprScope = 'event' | 'score' | 'intent'

/** A compiled expression: call it with the variables of its scope and the request's step budget. */
export type CompiledExpr = (vars: Record<string, unknown>, budget: StepBudget) => unknown

export interface ExprProblem {
  message: string
  /** 0-based offset into the author's source, with 1-based line and column. */
  offset: number
  line: number
  column: number
}

const limits = {
  maxAstNodes: 2000,
  maxDepth: 64,
  maxListElements: 256,
  maxMapEntries: 256,
  maxCallArguments: 8,
}
const num = (x: unknown) => Number(x)
const combos = (n: number): string[][] =>
  n === 0
    ? [[]]
    : combos(n - 1).flatMap((rest) => [
        ['double', ...rest],
        ['int', ...rest],
      ])

function base(): Environment {
  const env = new Environment({ limits, homogeneousAggregateLiterals: false })
  // Mixed int/double arithmetic (e.g. `size(xs) / 2.0`) promotes to double instead of failing.
  const ops: Record<string, (a: number, b: number) => number> = {
    '+': (a, b) => a + b,
    '-': (a, b) => a - b,
    '*': (a, b) => a * b,
    '/': (a, b) => a / b,
  }
  for (const [op, f] of Object.entries(ops)) {
    env.registerOperator(`int ${op} double: double`, (a, b) => f(num(a), b))
    env.registerOperator(`double ${op} int: double`, (a, b) => f(a, num(b)))
  }
  // CEL orders ints against doubles but has no mixed equality; this also declares `!=` and the mirror.
  env.registerOperator('int == double', (a, b) => num(a) === b)
  const fns: Record<string, [number, (...xs: number[]) => number]> = {
    min: [2, Math.min],
    max: [2, Math.max],
    abs: [1, Math.abs],
    clamp: [3, (x, lo, hi) => Math.min(hi, Math.max(lo, x))],
    sqrt: [1, Math.sqrt],
    exp: [1, Math.exp],
    ln: [1, Math.log],
    pow: [2, Math.pow],
    floor: [1, Math.floor],
    ceil: [1, Math.ceil],
    round: [1, Math.round],
  }
  for (const [name, [arity, f]] of Object.entries(fns)) {
    for (const args of combos(arity)) {
      env.registerFunction(`${name}(${args.join(', ')}): double`, (...xs: unknown[]) => f(...xs.map(num)))
    }
  }
  // CEL's global form of `matches`; both forms run on RE2 (regex.ts), the method form through the meter.
  env.registerFunction('matches(string, string): bool', (s: unknown, re: unknown) => matches(s, re, spend))
  return env
}

const shared = base()
const envs: Record<ExprScope, Environment> = {
  event: shared.clone().registerVariable('event', 'map<string, dyn>'),
  score: shared
    .clone()
    .registerVariable('event', 'map<string, dyn>')
    .registerVariable('agg', 'map<string, double>'),
  // the kernel lab's intents (functions/lab/stress): scores' variables plus `win`, aggregates over a window
  intent: shared
    .clone()
    .registerVariable('event', 'map<string, dyn>')
    .registerVariable('agg', 'map<string, double>')
    .registerVariable('win', 'map<string, double>'),
}

const allowedTypes: Record<'number' | 'bool', Set<string>> = {
  number: new Set(['double', 'int', 'uint', 'bool', 'dyn']),
  bool: new Set(['bool', 'dyn']),
}

export interface CompileOptions {
  scope: ExprScope
  /** What the expression must produce: a number (booleans count as 0/1) or a boolean. */
  result: 'number' | 'bool'
  /** Names `agg.<name>` may refer to (score scope). */
  aggregates?: ReadonlySet<string>
  /**
   * The expression was admitted before (a stored kernel): skip the static cost bound, which may have been
   * tightened since, so an existing holon still loads; the run-time meter bounds it all the same.
   */
  admitted?: boolean
}

export type CompileOutcome = { ok: true; expr: CompiledExpr } | { ok: false; problem: ExprProblem }

export function compileExpr(source: string, opts: CompileOptions): CompileOutcome {
  const scanned = scanSource(source)
  const at = (offset: number, message: string): CompileOutcome => ({
    ok: false,
    problem: { message, ...position(source, offset) },
  })
  if (opts.aggregates) {
    const unknown = scanned.aggRefs.find((r) => !opts.aggregates?.has(r.name))
    if (unknown) return at(unknown.offset, `unknown aggregate '${unknown.name}'`)
  }
  let parsed: ReturnType<Environment['parse']>
  try {
    parsed = envs[opts.scope].parse(scanned.text)
  } catch (e) {
    return at(scanned.originalOffset(rangeStart(e)), summary(e))
  }
  const checked = parsed.check()
  if (!checked.valid) {
    return at(scanned.originalOffset(rangeStart(checked.error)), summary(checked.error))
  }
  if (checked.type && !allowedTypes[opts.result].has(checked.type)) {
    return at(
      0,
      `expression has type ${checked.type}, expected ${opts.result === 'bool' ? 'bool' : 'a number'}`,
    )
  }
  const ast = parsed.ast as unknown as CelNode
  const bound = costBound(ast)
  if (!opts.admitted && bound.steps > EXPRESSION_STEPS) {
    const ms = Math.round((bound.steps * NS_PER_STEP) / 1e6)
    return at(
      scanned.originalOffset(bound.at?.start ?? 0),
      `worst-case cost of ${bound.steps} steps (about ${ms} ms of CPU) exceeds the expression budget of ` +
        `${EXPRESSION_STEPS} steps (about ${EXPRESSION_CPU_MS} ms); comprehensions over event lists ` +
        `(at most ${MAX_EVENT_LIST} elements) multiply when nested`,
    )
  }
  const base = instrument(ast)
  return { ok: true, expr: metered(base, parsed) }
}

function rangeStart(e: unknown): number {
  const range = (e as { range?: { start?: number } } | undefined)?.range
  return typeof range?.start === 'number' ? range.start : 0
}

function summary(e: unknown): string {
  const s = (e as { summary?: unknown; message?: unknown } | undefined) ?? {}
  return String(s.summary ?? s.message ?? e)
}

function position(source: string, offset: number): Omit<ExprProblem, 'message'> {
  const before = source.slice(0, offset).split('\n')
  return { offset, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 }
}
