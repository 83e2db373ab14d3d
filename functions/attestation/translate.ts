// A kernel invariant's "score >= threshold" as a formula over linear comparisons of aggregates, or why not.
//
// Exact where it answers: the formula holds on given aggregate values only if the kernel's score, evaluated
// exactly (rationals, not doubles; a literal is the decimal its author wrote, 0.9 is 9/10), reaches the
// threshold without an error. The gate's doubles can differ from that at the exact boundary; the holon commits
// only where both agree. Division by a value that may be
// zero is modelled as an error on that branch (the kernel's doubles would give an infinity); an invariant that
// holds only through such a branch cannot be attested (the holon checks before committing).
import { Environment } from '@marcbachmann/cel-js'
import type { KernelSpec } from '../../schemas/kernel.ts'
import { scanSource } from '../kernel/literals.ts'
import { and, compare, type Facts, type Formula, or, presence, type Rel, Unsupported } from './formula.ts'
import {
  isConst,
  type Lin,
  linAdd,
  linConst,
  linMul,
  linNeg,
  linScale,
  linVar,
  ONE,
  q,
  qFromLiteral,
  qSign,
} from './rational.ts'

interface Node {
  op: string
  args: unknown
}
/** One case of a numeric expression: where it applies, and its value num / den with den > 0 there. */
interface Piece {
  when: Formula
  num: Lin
  den: Lin
  /** Aggregates read on the way (each must be present, even where its coefficient cancels). */
  reads: ReadonlySet<string>
}
/** A boolean expression's truth and falsity, kept apart: an error is neither. */
interface Truth {
  t: Formula
  f: Formula
}

/** The kernel's own structural limits (functions/kernel/expr.ts), and a bound on the cases a score splits into. */
const env = new Environment({
  homogeneousAggregateLiterals: false,
  limits: { maxAstNodes: 2000, maxDepth: 64 },
})
  .registerVariable('agg', 'map<string, double>')
  .registerVariable('event', 'map<string, dyn>')
const MAX_PIECES = 64
const MAX_WORK = 20_000

const BOOL_OPS = new Set(['==', '!=', '<', '<=', '>', '>=', '&&', '||', '!_'])
const FUNCTIONS = new Set(['min', 'max', 'clamp', 'abs'])

const union = (...xs: ReadonlySet<string>[]) => new Set(xs.flatMap((x) => [...x]))
const constant = (v: Lin): Piece => ({ when: true, num: v, den: linConst(ONE), reads: new Set() })

class Translator {
  private readonly facts: Facts
  constructor(facts: Facts) {
    this.facts = facts
  }

  /** Every aggregate read must be present: explicit where a linear form no longer mentions it. */
  private present(p: Piece, ...lins: Lin[]): Formula {
    const mentioned = new Set(lins.flatMap((l) => [...l.c.keys()]))
    return and(...[...p.reads].filter((n) => !mentioned.has(n)).map((n) => presence(n, true, this.facts)))
  }

  private mul(a: Lin, b: Lin): Lin {
    const m = linMul(a, b)
    if (!m) throw new Unsupported('it multiplies two aggregates (the circuit compares linear forms)')
    return m
  }

  /** x rel y over every pair of cases: num_x * den_y rel num_y * den_x (dens are positive). */
  compare(rel: Rel | 'lt' | 'le', x: Node, y: Node): Truth {
    const t: Formula[] = []
    const f: Formula[] = []
    for (const a of this.numeric(x))
      for (const b of this.numeric(y)) {
        let lin = linAdd(this.mul(a.num, b.den), linNeg(this.mul(b.num, a.den)))
        let r: Rel
        if (rel === 'lt' || rel === 'le') {
          lin = linNeg(lin)
          r = rel === 'lt' ? 'gt' : 'ge'
        } else r = rel
        const both: Piece = {
          when: and(a.when, b.when),
          num: lin,
          den: a.den,
          reads: union(a.reads, b.reads),
        }
        const base = and(both.when, this.present(both, lin))
        const neg: Rel = r === 'ge' ? 'gt' : r === 'gt' ? 'ge' : r === 'eq' ? 'ne' : 'eq'
        const negLin = r === 'ge' || r === 'gt' ? linNeg(lin) : lin
        t.push(and(base, compare(r, lin, this.facts)))
        f.push(and(base, compare(neg, negLin, this.facts)))
      }
    return { t: or(...t), f: or(...f) }
  }

  truth(n: Node): Truth {
    const known = this.truths.get(n)
    if (known) return known
    const t = this.truthOf(n)
    this.spend(1)
    this.truths.set(n, t)
    return t
  }

