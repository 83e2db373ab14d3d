// Checks that a parsed JSON value is one every peer can hash and replay: finite numbers, bounded depth.
export const MAX_DEPTH = 32

/** The first value JSON cannot faithfully carry (Infinity from `1e400`, too deep a nesting), or null. */
export function jsonProblem(root: unknown): { path: (string | number)[]; message: string } | null {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: root, path: [] }]
  while (stack.length > 0) {
    const { v, path } = stack.pop() as { v: unknown; path: (string | number)[] }
    if (typeof v === 'number' && !Number.isFinite(v)) return { path, message: 'numbers must be finite' }
    if (v === null || typeof v !== 'object') continue
    if (path.length >= MAX_DEPTH) return { path, message: `nesting deeper than ${MAX_DEPTH} levels` }
    const entries: [string | number, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [i, x])
      : Object.entries(v)
    for (const [k, x] of entries) stack.push({ v: x, path: [...path, k] })
  }
  return null
}
