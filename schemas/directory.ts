// The holon directory's documents: a page of the holon ids that exist, in id order.
import { z } from '@hono/zod-openapi'

/** A tenant id (issue 13): who owns a holon, stored topology or orchestrator. */
export const TenantId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a tenant id: lower-case letters, digits, ".", "_", "-", at most 64')
  .openapi('TenantId')

/**
 * `?tenant=` on creates and listings: root credentials create in (default `default`) or list (default: all) that
 * tenant; a tenant credential may only name its own.
 */
export const TenantQuery = z.object({
  tenant: TenantId.optional().describe(
    'root credentials: the tenant to create in (default `default`) or to list (default all); tenant credentials: their own only',
  ),
})

export const HolonListQuery = z.object({
  after: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'after is a holon id (the next_after of a previous page)')
    .optional()
    .describe('list the ids after this one (exclusive)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  tenant: TenantQuery.shape.tenant,
})

export const HolonList = z
  .object({
    holons: z.array(
      z.object({
        id: z.string(),
        registered_at: z.string().describe('ISO-8601 time the directory first recorded the id'),
        tenant: z.string().describe('the tenant the holon belongs to'),
      }),
    ),
    next_after: z.string().nullable().describe('pass as `after` for the next page; null on the last page'),
  })
  .openapi('HolonList', { description: 'holon ids in id order, from the deployment directory' })

export type HolonList = z.infer<typeof HolonList>
