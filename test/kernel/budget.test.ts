// Expression budgets: a compile-time cost bound, a run-time step budget per request, bounded value sizes.
import { describe, expect, it } from 'vitest'
import { BudgetExceededError, StepBudget } from '../../functions/budget/index.ts'
import {
  compileKernel,
  EXPRESSION_STEPS,
  expressionBudget,
  gateBatch,
  initialAggregates,
  KernelCompileError,
  MAX_EVENT_LIST,
  score,
} from '../../functions/kernel/index.ts'
import type { KernelSpec } from '../../schemas/kernel.ts'
import { compile, single } from '../support/kernels.ts'

const list = (n: number) => Array.from({ length: n }, (_, i) => i)

/** A kernel of `n` invariants all scoring `src` (threshold 0: only errors and budgets matter). */
const many = (n: number, src: string) =>
  compile({
    id: 'many',
    invariants: Object.fromEntries(list(n).map((i) => [`I${i}`, { score: src, threshold: 0 }])),
  })

const compileError = (f: () => unknown): KernelCompileError => {
  try {
    f()
  } catch (e) {
    if (e instanceof KernelCompileError) return e
    throw e
  }
  throw new Error('expected a KernelCompileError')
}

const budgetError = (f: () => unknown): BudgetExceededError => {
  try {
    f()
  } catch (e) {
    if (e instanceof BudgetExceededError) return e
    throw e
  }
  throw new Error('expected a BudgetExceededError')
}

/** Milliseconds `f` took (it may throw). */
const timed = (f: () => unknown): number => {
  const t0 = performance.now()
  try {
    f()
  } catch {}
  return performance.now() - t0
}

describe('the compile-time bound', () => {
  it('refuses a nested comprehension over event lists, pointing at the expression', () => {
    const src = 'size(event.xs.map(x, event.xs.map(y, x + y))) > 0 ? 1.0 : 0.0'
    const e = compileError(() => single(src))
    expect(e.issues).toHaveLength(1)
    expect(e.issues[0]?.pointer).toBe('/invariants/I/score')
    expect(e.issues[0]?.message).toMatch(/worst-case cost of \d+ steps .* exceeds the expression budget/)
    expect(e.issues[0]?.message).toContain('ms')
    // The position is the comprehension that runs most often: the inner `event.xs.map(` at offset 21.
    expect(e.issues[0]?.offset).toBe(21)
  })

  it('refuses every costly invariant of a 256-invariant kernel at once, in milliseconds', () => {
    const src = 'size(event.xs.map(x, event.xs.map(y, x + y))) > 0 ? 1.0 : 0.0'
    let e: KernelCompileError | undefined
    const ms = timed(() => {
      e = compileError(() => many(256, src))
    })
    expect(e?.issues).toHaveLength(256)
    expect(ms).toBeLessThan(3000)
  })

  it('accepts one comprehension over an event list and nests over small literal lists', () => {
    expect(() => single('event.xs.all(x, x > 0)')).not.toThrow()
    expect(() => single('[1, 2, 3].all(a, [4, 5].all(b, event.xs.exists(x, x == a * b)))')).not.toThrow()
  })

  it('follows bindings: a bound literal keeps its size, a bound event list does not', () => {
    expect(() => single('cel.bind(ys, [1, 2], event.xs.all(x, ys.all(y, x > y)))')).not.toThrow()
    expect(() =>
      compileError(() => single('cel.bind(ys, event.zs, event.xs.all(x, ys.all(y, x > y)))')),
    ).not.toThrow()
  })

  it('a comprehension variable shadows a binding of the same name', () => {
    const src = 'cel.bind(v, [1], event.xss.all(v, v.all(x, event.xs.all(y, x > y))))'
    expect(compileError(() => single(src)).issues[0]?.message).toContain('worst-case cost')
  })
})

