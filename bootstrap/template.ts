// Holon templates in bootstrap/holons: a kernel, seed events loaded by `npm start`, and events to try.
import { z } from '@hono/zod-openapi'
import { Verdict } from '../schemas/evaluation.ts'
import { Event } from '../schemas/event.ts'
import { KernelSpec } from '../schemas/kernel.ts'

export const Template = z.strictObject({
  holon: z.string(),
  description: z.string(),
  kernel: KernelSpec,
  seed: z.array(Event).min(1),
  try: z.array(z.strictObject({ title: z.string(), event: Event, expect: Verdict })).min(1),
})

export type Template = z.infer<typeof Template>

export const loadTemplate = (json: unknown): Template => Template.parse(json)
