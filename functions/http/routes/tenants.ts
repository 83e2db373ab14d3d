// /v1/tenants/{tenant}/credentials: the operator (root admin token) issues a tenant's scoped, expiring JWT.
import { createRoute } from '@hono/zod-openapi'
import { CredentialIssued, CredentialRequest, TenantParams } from '../../../schemas/tenancy.ts'
import { issueToken, JwtKeysError, jwtKeys, requireRoot } from '../auth.ts'
import { bearerAuth, json, jsonBody, problems, router } from '../openapi.ts'
import { ApiError } from '../problems.ts'

const issue = createRoute({
  method: 'post',
  path: '/v1/tenants/{tenant}/credentials',
  tags: ['tenants'],
  summary: "Issue a tenant's credential (operator admin token only)",
  description:
    'Signs an HS256 JWT with the key OMEGA_JWT_ACTIVE_KID names in OMEGA_JWT_KEYS: claims `ten`, `role`, `res`, ' +
    '`iat`, `exp` and optionally `sub`. Tokens are not stored: rotate the key (keep the old kid listed until its ' +
    'tokens expire) to revoke. See docs/tenancy.md.',
  security: bearerAuth,
  middleware: [requireRoot] as const,
  request: { params: TenantParams, body: jsonBody(CredentialRequest) },
  responses: {
    201: json(CredentialIssued, 'the signed credential'),
    ...problems('validation_failed', 'unauthorized', 'forbidden', 'unavailable'),
  },
})

export const tenants = router().openapi(issue, async (c) => {
  const { tenant } = c.req.valid('param')
  const body = c.req.valid('json')
  let keys: Map<string, string>
  try {
    keys = jwtKeys(c.env)
  } catch (e) {
    if (!(e instanceof JwtKeysError)) throw e
    throw new ApiError('unavailable', `credentials cannot be issued: ${e.message}`)
  }
  const kid = c.env.OMEGA_JWT_ACTIVE_KID
  const secret = kid ? keys.get(kid) : undefined
  if (!kid || secret === undefined)
    throw new ApiError(
      'unavailable',
      'credentials cannot be issued: OMEGA_JWT_ACTIVE_KID names no key in OMEGA_JWT_KEYS',
    )
  const iat = Math.floor(Date.now() / 1000)
  const exp = iat + body.ttl_seconds
  const token = await issueToken(kid, secret, {
    ten: tenant,
    role: body.role,
    res: body.resources,
    iat,
    exp,
    ...(body.sub === undefined ? {} : { sub: body.sub }),
  })
  return c.json(
    {
      token,
      kid,
      expires_at: new Date(exp * 1000).toISOString(),
      tenant,
      role: body.role,
      resources: body.resources,
    },
    201,
  )
})