describe('the run-time step budget', () => {
  it('stops 256 invariants that each pass the static bound but together exceed the budget', () => {
    const k = many(256, 'event.xs.map(x, x * 2.0 + 1.0).size() > 0 ? 1.0 : 0.0')
    const event = { id: 'e', xs: list(MAX_EVENT_LIST) }
    let err: BudgetExceededError | undefined
    const ms = timed(() => {
      err = budgetError(() => gateBatch(k, initialAggregates(k), [event]))
    })
    expect(err).toMatchObject({ budget: 'expression_steps', limit: EXPRESSION_STEPS, unit: 'steps' })
    expect(err?.cpuMs).toBeGreaterThan(0)
    expect(err?.message).toMatch(/about \d+ ms of CPU/)
    expect(ms).toBeLessThan(3000)
  })

  it('one budget is shared by every event of a batch', () => {
    const k = single('event.xs.all(x, x >= 0.0) ? 1.0 : 0.0')
    const event = (id: string) => ({ id, xs: list(100) })
    const budget = new StepBudget('expression_steps', 5_000, 1)
    const err = budgetError(() =>
      gateBatch(
        k,
        initialAggregates(k),
        list(100).map((i) => event(`e${i}`)),
        { budget },
      ),
    )
    expect(err.budget).toBe('expression_steps')
    // Fewer than the 100 events' worth of steps fit: the batch stopped part way.
    const small = new StepBudget('expression_steps', 5_000, 1)
    gateBatch(k, initialAggregates(k), [event('a')], { budget: small })
    expect(small.spent).toBeGreaterThan(100)
    expect(small.spent * 100).toBeGreaterThan(5_000)
  })

  it('counts comprehension iterations: spent steps grow linearly with the list', () => {
    const k = single('event.xs.all(x, x >= 0.0) ? 1.0 : 0.0')
    const spent = (n: number) => {
      const b = expressionBudget()
      score(k, {}, { xs: list(n) }, [], b)
      return b.spent
    }
    const [a, b, c] = [spent(10), spent(110), spent(210)]
    expect(b - a).toBeGreaterThanOrEqual(100)
    expect(c - b).toBe(b - a)
  })

  it('an exhausted budget is never swallowed by || or exists, and never becomes an invariant error', () => {
    for (const src of [
      'event.xs.all(x, x >= 0.0) || true',
      '!event.xs.exists(x, x < 0.0) || true',
      '[1].exists(i, event.xs.all(x, x >= 0.0)) || true',
    ]) {
      const k = single(src, 0)
      const budget = new StepBudget('expression_steps', 200, 1)
      const err = budgetError(() => score(k, {}, { xs: list(1000) }, [], budget))
      expect(err.budget).toBe('expression_steps')
    }
  })
})

describe('values an expression builds are bounded', () => {
  /** `depth` nested bindings, each doubling the previous value with `+`. */
  const doubling = (seed: string, depth: number) => {
    let body = `size(v${depth}) > 0 ? 1.0 : 0.0`
    for (let i = depth; i >= 1; i--) body = `cel.bind(v${i}, v${i - 1} + v${i - 1}, ${body})`
    return `cel.bind(v0, ${seed}, ${body})`
  }

  it('string doubling with cel.bind stops at the size limit, fast', () => {
    const k = single(doubling(JSON.stringify('x'.repeat(1000)), 20), 0)
    let err: BudgetExceededError | undefined
    const ms = timed(() => {
      err = budgetError(() => score(k, {}, {}))
    })
    expect(err).toMatchObject({ budget: 'expression_size', unit: 'bytes' })
    expect(err?.message).toMatch(/a string of \d+ characters exceeds the expression size limit/)
    expect(ms).toBeLessThan(2000)
  })

  it('list doubling with cel.bind stops at the size limit, fast', () => {
    const k = single(doubling(`[${list(64).join(', ')}]`, 20), 0)
    let err: BudgetExceededError | undefined
    const ms = timed(() => {
      err = budgetError(() => score(k, {}, {}))
    })
    expect(err).toMatchObject({ budget: 'expression_size', unit: 'items' })
    expect(ms).toBeLessThan(2000)
  })

  it('join cannot build a huge string from bounded inputs', () => {
    const k = single('event.xs.join(event.sep).size() > 0 ? 1.0 : 0.0', 0)
    const err = budgetError(() => score(k, {}, { xs: list(1000).map(String), sep: 'y'.repeat(100_000) }))
    expect(err).toMatchObject({ budget: 'expression_size', unit: 'bytes' })
  })

  it('small doublings still evaluate', () => {
    expect(score(single(doubling('"ab"', 4), 1), {}, {}).state_vector).toEqual([1])
  })
})

