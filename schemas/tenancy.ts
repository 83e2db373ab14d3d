// Tenant credentials (issue 13): what the operator asks to issue, and the signed token it gets back.
import { z } from '@hono/zod-openapi'
import { TenantId } from './directory.ts'

/** `*` (all of the tenant's resources) or `kind:id`. */
export const ResourceClaim = z
  .string()
  .regex(
    /^(\*|(holon|topology|orchestrator):[A-Za-z0-9][A-Za-z0-9._-]{0,127})$/,
    'a resource is * or kind:id',
  )
  .describe('`*` = every resource of the tenant, or `holon:<id>`, `topology:<name>`, `orchestrator:<id>`')

export const TenantParams = z.object({ tenant: TenantId })

export const CredentialRequest = z
  .strictObject({
    role: z
      .enum(['read', 'write', 'admin', 'bridge'])
      .describe('bridge: the federation exchange, reads otherwise'),
    resources: z.array(ResourceClaim).min(1).max(64).default(['*']),
    ttl_seconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 24 * 3600)
      .default(3600)
      .describe('lifetime; at most 30 days'),
    sub: z.string().min(1).max(128).optional().describe('who the credential is for (an agent or a person)'),
  })
  .openapi('CredentialRequest')

export const CredentialIssued = z
  .object({
    token: z.string().describe('an HS256 JWT: send as Authorization: Bearer <token>'),
    kid: z.string().describe('the key id that signed it (OMEGA_JWT_ACTIVE_KID)'),
    expires_at: z.string().describe('ISO-8601'),
    tenant: z.string(),
    role: z.string(),
    resources: z.array(z.string()),
  })
  .openapi('CredentialIssued')

export type CredentialRequest = z.infer<typeof CredentialRequest>
