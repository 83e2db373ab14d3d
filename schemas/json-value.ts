// Checks that a parsed JSON value is one every peer can hash and replay: I-JSON strings, finite numbers, bounded depth.
const MAX_DEPTH = 32

/**
 * Member names that change meaning when a parsed object is copied by assignment: `o['__proto__'] = v` sets the
 * prototype instead of adding a member, so a validator that copies objects (zod does) would drop it silently.
 */
const UNSAFE_NAMES: ReadonlySet<string> = new Set(['__proto__'])

export interface JsonProblem {
  path: (string | number)[]
  message: string
}

type Visit = { v: unknown; key: string | number; parent: Visit | null; depth: number }

const pathOf = (at: Visit | null): (string | number)[] => {
  const path: (string | number)[] = []
  for (let n = at; n?.parent; n = n.parent) path.push(n.key)
  return path.reverse()
}

/**
 * The first value JSON cannot faithfully carry, or null: a string or member name that is not well-formed
 * Unicode (a lone surrogate from `"\ud800"`: canonical JSON and UTF-8 cannot encode it), a member named
 * `__proto__`, a non-finite number (`1e400` parses to Infinity), nesting deeper than `maxDepth` levels, or a
 * list longer than `maxList`.
 * Iterative, and paths are built only for the answer, so a hostile size or depth costs linear time.
 */
export function jsonProblem(
  root: unknown,
  maxDepth = MAX_DEPTH,
  maxList = Number.POSITIVE_INFINITY,
): JsonProblem | null {
  const stack: Visit[] = [{ v: root, key: '', parent: null, depth: 0 }]
  while (stack.length > 0) {
    const at = stack.pop() as Visit
    const { v } = at
    if (typeof v === 'number' && !Number.isFinite(v))
      return { path: pathOf(at), message: 'numbers must be finite' }
    if (typeof v === 'string' && !v.isWellFormed())
      return {
        path: pathOf(at),
        message: 'strings must be well-formed Unicode (a lone UTF-16 surrogate is not)',
      }
    if (v === null || typeof v !== 'object') continue
    if (at.depth >= maxDepth) return { path: pathOf(at), message: `nesting deeper than ${maxDepth} levels` }
    const depth = at.depth + 1
    if (Array.isArray(v)) {
      if (v.length > maxList) return { path: pathOf(at), message: `lists hold at most ${maxList} elements` }
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], key: i, parent: at, depth })
      continue
    }
    const keys = Object.keys(v)
    for (const k of keys) {
      const problem = !k.isWellFormed()
        ? 'member names must be well-formed Unicode (a lone UTF-16 surrogate is not)'
        : UNSAFE_NAMES.has(k)
          ? `a member named '${k}' would change the object's meaning when copied; rename it`
          : null
      if (problem) return { path: [...pathOf(at), k], message: problem }
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i] as string
      stack.push({ v: (v as Record<string, unknown>)[k], key: k, parent: at, depth })
    }
  }
  return null
}
