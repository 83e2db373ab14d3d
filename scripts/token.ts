// `npm run token -- --tenant acme --role write --resource holon:alpha --ttl 1h [--sub agent-7]`: signs a tenant's
// credential (an HS256 JWT) with the active key from the environment or .dev.vars, never from a flag.
// `npm run token -- --init` turns tenant credentials on locally: a fresh key in .dev.vars (once).
import { randomBytes } from 'node:crypto'
import { appendFileSync, chmodSync, existsSync, readFileSync } from 'node:fs'
import { completeJwtKeys, parseDevVars } from '../bootstrap/dev-vars.ts'
import {
  type CredentialRole,
  issueToken,
  JwtKeysError,
  jwtKeys,
  MAX_TOKEN_SECONDS,
  RESOURCE,
  TENANT_ID,
} from '../functions/http/auth.ts'
import { type CommandSpec, choiceFlag, command, run, UsageError } from './cli.ts'

export const spec: CommandSpec = {
  name: 'npm run token --',
  summary:
    "Prints a tenant's signed, expiring credential (HS256 JWT with kid) for Authorization: Bearer. Exit 0, 1 no key, 2 bad usage.",
  flags: {
    tenant: { type: 'string', value: 'ID', help: 'the tenant (lower-case letters, digits, . _ -)' },
    role: { type: 'string', value: 'ROLE', help: 'read, write, admin or bridge', default: 'read' },
    resource: {
      type: 'string',
      value: 'RES',
      multiple: true,
      help: '`*` (all of the tenant’s) or holon:ID, topology:NAME, orchestrator:ID; repeatable (default *)',
    },
    ttl: {
      type: 'string',
      value: 'DURATION',
      help: 'lifetime: 90s, 30m, 1h, 7d (at most 30d)',
      default: '1h',
    },
    sub: { type: 'string', value: 'WHO', help: 'who the credential is for (an agent or a person)' },
    json: { type: 'boolean', help: 'print {token, kid, expires_at} as JSON' },
    init: {
      type: 'boolean',
      help: 'write a signing key to .dev.vars if it has none (turns tenants on for npm start; restart it), then exit',
    },
  },
  positionals: { max: 0 },
  env: {
    OMEGA_JWT_KEYS: 'JSON {kid: secret}; else read from .dev.vars',
    OMEGA_JWT_ACTIVE_KID: 'the kid that signs; else read from .dev.vars',
    OMEGA_DEV_VARS: 'the .dev.vars file to read (and, with --init, write); default: the project folder’s',
  },
  examples: [
    'npm run token -- --init',
    'npm run token -- --tenant acme --role write --resource holon:alpha --ttl 1h',
    'TOKEN=$(npm run -s token -- --tenant acme --role read)',
  ],
}

/** `90s`, `30m`, `1h`, `7d` in seconds. */
export function seconds(ttl: string): number {
  const m = /^([1-9][0-9]{0,6})([smhd])$/.exec(ttl)
  if (!m) throw new UsageError(`--ttl must look like 90s, 30m, 1h or 7d, got "${ttl}"`)
  const n = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd']
  if (n < 60 || n > MAX_TOKEN_SECONDS) throw new UsageError(`--ttl must be between 60s and 30d, got "${ttl}"`)
  return n
}

const { values } = command(spec)

const devVarsFile = process.env.OMEGA_DEV_VARS || new URL('../.dev.vars', import.meta.url)

/** Appends a key to .dev.vars when it has none: one HS256 secret of 32 random bytes, its kid the active one. */
function init(): number {
  const existing = existsSync(devVarsFile) ? readFileSync(devVarsFile, 'utf8') : ''
  const { append } = completeJwtKeys(existing, (n) => randomBytes(n).toString('base64url'))
  if (!append) {
    console.error('.dev.vars already has OMEGA_JWT_KEYS: left as it is (rotation: docs/tenancy.md)')
    return 0
  }
  appendFileSync(devVarsFile, append, { mode: 0o600 })
  chmodSync(devVarsFile, 0o600) // it holds secrets; `mode` above only applies to a file it creates
  console.error(
    'Wrote OMEGA_JWT_KEYS and OMEGA_JWT_ACTIVE_KID to .dev.vars. Restart npm start: tenant credentials are on, and ' +
      'stored resources are then read with a credential only (docs/tenancy.md).',
  )
  return 0
}

await run(spec, async () => {
  if (values.init) return init()
  const tenant = values.tenant
  if (typeof tenant !== 'string' || !TENANT_ID.test(tenant))
    throw new UsageError('--tenant must be a tenant id (lower-case letters, digits, . _ -, at most 64)')
  const role = choiceFlag(values.role, 'role', [
    'read',
    'write',
    'admin',
    'bridge',
  ] as const) as CredentialRole
  const res = (values.resource as string[] | undefined) ?? ['*']
  for (const r of res)
    if (!RESOURCE.test(r)) throw new UsageError(`--resource must be * or kind:id, got "${r}"`)
  const ttl = seconds(String(values.ttl))
  const local = existsSync(devVarsFile) ? parseDevVars(readFileSync(devVarsFile, 'utf8')) : {}
  const env = {
    OMEGA_JWT_KEYS: process.env.OMEGA_JWT_KEYS || local.OMEGA_JWT_KEYS,
    OMEGA_JWT_ACTIVE_KID: process.env.OMEGA_JWT_ACTIVE_KID || local.OMEGA_JWT_ACTIVE_KID,
  }
  let keys: Map<string, string>
  try {
    keys = jwtKeys(env as never)
  } catch (e) {
    if (e instanceof JwtKeysError) throw new Error(e.message)
    throw e
  }
  const kid = env.OMEGA_JWT_ACTIVE_KID
  const secret = kid ? keys.get(kid) : undefined
  if (!kid || secret === undefined)
    throw new Error(
      'no signing key: set OMEGA_JWT_KEYS and OMEGA_JWT_ACTIVE_KID, or run `npm run token -- --init` to write them to .dev.vars',
    )
  const iat = Math.floor(Date.now() / 1000)
  const token = await issueToken(kid, secret, {
    ten: tenant,
    role,
    res,
    iat,
    exp: iat + ttl,
    ...(typeof values.sub === 'string' ? { sub: values.sub } : {}),
  })
  const expires_at = new Date((iat + ttl) * 1000).toISOString()
  process.stdout.write(values.json ? `${JSON.stringify({ token, kid, expires_at })}\n` : `${token}\n`)
  return 0
})
