// Credentials: the operator's static root tokens (constant-time compare) and tenant-scoped HS256 JWTs with a key id.
import { sha256 } from '@noble/hashes/sha2.js'
import { createMiddleware } from 'hono/factory'
import { decode, sign, verify } from 'hono/jwt'
import type { Actor } from '../../schemas/ledger.ts'
import { ApiError } from './problems.ts'

export type Role = 'read' | 'write' | 'admin'
/** What a credential may name: the three ranked roles, or `bridge` (the federation node's exchange). */
export type CredentialRole = Role | 'bridge'
const RANK: Record<Role, number> = { read: 0, write: 1, admin: 2 }

/** The tenant root credentials act for: every tenant. */
export const ROOT_TENANT = '*'
export const TENANT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/
/** Credentials expire: a token living longer than this is refused (and never issued). */
export const MAX_TOKEN_SECONDS = 30 * 24 * 3600
export const RESOURCE_KINDS = ['holon', 'topology', 'orchestrator'] as const
export type ResourceKind = (typeof RESOURCE_KINDS)[number]
/** A resource claim: `*` (all of the tenant's) or `kind:id`. */
export const RESOURCE = /^(\*|(holon|topology|orchestrator):[A-Za-z0-9][A-Za-z0-9._-]{0,127})$/

/** Who acts: the tenant (`*` for root), the role, the resources, the key id (root: `root:<role>`), the subject. */
export interface Principal {
  tenant: string
  role: Role
  /** The federation exchange routes are open to this credential (static bridge token or a bridge JWT). */
  bridge: boolean
  res: readonly string[]
  kid: string
  sub?: string
}

/**
 * What a ledger entry records of who acted on a resource of `tenant` (LedgerEntry.by): the resource's tenant, the
 * credential's key id (`root:<role>` for the operator's static tokens) and its subject.
 */
export const actorFor = (who: Principal | null | undefined, tenant: string): Actor => ({
  tenant,
  kid: who?.kid ?? 'anonymous',
  ...(who?.sub === undefined ? {} : { sub: who.sub }),
})

/** One encoder per isolate: noble's utf8ToBytes constructs one per call, which showed in the commit profile. */
const encoder = new TextEncoder()

/** Compares digests so neither the length nor the first differing byte of a token leaks through timing. */
function sameSecret(presented: string, secret: string): boolean {
  const a = sha256(encoder.encode(presented))
  const b = sha256(encoder.encode(secret))
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}

export type Secrets = Pick<
  Env,
  'OMEGA_READ_TOKEN' | 'OMEGA_WRITE_TOKEN' | 'OMEGA_ADMIN_TOKEN' | 'OMEGA_BRIDGE_TOKEN'
> &
  Partial<Pick<Env, 'OMEGA_JWT_KEYS' | 'OMEGA_JWT_ACTIVE_KID'>>

/** The strongest static role the token grants; every configured secret is compared, whatever matches first. */
function staticRole(env: Secrets, token: string): { role: Role; bridge: boolean } | null {
  const candidates: [Role, string | undefined, boolean][] = [
    ['admin', env.OMEGA_ADMIN_TOKEN, true],
    ['write', env.OMEGA_WRITE_TOKEN, false],
    ['read', env.OMEGA_READ_TOKEN, false],
    // The federation node reads checkpoints and proofs with its bridge token.
    ['read', env.OMEGA_BRIDGE_TOKEN, true],
  ]
  let best: Role | null = null
  let bridges = false
  for (const [role, secret, bridge] of candidates) {
    const match = secret !== undefined && secret !== '' && sameSecret(token, secret)
    if (!match) continue
    if (best === null || RANK[role] > RANK[best]) best = role
    bridges ||= bridge
  }
  return best === null ? null : { role: best, bridge: bridges }
}

/** A configuration error names the variable, never a key. */
export class JwtKeysError extends Error {
  override name = 'JwtKeysError'
}