  private truthOf(n: Node): Truth {
    const args = n.args as Node[]
    switch (n.op) {
      case 'value':
        if (typeof n.args === 'boolean') return { t: n.args, f: !n.args }
        break
      case '!_': {
        const x = this.truth(n.args as Node)
        return { t: x.f, f: x.t }
      }
      case '&&': {
        const [x, y] = [this.truth(args[0] as Node), this.truth(args[1] as Node)]
        return { t: and(x.t, y.t), f: or(x.f, y.f) }
      }
      case '||': {
        const [x, y] = [this.truth(args[0] as Node), this.truth(args[1] as Node)]
        return { t: or(x.t, y.t), f: and(x.f, y.f) }
      }
      case '?:': {
        const [c, x, y] = [
          this.truth(args[0] as Node),
          this.truth(args[1] as Node),
          this.truth(args[2] as Node),
        ]
        return { t: or(and(c.t, x.t), and(c.f, y.t)), f: or(and(c.t, x.f), and(c.f, y.f)) }
      }
      case '>=':
        return this.compare('ge', args[0] as Node, args[1] as Node)
      case '>':
        return this.compare('gt', args[0] as Node, args[1] as Node)
      case '<=':
        return this.compare('le', args[0] as Node, args[1] as Node)
      case '<':
        return this.compare('lt', args[0] as Node, args[1] as Node)
      case '==':
        return this.compare('eq', args[0] as Node, args[1] as Node)
      case '!=':
        return this.compare('ne', args[0] as Node, args[1] as Node)
      case 'call': {
        const [name, xs] = n.args as [string, Node[]]
        if (name === 'has' && xs.length === 1) {
          const agg = aggregateName(xs[0] as Node)
          if (agg) return { t: presence(agg, true, this.facts), f: presence(agg, false, this.facts) }
        }
        break
      }
    }
    throw new Unsupported(`\`${describe(n)}\` is not a condition the circuit can state`)
  }

  /** Each node is translated once: min, max, clamp and abs read their arguments twice. */
  private readonly memo = new WeakMap<Node, Piece[]>()
  private readonly truths = new WeakMap<Node, Truth>()
  /** Nodes translated and pieces made: a bound on the work one statement may take, whatever the score. */
  private work = 0

  private spend(n: number): void {
    this.work += n
    if (this.work > MAX_WORK)
      throw new Unsupported(`its score is too large to state (more than ${MAX_WORK} steps)`)
  }

  numeric(n: Node): Piece[] {
    const known = this.memo.get(n)
    if (known) return known
    const pieces = this.pieces(n)
    this.spend(1 + pieces.length)
    if (pieces.length > MAX_PIECES)
      throw new Unsupported(
        `its score splits into more than ${MAX_PIECES} cases (nested min, max, clamp, abs or divisions)`,
      )
    this.memo.set(n, pieces)
    return pieces
  }

  private pieces(n: Node): Piece[] {
    const args = n.args as Node[]
    if (BOOL_OPS.has(n.op) || (n.op === 'call' && (n.args as [string])[0] === 'has')) {
      const b = this.truth(n)
      return [
        { ...constant(linConst(ONE)), when: b.t },
        { ...constant(linConst(q(0n))), when: b.f },
      ]
    }
    switch (n.op) {
      case 'value':
        if (typeof n.args === 'number') return [constant(linConst(qFromLiteral(n.args)))]
        if (typeof n.args === 'bigint') return [constant(linConst(q(n.args)))]
        if (typeof n.args === 'boolean') return [constant(linConst(n.args ? ONE : q(0n)))]
        break
      case '.':
      case '[]': {
        const agg = aggregateName(n)
        if (agg) return [{ when: true, num: linVar(agg), den: linConst(ONE), reads: new Set([agg]) }]
        if (rootId(n) === 'event')
          throw new Unsupported('it reads `event` (an attestation is about the state between events)')
        break
      }
      case 'id':
        if (n.args === 'event')
          throw new Unsupported('it reads `event` (an attestation is about the state between events)')
        break
      case '-_':
        return this.numeric(n.args as Node).map((p) => ({ ...p, num: linNeg(p.num) }))
      case '+':
      case '-':
        return this.pairs(args, (a, b) => {
          const right = this.mul(b.num, a.den)
          return {
            num: linAdd(this.mul(a.num, b.den), n.op === '+' ? right : linNeg(right)),
            den: this.mul(a.den, b.den),
          }
        })
      case '*':
        return this.pairs(args, (a, b) => ({ num: this.mul(a.num, b.num), den: this.mul(a.den, b.den) }))
      case '/':
        return this.pairs(args, (a, b) => ({ num: this.mul(a.num, b.den), den: this.mul(a.den, b.num) }))
      case '?:': {
        const c = this.truth(args[0] as Node)
        return [
          ...this.numeric(args[1] as Node).map((p) => ({ ...p, when: and(c.t, p.when) })),
          ...this.numeric(args[2] as Node).map((p) => ({ ...p, when: and(c.f, p.when) })),
        ].filter((p) => p.when !== false)
      }
      case 'call': {
        const [name, xs] = n.args as [string, Node[]]
        if (FUNCTIONS.has(name)) return this.call(name, xs)
        throw new Unsupported(`it calls \`${name}\` (the circuit handles min, max, clamp and abs)`)
      }
    }
    throw new Unsupported(`\`${describe(n)}\` is not arithmetic the circuit can state`)
  }