describe('matches runs on RE2', () => {
  it('"^(a+)+$" on 31 characters answers at once (backtracking took 5 to 18 s)', () => {
    const k = single('event.s.matches("^(a+)+$") ? 1.0 : 0.0', 0)
    let out: ReturnType<typeof score> | undefined
    const ms = timed(() => {
      out = score(k, {}, { s: `${'a'.repeat(30)}!` })
    })
    expect(out?.state_vector).toEqual([0])
    expect(out?.errors).toEqual([])
    expect(ms).toBeLessThan(500)
    expect(score(k, {}, { s: 'a'.repeat(31) }).state_vector).toEqual([1])
  })

  it('matches a substring, as CEL (RE2 PartialMatch) specifies; both call forms work', () => {
    const yes = (src: string, s: string) => score(single(`${src} ? 1.0 : 0.0`, 0), {}, { s }).state_vector[0]
    expect(yes('event.s.matches("b+")', 'abbc')).toBe(1)
    expect(yes('event.s.matches("^b")', 'abbc')).toBe(0)
    expect(yes('matches(event.s, "c$")', 'abbc')).toBe(1)
    expect(yes('"x1y".matches("[0-9]")', '')).toBe(1)
  })

  it('an invalid pattern or a non-string is an expression error, not a crash', () => {
    const bad = score(single('event.s.matches("(") ? 1.0 : 0.0', 0), {}, { s: 'a' })
    expect(bad.errors[0]?.message).toMatch(/invalid regular expression/)
    const nonString = score(single('event.n.matches("a") ? 1.0 : 0.0', 0), {}, { n: 1 })
    expect(nonString.errors).toHaveLength(1)
  })

  it('a regex over long text spends steps in proportion to its length', () => {
    const k = single('event.s.matches("a+b") ? 1.0 : 0.0', 0)
    const spent = (n: number) => {
      const b = expressionBudget()
      score(k, {}, { s: 'a'.repeat(n) }, [], b)
      return b.spent
    }
    expect(spent(64_000)).toBeGreaterThan(spent(640) * 50)
  })
})

describe('a stored spec that bypassed the schema is still checked', () => {
  it('refuses object-internal names with a pointer', () => {
    const spec = JSON.parse(
      '{"id":"k","aggregates":{"constructor":{"fold":"count"}},"invariants":{"__proto__":{"score":"1.0","threshold":0,"weight":1},"ok":{"score":"1.0","threshold":0,"weight":1}},"gate":{"on_torsion":"reject","admit_improving":false}}',
    ) as KernelSpec
    const e = compileError(() => compileKernel(spec))
    expect(e.issues.map((i) => i.pointer).sort()).toEqual([
      '/aggregates/constructor',
      '/invariants/__proto__',
    ])
  })
})

describe('stored kernels', () => {
  // A kernel admitted before a rule was added must still load (a holon object compiles it at start-up):
  // the admission rules are skipped for stored specs, the run-time budget is not.
  const spec = (score: string, name = 'I'): KernelSpec =>
    ({
      id: 'stored',
      aggregates: {},
      invariants: { [name]: { score, threshold: 0, weight: 1 } },
      gate: { on_torsion: 'reject', admit_improving: false },
    }) as KernelSpec

  it('load past the static bound, and the run-time budget still stops them', () => {
    const heavy = spec('size(event.xs.map(x, event.xs.map(y, x + y))) > 0 ? 1.0 : 0.0')
    expect(compileError(() => compileKernel(heavy)).issues[0]?.message).toMatch(
      /exceeds the expression budget/,
    )
    const k = compileKernel(heavy, { stored: true })
    const err = budgetError(() => gateBatch(k, initialAggregates(k), [{ id: 'e', xs: list(MAX_EVENT_LIST) }]))
    expect(err.budget).toBe('expression_steps')
    expect(gateBatch(k, initialAggregates(k), [{ id: 'e', xs: list(3) }]).results[0]?.state_vector).toEqual([
      1,
    ])
  })

  it('load with a name refused today, and score it', () => {
    const named = spec('event.ok ? 1.0 : 0.0', 'constructor')
    expect(compileError(() => compileKernel(named)).issues[0]?.pointer).toBe('/invariants/constructor')
    const k = compileKernel(named, { stored: true })
    expect(k.dimensions).toEqual(['constructor'])
    expect(gateBatch(k, initialAggregates(k), [{ id: 'e', ok: true }]).results[0]?.state_vector).toEqual([1])
  })
})
