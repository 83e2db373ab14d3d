// Cost reports: the query of GET /v1/tenants/{tenant}/costs and the bill it answers (functions/billing).
import { z } from '@hono/zod-openapi'

export const TenantId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'letters, digits, . _ : -; at most 128')
  .openapi({ param: { name: 'tenant', in: 'path' }, example: 'acme' })
export const TenantParams = z.object({ tenant: TenantId })

const Ids = z
  .string()
  .max(4096)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}(,[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,63}$/,
    'comma-separated ids, at most 64',
  )
  .transform((s) => s.split(','))

export const CostsQuery = z.object({
  from: z.iso
    .datetime({ offset: true })
    .default('1970-01-01T00:00:00.000Z')
    .describe('start of the period (inclusive)'),
  to: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('end of the period (exclusive); default and at most: now'),
  orchestrators: Ids.optional().describe(
    "orchestrators to fold (default: every orchestrator in the directory, whoever runs it; each one's entries are filtered to the tenant's workloads). A tenant credential may name only its own",
  ),
  holons: Ids.optional().describe(
    "holons whose committed events the tenant pays for (default: every holon the tenant owns); an entry counts when its `by.tenant` is the tenant's",
  ),
})

const Resource = z.object({ kind: z.enum(['holon', 'orchestrator']), id: z.string() })
const Kind = z.enum(['replica_hours', 'commits', 'auction_payment', 'shapley_share'])

export const Bill = z
  .object({
    tenant: z.string(),
    from: z.string(),
    to: z.string(),
    currency: z.string(),
    prices: z.record(z.string(), z.union([z.number(), z.string()])).describe('OMEGA_PRICES as applied'),
    lines: z.array(
      z.object({
        kind: Kind,
        resource: Resource.extend({ workload: z.string().optional() }),
        quantity: z.number(),
        unit: z.enum(['replica_hour', 'commit', 'auction', 'hour']),
        amount: z.number(),
        entries: z
          .array(z.object({ resource: Resource, index: z.number().int(), entry_hash: z.string() }))
          .describe(
            'the ledger entries the line was folded from (receipts: GET .../ledger/receipts/{index})',
          ),
      }),
    ),
    totals: z.record(Kind, z.number()),
    total: z.number(),
    entries_scanned: z.number().int(),
  })
  .openapi('Bill', {
    description: "a tenant's costs over a period, folded from ledger entries (docs/billing.md)",
  })
