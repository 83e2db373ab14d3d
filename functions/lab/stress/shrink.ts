// Shrinking a counterexample: delete events (chunks, then single events to a fixpoint), then simplify values.
import type { EventValue } from '../../kernel/index.ts'
import { clampNumber } from './generate.ts'
import type { FieldDomain } from './types.ts'

/** Bisection steps per real-valued field; integers bisect until adjacent. */
const REAL_BISECTIONS = 12
const MAX_ROUNDS = 4
/**
 * Events value simplification may replay per finding (each check replays the whole sequence): deletion runs to
 * its fixpoint whatever it costs, since 1-minimality is promised; simpler numbers are a courtesy.
 */
const SIMPLIFY_EVENTS = 4000

/** The predicate is re-checked on every candidate; it must hold for `events`. Returns a 1-minimal sequence. */
export function shrinkSequence(
  events: readonly EventValue[],
  fields: Record<string, FieldDomain>,
  holds: (events: EventValue[]) => boolean,
): EventValue[] {
  let cur = [...events]
  const quota = { left: SIMPLIFY_EVENTS }
  // delta debugging: halves, quarters, ... down to single events
  for (let size = Math.floor(cur.length / 2); size >= 1; size = Math.floor(size / 2))
    cur = dropChunks(cur, size, holds)
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = JSON.stringify(cur)
    cur = dropToFixpoint(cur, holds)
    cur = simplifyValues(cur, fields, holds, quota)
    if (JSON.stringify(cur) === before) break
  }
  // values simplified last may allow another deletion: end on a deletion fixpoint so the result is 1-minimal
  return dropToFixpoint(cur, holds)
}

function dropChunks(cur: EventValue[], size: number, holds: (e: EventValue[]) => boolean): EventValue[] {
  let i = 0
  while (i < cur.length) {
    const cand = [...cur.slice(0, i), ...cur.slice(i + size)]
    if (cand.length > 0 && holds(cand)) cur = cand
    else i += size
  }
  return cur
}

function dropToFixpoint(cur: EventValue[], holds: (e: EventValue[]) => boolean): EventValue[] {
  for (;;) {
    const n = cur.length
    cur = dropChunks(cur, 1, holds)
    if (cur.length === n) return cur
  }
}

function simplifyValues(
  cur: EventValue[],
  fields: Record<string, FieldDomain>,
  holds: (e: EventValue[]) => boolean,
  quota: { left: number },
): EventValue[] {
  const withValue = (i: number, name: string, v: unknown): EventValue[] =>
    cur.map((e, j) => (j === i ? { ...e, [name]: v } : e))
  const tryValue = (i: number, name: string, v: unknown): boolean => {
    if (Object.is(cur[i]?.[name], v) || quota.left <= 0) return false
    quota.left -= cur.length
    const cand = withValue(i, name, v)
    if (!holds(cand)) return false
    cur = cand
    return true
  }
  for (let i = 0; i < cur.length; i++) {
    for (const [name, d] of Object.entries(fields)) {
      if (name === 'id') continue
      if (d.kind === 'enum') {
        const at = d.values.findIndex((v) => Object.is(v, cur[i]?.[name]))
        for (let j = 0; j < at; j++) if (tryValue(i, name, d.values[j])) break
      } else if (d.kind === 'string') {
        tryValue(i, name, `${d.prefix ?? ''}0`)
      } else if (d.kind === 'number') {
        const x = cur[i]?.[name]
        if (typeof x !== 'number') continue
        const lo = clampNumber(d, d.min)
        if (x === lo || tryValue(i, name, lo)) continue
        if (d.min <= 0 && d.max >= 0 && x !== 0 && tryValue(i, name, 0)) continue
        // bisect between the domain minimum (fails) and the current value (holds)
        let bad = lo
        let good = x
        for (let step = 0; step < (d.integer ? 64 : REAL_BISECTIONS); step++) {
          const mid = clampNumber(d, (bad + good) / 2)
          if (mid === bad || mid === good) break
          if (tryValue(i, name, mid)) good = mid
          else bad = mid
        }
        // a round number when one still holds
        if (!d.integer && !Number.isInteger(good)) {
          for (const r of [Math.ceil(good), Math.round(good * 100) / 100])
            if (r <= d.max && tryValue(i, name, r)) break
        }
      }
    }
  }
  return cur
}
