// Event and commit-body schemas: an event is a JSON object with a string `id` (its idempotency key).
import { z } from '@hono/zod-openapi'
import { jsonProblem } from './json-value.ts'

const MAX_BATCH = 1000
/**
 * Longest list anywhere in an event. Kernel expressions iterate event lists; the bound lets the kernel
 * compiler prove the worst-case cost of nested comprehensions (docs/kernel.md).
 */
export const MAX_EVENT_LIST = 1024

/**
 * The first member an event may not carry, on the raw parsed JSON: a list longer than MAX_EVENT_LIST, or
 * a member named `__proto__` (zod drops it silently at the top level, so the event stored would differ
 * from the one acknowledged). Iterative: depth is bounded later by jsonProblem.
 */
function memberProblem(root: unknown): { path: (string | number)[]; message: string } | null {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: root, path: [] }]
  while (stack.length > 0) {
    const { v, path } = stack.pop() as { v: unknown; path: (string | number)[] }
    if (Array.isArray(v)) {
      if (v.length > MAX_EVENT_LIST) return { path, message: `lists hold at most ${MAX_EVENT_LIST} elements` }
      v.forEach((x, i) => {
        if (typeof x === 'object' && x !== null) stack.push({ v: x, path: [...path, i] })
      })
    } else if (typeof v === 'object' && v !== null) {
      if (Object.hasOwn(v, '__proto__')) {
        return {
          path: [...path, '__proto__'],
          message: 'a member named __proto__ is refused (an object internal)',
        }
      }
      for (const k of Object.keys(v)) {
        const x = (v as Record<string, unknown>)[k]
        if (typeof x === 'object' && x !== null) stack.push({ v: x, path: [...path, k] })
      }
    }
  }
  return null
}

const EventObject = z
  .looseObject({
    id: z
      .string()
      .min(1)
      .max(256)
      .describe('idempotency key: a retried commit with the same id never commits twice'),
  })
  .superRefine((value, ctx) => {
    const bad = jsonProblem(value)
    if (bad) ctx.addIssue({ code: 'custom', message: bad.message, path: bad.path })
  })

export const Event = (
  z.preprocess((raw, ctx) => {
    const bad = memberProblem(raw)
    if (bad) ctx.issues.push({ code: 'custom', message: bad.message, input: raw, path: bad.path })
    return raw
  }, EventObject) as unknown as typeof EventObject
) // typed as the object: the guard only refuses
  .openapi('Event', {
    description: `any JSON object with a string id; expressions see it as \`event\`; lists hold at most ${MAX_EVENT_LIST} elements; no member is named __proto__`,
  })
export const Override = z
  .strictObject({
    reason: z.string().trim().min(1).max(2000),
    actor: z.string().trim().min(1).max(200).optional().describe('who decided; recorded with the override'),
  })
  .openapi('Override', { description: 'commit despite the gate; needs the admin token and is recorded' })

const single = z.strictObject({ event: Event, override: Override.optional() })
const batch = z.strictObject({ events: z.array(Event).min(1).max(MAX_BATCH), override: Override.optional() })

export const CommitBody = z
  .union([single, batch])
  .superRefine((body, ctx) => {
    if (!('events' in body)) return
    const seen = new Map<string, number>()
    body.events.forEach((e, i) => {
      const first = seen.get(e.id)
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate event id (also at index ${first})`,
          path: ['events', i, 'id'],
        })
      }
      seen.set(e.id, i)
    })
  })
  .openapi('CommitBody', { description: '`{"event": {...}}` or `{"events": [...]}`, evaluated in order' })

export type Event = z.infer<typeof Event>
export type Override = z.infer<typeof Override>
export type CommitBody = z.infer<typeof CommitBody>

export const eventsOf = (body: CommitBody): Event[] => ('events' in body ? body.events : [body.event])