/** OMEGA_JWT_KEYS: JSON {kid: secret}, HS256 secrets of at least 32 characters; empty or unset = no JWTs. */
export function jwtKeys(env: Secrets): Map<string, string> {
  const raw = env.OMEGA_JWT_KEYS?.trim()
  if (!raw) return new Map()
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new JwtKeysError('OMEGA_JWT_KEYS is not JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new JwtKeysError('OMEGA_JWT_KEYS must be a JSON object {kid: secret}')
  const keys = new Map<string, string>()
  for (const [kid, secret] of Object.entries(parsed)) {
    if (typeof secret !== 'string' || secret.length < 32)
      throw new JwtKeysError(`OMEGA_JWT_KEYS['${kid}'] must be a secret of at least 32 characters`)
    keys.set(kid, secret)
  }
  return keys
}

/** The secret as an HMAC JWK, so the signed header carries the key id. */
const hmacJwk = (kid: string, secret: string) => ({
  kty: 'oct',
  k: btoa(String.fromCharCode(...encoder.encode(secret)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, ''),
  alg: 'HS256',
  kid,
})

export interface Claims {
  ten: string
  role: CredentialRole
  res: string[]
  exp: number
  iat: number
  sub?: string
}

/** Signs a credential with `kid`'s secret (the worker's issuing route and `npm run token`). */
export async function issueToken(kid: string, secret: string, claims: Claims): Promise<string> {
  return sign({ ...claims }, hmacJwk(kid, secret) as never, 'HS256')
}

const invalid = (why: string) => new ApiError('unauthorized', `the bearer token is not valid: ${why}`)

/** Checks the claims' shapes: a token naming no tenant, an unknown role or a malformed resource is refused. */
function claimsOf(payload: Record<string, unknown>): Claims {
  const { ten, role, res, exp, iat, sub } = payload
  if (typeof exp !== 'number') throw invalid('it has no exp claim; credentials must expire')
  if (typeof iat !== 'number') throw invalid('it has no iat claim')
  if (exp - iat > MAX_TOKEN_SECONDS) throw invalid(`it lives longer than ${MAX_TOKEN_SECONDS} s`)
  if (typeof ten !== 'string' || !TENANT_ID.test(ten)) throw invalid('its ten claim is not a tenant id')
  if (role !== 'read' && role !== 'write' && role !== 'admin' && role !== 'bridge')
    throw invalid('its role claim is not read, write, admin or bridge')
  if (!Array.isArray(res) || res.length === 0 || res.length > 64)
    throw invalid('its res claim must list 1 to 64 resources')
  for (const r of res)
    if (typeof r !== 'string' || !RESOURCE.test(r))
      throw invalid(`resource '${String(r)}' is not * or kind:id`)
  if (sub !== undefined && (typeof sub !== 'string' || sub.length > 128))
    throw invalid('its sub claim must be a string of at most 128 characters')
  return { ten, role, res: res as string[], exp, iat, ...(sub === undefined ? {} : { sub: sub as string }) }
}

/** A JWT's principal; throws 401 for anything not signed by a listed key with valid claims. */
async function jwtPrincipal(keys: Map<string, string>, token: string): Promise<Principal> {
  let header: Record<string, unknown>
  try {
    header = decode(token).header as unknown as Record<string, unknown>
  } catch {
    throw invalid('it is neither a root token nor a JWT')
  }
  // Only HS256: `alg: none` and every other algorithm are refused before any key is looked at.
  if (header.alg !== 'HS256') throw invalid('only HS256 is accepted')
  const kid = header.kid
  if (typeof kid !== 'string') throw invalid('its header names no kid')
  const secret = keys.get(kid)
  if (secret === undefined) throw invalid(`key id '${kid}' is not (or no longer) listed`)
  let payload: Record<string, unknown>
  try {
    // HMAC verification through WebCrypto compares in constant time.
    payload = (await verify(token, hmacJwk(kid, secret) as never, 'HS256')) as Record<string, unknown>
  } catch (e) {
    const name = (e as Error).name
    if (name === 'JwtTokenExpired') throw invalid('it has expired')
    if (name === 'JwtTokenSignatureMismatched') throw invalid('its signature does not match')
    throw invalid('it could not be verified')
  }
  const claims = claimsOf(payload)
  return {
    tenant: claims.ten,
    // A bridge credential reads (within its tenant) and opens the federation exchange routes.
    role: claims.role === 'bridge' ? 'read' : claims.role,
    bridge: claims.role === 'bridge',
    res: claims.res,
    kid,
    ...(claims.sub === undefined ? {} : { sub: claims.sub }),
  }
}

function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return m ? (m[1] as string) : null
}

/** The principal a token names: a static root token, or a JWT when keys are configured; 401 otherwise. */
export async function principalOf(env: Secrets, token: string): Promise<Principal> {
  const root = staticRole(env, token)
  if (root)
    return { tenant: ROOT_TENANT, role: root.role, bridge: root.bridge, res: ['*'], kid: `root:${root.role}` }
  let keys: Map<string, string>
  try {
    keys = jwtKeys(env)
  } catch (e) {
    console.error((e as Error).message)
    throw new ApiError('unavailable', 'the credential keys are misconfigured; the operator has been logged')
  }
  if (keys.size === 0) throw new ApiError('unauthorized', 'the bearer token is not valid')
  return jwtPrincipal(keys, token)
}

/** Whether JWTs are in use: then anonymous callers may not read stored resources. */
export const jwtEnabled = (env: Secrets): boolean => Boolean(env.OMEGA_JWT_KEYS?.trim())

/** The caller holding at least `role`, or null for an anonymous read (open unless OMEGA_READ_TOKEN is set). */
export async function authorize(
  env: Secrets,
  header: string | undefined,
  role: Role,
): Promise<Principal | null> {
  const token = bearer(header)
  if (role === 'read' && !env.OMEGA_READ_TOKEN && token === null) return null
  if (token === null)
    throw new ApiError('unauthorized', `this call needs a ${role} token: Authorization: Bearer <token>`)
  const who = await principalOf(env, token)
  holds(who.role, role)
  return who
}

/**
 * Checks a role already established (by requireRole, in the context as `role`) covers `role`: a route that
 * needs more for some bodies (an override needs admin) asks the context instead of reading the token again.
 */
export function holds(held: Role | null, role: Role): Role {
  if (held === null)
    throw new ApiError('unauthorized', `this call needs a ${role} token: Authorization: Bearer <token>`)
  if (RANK[held] < RANK[role])
    throw new ApiError('forbidden', `this call needs the ${role} token; a ${held} token was given`)
  return held
}

type AuthEnv = { Bindings: Env; Variables: { role: Role | null; who: Principal | null } }

export const requireRole = (role: Role) =>
  createMiddleware<AuthEnv>(async (c, next) => {
    const who = await authorize(c.env, c.req.header('authorization'), role)
    c.set('who', who)
    c.set('role', who?.role ?? null)
    await next()
  })

/** Root admin only: the operator's static admin token (issuing credentials, tenant-wide reports). */
export const requireRoot = createMiddleware<AuthEnv>(async (c, next) => {
  const who = await authorize(c.env, c.req.header('authorization'), 'admin')
  if (who?.tenant !== ROOT_TENANT) throw new ApiError('forbidden', 'this call needs the operator admin token')
  c.set('who', who)
  c.set('role', who.role)
  await next()
})

/**
 * The federation node's credential: the static bridge token, the admin token, or a JWT with role `bridge`; no
 * other credential opens these routes.
 */
export const requireBridge = createMiddleware<AuthEnv>(async (c, next) => {
  const token = bearer(c.req.header('authorization'))
  if (token === null)
    throw new ApiError('unauthorized', 'this call needs the bridge token: Authorization: Bearer <token>')
  const who = await principalOf(c.env, token)
  if (!who.bridge) throw new ApiError('forbidden', 'federation routes need the bridge token')
  c.set('who', who)
  c.set('role', who.role)
  await next()
})
