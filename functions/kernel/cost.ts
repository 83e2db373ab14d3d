// Compile-time cost bound of a checked CEL tree: worst-case steps of one evaluation, in the meter's units.
//
// Without comprehensions an evaluation visits each node at most once. A comprehension runs its body once
// per element, so nesting multiplies: the bound walks the tree with the product of the enclosing
// comprehensions' element bounds. Lists read from events hold at most MAX_EVENT_LIST elements (the event
// schema enforces it); literals, `map` and `filter` results and `+` keep their own bounds. Size-dependent
// work (long strings, `in`) is left to the run-time meter, so this is a lower bound on what it charges.
import { MAX_EVENT_LIST, MAX_VALUE_ITEMS } from './limits.ts'
import { type CelNode, type Comprehension, children } from './meter.ts'

export interface CostBound {
  steps: number
  /** The comprehension whose iterations dominate, for the error position. */
  at?: CelNode
}

/** Upper bound on the elements of the list `n` evaluates to. */
function elements(n: CelNode, scope: ReadonlyMap<string, number>): number {
  if (n.meta.alternate) return elements(n.meta.alternate, scope)
  const bind = n.meta.macro
  if (bind?.exp && bind.val && bind.var !== undefined) {
    return elements(bind.exp, new Map(scope).set(bind.var, elements(bind.val, scope)))
  }
  switch (n.op) {
    case 'list':
    case 'map':
      return (n.args as unknown[]).length
    case 'comprehension':
      return elements((n.args as Comprehension).iterable, scope)
    case '+': {
      const [l, r] = n.args as CelNode[]
      return Math.min(MAX_VALUE_ITEMS, elements(l as CelNode, scope) + elements(r as CelNode, scope))
    }
    case 'id':
      return scope.get(n.args as string) ?? MAX_EVENT_LIST
    case 'rcall':
      return (n.args as unknown[])[0] === 'split' ? MAX_VALUE_ITEMS : MAX_EVENT_LIST
    default:
      return MAX_EVENT_LIST
  }
}

/** Worst-case steps of one evaluation of `root`. */
export function costBound(root: CelNode): CostBound {
  let worst: CostBound = { steps: 0 }
  let total = 0
  const walk = (n: CelNode, times: number, scope: ReadonlyMap<string, number>) => {
    total += times
    const bind = n.meta.macro
    if (bind?.exp && bind.val && bind.var !== undefined) {
      walk(bind.val, times, scope)
      walk(bind.exp, times, new Map(scope).set(bind.var, elements(bind.val, scope)))
      return
    }
    if (n.op === 'comprehension') {
      const c = n.args as Comprehension
      walk(c.iterable, times, scope)
      walk(c.init, times, scope)
      const inner = times * elements(c.iterable, scope)
      if (inner > worst.steps) worst = { steps: inner, at: n }
      // The iteration variable shadows any binding of the same name.
      const body = new Map(scope)
      body.delete(c.iterVarName)
      walk(c.step, inner, body)
      return
    }
    for (const k of children(n)) walk(k, times, scope)
  }
  walk(root, 1, new Map())
  return { steps: total, at: worst.at }
}
