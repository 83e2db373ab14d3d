// CEL environments for kernel expressions: `event` for aggregate folds, `agg` + `event` for scores.
import { Environment } from '@marcbachmann/cel-js'
import { scanSource } from './literals.ts'

export type ExprScope = 'event' | 'score'

/** A compiled expression: call it with the variables of its scope. */
export type CompiledExpr = (vars: Record<string, unknown>) => unknown

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
  return env
}

const shared = base()
const envs: Record<ExprScope, Environment> = {
  event: shared.clone().registerVariable('event', 'map<string, dyn>'),
  score: shared
    .clone()
    .registerVariable('event', 'map<string, dyn>')
    .registerVariable('agg', 'map<string, double>'),
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
  return { ok: true, expr: (vars) => parsed(vars) }
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
