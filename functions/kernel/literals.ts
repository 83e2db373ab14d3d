// Source scanner for kernel expressions: makes integer literals doubles (JSON number semantics)
// and lists the `agg.<name>` references, keeping a map back to the author's positions.

export interface ScannedSource {
  /** The expression with every integer literal written as a double (`1` -> `1.0`). */
  text: string
  /** `agg.<name>` references with their offset in the original source. */
  aggRefs: { name: string; offset: number }[]
  /** Maps an offset in `text` back to the offset in the original source. */
  originalOffset(offset: number): number
}

const isDigit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9'
const isIdentStart = (ch: string | undefined) => ch !== undefined && /[A-Za-z_]/.test(ch)
const isIdentPart = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9_]/.test(ch)

/**
 * Kernel authors write `agg.x / 2` or `agg.count == 0` and expect arithmetic, not CEL's
 * int/double overload errors or integer division. Rewriting literals keeps CEL's grammar and
 * evaluator untouched; list indexes such as `xs[0]` stay integers.
 */
export function scanSource(src: string): ScannedSource {
  let out = ''
  const inserts: number[] = [] // offsets in `out` right after each inserted ".0"
  const aggRefs: { name: string; offset: number }[] = []
  let lastSignificant = '' // last non-space character emitted outside strings
  let beforeBracket = '' // significant character seen before the latest '['
  let i = 0
  while (i < src.length) {
    const ch = src[i] as string
    const quoteAt = stringStart(src, i)
    if (quoteAt !== -1) {
      const end = stringEnd(src, i, quoteAt)
      out += src.slice(i, end)
      i = end
      lastSignificant = '"'
      continue
    }
    if (isIdentStart(ch)) {
      let j = i + 1
      while (isIdentPart(src[j])) j++
      const word = src.slice(i, j)
      if (word === 'agg' && lastSignificant !== '.') {
        let k = j
        while (src[k] === ' ' || src[k] === '\t' || src[k] === '\n') k++
        if (src[k] === '.') {
          k++
          while (src[k] === ' ' || src[k] === '\t' || src[k] === '\n') k++
          let m = k
          while (isIdentPart(src[m])) m++
          if (m > k) aggRefs.push({ name: src.slice(k, m), offset: k })
        }
      }
      out += word
      i = j
      lastSignificant = 'a'
      continue
    }
    if (isDigit(ch) && lastSignificant !== '.') {
      const j = numberEnd(src, i)
      const literal = src.slice(i, j)
      out += literal
      if (/^[0-9]+$/.test(literal) && !isListIndex(src, j, lastSignificant, beforeBracket)) {
        out += '.0'
        inserts.push(out.length)
      }
      i = j
      lastSignificant = '0'
      continue
    }
    if (ch === '[') beforeBracket = lastSignificant
    if (!/\s/.test(ch)) lastSignificant = ch
    out += ch
    i++
  }
  return {
    text: out,
    aggRefs,
    originalOffset(offset: number) {
      let shift = 0
      for (const at of inserts) if (at <= offset) shift += 2
      return Math.max(0, offset - shift)
    },
  }
}

/** Index of the opening quote when a string literal (with optional r/b prefixes) starts at i, else -1. */
function stringStart(src: string, i: number): number {
  let j = i
  while (j < i + 2 && /[rRbB]/.test(src[j] ?? '')) j++
  if (j > i && isIdentPart(src[i - 1])) return -1
  return src[j] === '"' || src[j] === "'" ? j : -1
}

function stringEnd(src: string, start: number, quoteAt: number): number {
  const raw = /[rR]/.test(src.slice(start, quoteAt))
  const q = src[quoteAt] as string
  const triple = src.startsWith(q.repeat(3), quoteAt)
  const close = triple ? q.repeat(3) : q
  let j = quoteAt + close.length
  while (j < src.length) {
    if (!raw && src[j] === '\\') {
      j += 2
      continue
    }
    if (src.startsWith(close, j)) return j + close.length
    j++
  }
  return src.length // unterminated: let the parser report it
}

function numberEnd(src: string, i: number): number {
  let j = i
  if (src[j] === '0' && (src[j + 1] === 'x' || src[j + 1] === 'X')) {
    j += 2
    while (/[0-9a-fA-F]/.test(src[j] ?? '')) j++
  } else {
    while (isDigit(src[j])) j++
    if (src[j] === '.' && isDigit(src[j + 1])) {
      j++
      while (isDigit(src[j])) j++
    }
    if (src[j] === 'e' || src[j] === 'E') {
      j++
      if (src[j] === '+' || src[j] === '-') j++
      while (isDigit(src[j])) j++
    }
  }
  if (src[j] === 'u' || src[j] === 'U') j++
  return j
}

/** `xs[0]`: an integer literal alone inside an index bracket (not a list literal `[0]`). */
function isListIndex(src: string, end: number, prev: string, beforeBracket: string): boolean {
  if (prev !== '[') return false
  let k = end
  while (src[k] === ' ' || src[k] === '\t' || src[k] === '\n') k++
  return src[k] === ']' && /[A-Za-z0-9_)\]]/.test(beforeBracket)
}