  /** Binary arithmetic over every pair of cases; a denominator that may be negative splits by its sign. */
  private pairs(args: Node[], f: (a: Piece, b: Piece) => { num: Lin; den: Lin }): Piece[] {
    const out: Piece[] = []
    for (const a of this.numeric(args[0] as Node))
      for (const b of this.numeric(args[1] as Node)) {
        const { num, den } = f(a, b)
        const reads = union(a.reads, b.reads)
        const when = and(a.when, b.when)
        if (isConst(den)) {
          const s = qSign(den.k)
          if (s !== 0)
            out.push(s > 0 ? { when, num, den, reads } : { when, num: linNeg(num), den: linNeg(den), reads })
          continue // a constant zero denominator: never finite
        }
        const pos = and(when, compare('gt', den, this.facts))
        const neg = and(when, compare('gt', linNeg(den), this.facts))
        if (pos !== false) out.push({ when: pos, num, den, reads })
        if (neg !== false) out.push({ when: neg, num: linNeg(num), den: linNeg(den), reads })
      }
    return out
  }

  private call(name: string, xs: Node[]): Piece[] {
    const lit = (v: number): Node => ({ op: 'value', args: v })
    const cond = (c: Node, x: Node, y: Node): Node => ({ op: '?:', args: [c, x, y] })
    const [x, y, z] = xs as [Node, Node, Node]
    switch (name) {
      case 'min':
        return this.numeric(cond({ op: '<=', args: [x, y] }, x, y))
      case 'max':
        return this.numeric(cond({ op: '>=', args: [x, y] }, x, y))
      case 'abs':
        return this.numeric(cond({ op: '>=', args: [x, lit(0)] }, x, { op: '-_', args: x }))
      default: {
        // clamp(x, lo, hi) = min(hi, max(lo, x))
        const low = cond({ op: '>=', args: [y, x] }, y, x)
        return this.numeric(cond({ op: '<=', args: [z, low] }, z, low))
      }
    }
  }

  /** clamp(score, 0, 1) >= threshold with no error (threshold is in [0, 1]). */
  holds(score: Node, threshold: number): Formula {
    const t = qFromLiteral(threshold)
    return or(
      ...this.numeric(score).map((p) => {
        const margin = linAdd(p.num, linNeg(linScale(p.den, t)))
        const met = t.n === 0n ? true : compare('ge', margin, this.facts)
        return and(p.when, this.present(p, margin), met)
      }),
    )
  }
}

function aggregateName(n: Node): string | undefined {
  const [base, key] = n.args as [Node, unknown]
  if (base?.op !== 'id' || base.args !== 'agg') return undefined
  if (n.op === '.' && typeof key === 'string') return key
  if (n.op === '[]' && (key as Node)?.op === 'value' && typeof (key as Node).args === 'string')
    return (key as Node).args as string
  return undefined
}

/** The variable a member access starts from: `event` for `event.xs[0].y`. */
function rootId(n: Node): unknown {
  let x: Node | undefined = n
  while (x && (x.op === '.' || x.op === '[]')) x = (x.args as [Node])[0]
  return x?.op === 'id' ? x.args : undefined
}

const describe = (n: Node) => (n.op === 'call' ? `${(n.args as [string])[0]}(...)` : n.op)

/** What the folds guarantee (see Facts). */
export function kernelFacts(spec: KernelSpec): Facts {
  const present = new Set<string>()
  const nonNegative = new Set<string>()
  for (const [name, a] of Object.entries(spec.aggregates)) {
    if (a.fold === 'count' || a.fold === 'sum' || a.empty !== undefined) present.add(name)
    if (a.fold === 'count') nonNegative.add(name)
  }
  return { present, nonNegative }
}

/** The invariant's condition, or Unsupported naming why not. */
export function invariantFormula(spec: KernelSpec, name: string): Formula {
  const inv = spec.invariants[name]
  if (!inv) throw new Unsupported(`no invariant named ${name}`)
  let ast: Node
  try {
    ast = env.parse(scanSource(inv.score).text).ast as unknown as Node
  } catch (e) {
    throw new Unsupported(`its score does not parse: ${(e as Error).message}`)
  }
  return new Translator(kernelFacts(spec)).holds(ast, inv.threshold)
}
