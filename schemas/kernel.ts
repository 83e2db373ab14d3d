// Kernel spec schema: aggregates (incremental folds), invariants (scored CEL), gate policy.
import { z } from '@hono/zod-openapi'

const expr = z.string().min(1).max(4096)

/**
 * Names of JavaScript object internals (`__proto__`, `constructor`, `toString`, ...). As record keys they
 * change meaning (a `__proto__` key is dropped by parsing, `constructor` breaks CEL's dispatch on `agg`),
 * so they are refused rather than risk a kernel that means something other than what was written.
 */
export const reservedName = (name: string): boolean =>
  name === 'prototype' || Object.hasOwn(Object.prototype, name)
/**
 * Refuses reserved names before the record parses: zod drops a `__proto__` key silently (it would replace
 * the prototype) and reports other bad keys without the key schema's message.
 */
const guardNames = <T extends z.ZodType>(what: string, record: T) =>
  z.preprocess((raw, ctx) => {
    if (typeof raw !== 'object' || raw === null) return raw
    for (const name of Object.keys(raw).filter(reservedName)) {
      ctx.issues.push({
        code: 'custom',
        message: `${what} name '${name}' is refused: names must not be JavaScript object internals (__proto__, constructor, toString, prototype, ...)`,
        input: raw,
        path: [name],
      })
    }
    return raw
  }, record) as unknown as T // typed as the record: the guard only refuses, it never changes the value

const aggName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'aggregate names are CEL identifiers (letters, digits, _)')
const invariantName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/,
    'invariant names start with a letter or _ (then letters, digits, _ . -)',
  )

const common = {
  where: expr.optional().describe('CEL filter over `event`; the event is folded only when it is true'),
  description: z.string().max(1000).optional(),
}
const valued = {
  ...common,
  expr: expr.describe('CEL expression over `event` giving the folded number'),
  empty: z
    .number()
    .optional()
    .describe('value of the aggregate before any event was folded (else it is absent)'),
}

export const AggregateSpec = z
  .discriminatedUnion('fold', [
    z.strictObject({ fold: z.literal('count'), ...common }),
    z.strictObject({ fold: z.enum(['sum', 'min', 'max', 'last', 'mean']), ...valued }),
    z.strictObject({
      fold: z.literal('ewma'),
      ...valued,
      alpha: z.number().gt(0).lte(1).describe('weight of the newest value'),
    }),
  ])
  .openapi('AggregateSpec')

export const InvariantSpec = z
  .strictObject({
    score: expr.describe(
      'CEL expression over `agg` (after the proposed event) and `event`; clamped to [0,1]',
    ),
    threshold: z.number().min(0).max(1),
    weight: z.number().gt(0).max(1e6).default(1),
    description: z.string().max(1000).optional(),
  })
  .openapi('InvariantSpec')

export const GatePolicy = z
  .strictObject({
    on_torsion: z
      .enum(['reject', 'flag', 'require_override'])
      .default('reject')
      .describe('what a non-zero torsion does'),
    admit_improving: z
      .boolean()
      .default(false)
      .describe('admit an event that strictly lowers the torsion of an already-violating state'),
  })
  .openapi('GatePolicy')

export const KernelSpec = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/)
      .describe('the kernel (MVK) id'),
    description: z.string().max(4000).optional(),
    aggregates: guardNames('aggregate', z.record(aggName, AggregateSpec).default({})),
    invariants: guardNames(
      'invariant',
      z
        .record(invariantName, InvariantSpec)
        .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 256, {
          message: 'a kernel has 1 to 256 invariants',
        }),
    ).describe('the dimensions of the state vector, in this order'),
    gate: GatePolicy.default({ on_torsion: 'reject', admit_improving: false }),
  })
  .refine((k) => Object.keys(k.aggregates).length <= 256, {
    message: 'at most 256 aggregates',
    path: ['aggregates'],
  })
  .openapi('KernelSpec')

export type AggregateSpec = z.infer<typeof AggregateSpec>
export type InvariantSpec = z.infer<typeof InvariantSpec>
export type GatePolicy = z.infer<typeof GatePolicy>
export type KernelSpec = z.infer<typeof KernelSpec>
/** What an author may send: defaults (weight, gate) not yet applied. */
export type KernelInput = z.input<typeof KernelSpec>
