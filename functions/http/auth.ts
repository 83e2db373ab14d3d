// Bearer credentials: read / write / admin tokens from wrangler secrets, compared in constant time.
import { sha256 } from '@noble/hashes/sha2.js'
import { createMiddleware } from 'hono/factory'
import { ApiError } from './problems.ts'

export type Role = 'read' | 'write' | 'admin'
const RANK: Record<Role, number> = { read: 0, write: 1, admin: 2 }

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

type Secrets = Pick<
  Env,
  'OMEGA_READ_TOKEN' | 'OMEGA_WRITE_TOKEN' | 'OMEGA_ADMIN_TOKEN' | 'OMEGA_BRIDGE_TOKEN'
>

/** The strongest role the token grants; every configured secret is compared, whatever matches first. */
function roleOf(env: Secrets, token: string): Role | null {
  const candidates: [Role, string | undefined][] = [
    ['admin', env.OMEGA_ADMIN_TOKEN],
    ['write', env.OMEGA_WRITE_TOKEN],
    ['read', env.OMEGA_READ_TOKEN],
    // The federation node reads checkpoints and proofs with its bridge token.
    ['read', env.OMEGA_BRIDGE_TOKEN],
  ]
  let best: Role | null = null
  for (const [role, secret] of candidates) {
    const match = secret !== undefined && secret !== '' && sameSecret(token, secret)
    if (match && (best === null || RANK[role] > RANK[best])) best = role
  }
  return best
}

function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return m ? (m[1] as string) : null
}

/** Checks the caller holds at least `role`; reads are open unless OMEGA_READ_TOKEN is set. */
export function authorize(env: Secrets, header: string | undefined, role: Role): Role | null {
  const token = bearer(header)
  if (role === 'read' && !env.OMEGA_READ_TOKEN && token === null) return null
  if (token === null)
    throw new ApiError('unauthorized', `this call needs a ${role} token: Authorization: Bearer <token>`)
  const held = roleOf(env, token)
  if (held === null) throw new ApiError('unauthorized', 'the bearer token is not valid')
  return holds(held, role)
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

export const requireRole = (role: Role) =>
  createMiddleware<{ Bindings: Env; Variables: { role: Role | null } }>(async (c, next) => {
    c.set('role', authorize(c.env, c.req.header('authorization'), role))
    await next()
  })

/** The federation node's credential (OMEGA_BRIDGE_TOKEN), or the admin token; no other token opens these routes. */
export const requireBridge = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  const token = bearer(c.req.header('authorization'))
  if (token === null)
    throw new ApiError('unauthorized', 'this call needs the bridge token: Authorization: Bearer <token>')
  const secrets = [c.env.OMEGA_BRIDGE_TOKEN, c.env.OMEGA_ADMIN_TOKEN].filter((s): s is string => Boolean(s))
  const matches = secrets.map((s) => sameSecret(token, s)).some(Boolean)
  if (!matches) {
    if (roleOf(c.env, token)) throw new ApiError('forbidden', 'federation routes need the bridge token')
    throw new ApiError('unauthorized', 'the bearer token is not valid')
  }
  await next()
})
