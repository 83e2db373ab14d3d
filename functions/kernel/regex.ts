// CEL `matches` on RE2 (re2js): linear time in the input, so no pattern can backtrack for seconds.
// CEL specifies RE2 syntax anyway; JavaScript's RegExp backtracks ("^(a+)+$" on 31 characters: 5 to 18 s).
import { RE2JS } from 're2js'

export class RegexError extends Error {
  override name = 'RegexError'
}

const compiled = new Map<string, RE2JS>()
const CACHE = 256

function compile(pattern: string, spend: (steps: number) => void): RE2JS {
  let re = compiled.get(pattern)
  if (re) return re
  spend(pattern.length) // compiling costs more per character than matching
  try {
    re = RE2JS.compile(pattern)
  } catch (e) {
    throw new RegexError(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`)
  }
  if (compiled.size >= CACHE) compiled.delete(compiled.keys().next().value as string)
  compiled.set(pattern, re)
  return re
}

/** Characters of text times pattern characters per step: re2js runs about 80 ns per text character at ~10 pattern characters. */
const REGEX_CELLS_PER_STEP = 8

/**
 * `s.matches(re)`: true when `re` matches any substring of `s` (RE2's PartialMatch, as CEL specifies).
 * Spends steps for compiling a new pattern and for the text times the pattern size, RE2's worst case.
 */
export function matches(s: unknown, pattern: unknown, spend: (steps: number) => void): boolean {
  if (typeof s !== 'string' || typeof pattern !== 'string') {
    throw new RegexError(`found no matching overload for '${typeof s}.matches(${typeof pattern})'`)
  }
  spend(Math.ceil(((s.length + 1) * (pattern.length + 1)) / REGEX_CELLS_PER_STEP))
  return compile(pattern, spend).matcher(s).find()
}
