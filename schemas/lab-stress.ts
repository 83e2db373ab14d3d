// The kernel lab's stress tester (S44): intents, field domains, findings and progress (functions/lab/stress).
import { z } from '@hono/zod-openapi'
import { GateResult } from './evaluation.ts'
import { Event } from './event.ts'
import { KernelSpec } from './kernel.ts'

const expr = z.string().min(1).max(4096)
const name = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'intent names: a letter or _, then letters, digits, _ . -')
/** The longest sequence a search builds (events). */
export const MAX_STRESS_LENGTH = 500
/** The stateless endpoint's budget: default and most CPU milliseconds. */
export const STRESS_DEFAULT_MS = 1000
export const STRESS_MAX_MS = 5000
/** The holon's job: most CPU milliseconds in total, run in chunks on the holon's alarm. */
export const STRESS_JOB_MAX_MS = 600_000

export const Intent = z
  .strictObject({
    name,
    never: expr.describe(
      'CEL boolean that must never become true: over `agg` (the kernel aggregates after each admitted event), ' +
        '`event` (that event) and `win` (the aggregates folded over the last `window` admitted events)',
    ),
    window: z
      .number()
      .int()
      .min(1)
      .max(MAX_STRESS_LENGTH)
      .optional()
      .describe('events `win.<aggregate>` folds over'),
  })
  .openapi('StressIntent')

const scalar = z.union([z.string().max(256), z.number(), z.boolean()])
export const FieldDomain = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('number'),
      min: z.number(),
      max: z.number(),
      integer: z.boolean().optional(),
    }),
    z.strictObject({ kind: z.literal('enum'), values: z.array(scalar).min(1).max(256) }),
    z.strictObject({ kind: z.literal('string'), prefix: z.string().max(64).optional() }),
    z.strictObject({ kind: z.literal('const'), value: z.union([scalar, z.null()]) }),
  ])
  .refine((d) => d.kind !== 'number' || d.min <= d.max, { message: 'min must be at most max' })
  .refine((d) => d.kind !== 'number' || !d.integer || Math.ceil(d.min) <= Math.floor(d.max), {
    message: 'no integer between min and max',
  })
  .openapi('StressFieldDomain', { description: 'what the generator draws for one event member' })

const FoldState = z.strictObject({ n: z.number().int().min(0), v: z.number(), c: z.number() })

const fieldName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'field names are identifiers')
  .refine((s) => s !== 'id' && s !== '__proto__', { message: 'ids are generated; __proto__ is refused' })

/** The search itself, as the holon's job takes it (kernel and start come from the holon). */
const search = {
  intents: z.array(Intent).min(1).max(32),
  fields: z
    .record(fieldName, FieldDomain)
    .refine((r) => Object.keys(r).length <= 64, { message: 'at most 64 fields' })
    .describe("the event generator's domain, one entry per event member; ids are generated"),
  max_length: z
    .number()
    .int()
    .min(1)
    .max(MAX_STRESS_LENGTH)
    .optional()
    .describe('longest sequence (admitted events); default 50'),
  edge: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe('distance above a threshold that counts as the edge; default 0.01'),
  seed: z.number().int().min(0).max(0xffffffff).optional().describe('default 1'),
}

export const StressRequest = z
  .strictObject({
    kernel: KernelSpec,
    ...search,
    start: z
      .strictObject({ aggregates: z.record(z.string().max(64), FoldState), last_event: Event.optional() })
      .optional()
      .describe('the state searched from (fold states by aggregate name); default a fresh holon'),
    budget_ms: z
      .number()
      .int()
      .min(1)
      .max(STRESS_MAX_MS)
      .optional()
      .describe(`CPU milliseconds of search (calibrated steps); default ${STRESS_DEFAULT_MS}`),
  })
  .openapi('StressRequest')

export const StressJobRequest = z
  .strictObject({
    ...search,
    budget_ms: z
      .number()
      .int()
      .min(1)
      .max(STRESS_JOB_MAX_MS)
      .optional()
      .describe(
        'CPU milliseconds in total, run in chunks of about 200 ms on the holon alarm; default 10,000',
      ),
  })
  .openapi('StressJobRequest')

export const StressFinding = z
  .object({
    kind: z
      .enum(['intent', 'edge', 'policy'])
      .describe(
        'intent: admitted with zero torsion, the intent breaks; policy: it breaks only through admit_flagged / admit_improving events; edge: an invariant ends within `edge` of its threshold, admissibly',
      ),
    intent: z.string().optional(),
    invariant: z.string().optional(),
    events: z
      .array(Event)
      .describe('shrunk: dropping any single event loses the finding; replay it as a dry run'),
    original_length: z.number().int(),
    results: z.array(GateResult).describe("the gate's results replaying `events` from the start state"),
    detail: z.string(),
  })
  .openapi('StressFinding')

export const StressResult = z
  .object({
    tried: z.number().int().describe('sequences tried'),
    steps: z.number().int().describe('budget steps spent'),
    findings: z.array(StressFinding),
    done: z
      .boolean()
      .describe(
        'every target found; false: the budget was spent first (no finding then means none was found)',
      ),
    seed: z.number().int(),
    budget_ms: z.number().describe('the budget, in CPU milliseconds'),
  })
  .openapi('StressResult')

export const StressJob = StressResult.extend({
  status: z.enum(['running', 'done', 'spent', 'cancelled', 'failed']),
  chunks: z.number().int().describe('alarm chunks run'),
  kernel_id: z.string(),
  started_at: z.string(),
  updated_at: z.string(),
  error: z.string().optional(),
  replaced: z.boolean().optional().describe('this POST replaced a running job'),
}).openapi('StressJob')

export type StressRequest = z.infer<typeof StressRequest>
export type StressJobRequest = z.infer<typeof StressJobRequest>
export type StressResult = z.infer<typeof StressResult>
export type StressJob = z.infer<typeof StressJob>
