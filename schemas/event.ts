// Event and commit-body schemas: an event is a JSON object with a string `id` (its idempotency key).
import { z } from '@hono/zod-openapi'
import { jsonProblem } from './json-value.ts'

const MAX_BATCH = 1000
/**
 * Longest list anywhere in an event. Kernel expressions iterate event lists; the bound lets the kernel
 * compiler prove the worst-case cost of nested comprehensions (docs/kernel.md).
 */
export const MAX_EVENT_LIST = 1024

const EventObject = z.looseObject({
  id: z
    .string()
    .min(1)
    .max(256)
    .describe('idempotency key: a retried commit with the same id never commits twice'),
})

/**
 * One walk over the raw parsed value, before zod copies it (zod drops a top-level `__proto__` silently, so the
 * event stored would differ from the one acknowledged): I-JSON, bounded depth, lists of at most MAX_EVENT_LIST.
 */
export const Event = (
  z.preprocess((raw, ctx) => {
    const bad = jsonProblem(raw, undefined, MAX_EVENT_LIST)
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
