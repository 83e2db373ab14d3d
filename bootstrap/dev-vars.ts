// The local .dev.vars that `npm start` completes on first run: fresh random tokens, and a ledger origin of this
// installation's own (two installations left at `omega.local` would shadow each other's same-named holons).
// Pure (text in, text out) so that it is tested without a file system; start.ts reads and writes the file.

export const GENERATED_TOKENS = ['OMEGA_WRITE_TOKEN', 'OMEGA_ADMIN_TOKEN', 'OMEGA_BRIDGE_TOKEN'] as const
export const ORIGIN_VAR = 'OMEGA_LEDGER_ORIGIN'
/** The shared default in wrangler.toml, which .dev.vars overrides locally. */
export const DEFAULT_ORIGIN = 'omega.local'

const HEADER =
  '# Local secrets written by `npm start`; never commit. Production: `wrangler secret put NAME`.\nOMEGA_READ_TOKEN=\n'

export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (m) vars[m[1] as string] = m[2] as string
  }
  return vars
}

/**
 * What to append to `.dev.vars` (undefined: the file does not exist yet) so that it has every token and a unique
 * ledger origin; values already there are kept, so the origin chosen on first start is reused afterwards.
 */
export function completeDevVars(
  existing: string | undefined,
  random: (bytes: number) => string,
): { append: string; generated: string[] } {
  const vars = parseDevVars(existing ?? '')
  const lines = GENERATED_TOKENS.filter((k) => !vars[k]).map((k) => `${k}=${random(24)}`)
  if (!vars[ORIGIN_VAR]) {
    lines.push(
      "# This installation's ledger origin (prefix of every holon origin and key name): unique, kept across starts.",
      `${ORIGIN_VAR}=omega-${random(6)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '0')}.local`,
    )
  }
  const generated = lines.filter((l) => !l.startsWith('#')).map((l) => l.slice(0, l.indexOf('=')))
  if (lines.length === 0) return { append: '', generated }
  const head = existing === undefined ? HEADER : existing.endsWith('\n') || existing === '' ? '' : '\n'
  return { append: `${head}${lines.join('\n')}\n`, generated }
}

export const JWT_KEYS_VAR = 'OMEGA_JWT_KEYS'
export const JWT_ACTIVE_VAR = 'OMEGA_JWT_ACTIVE_KID'

/**
 * What to append so that `.dev.vars` has a key for tenant credentials (docs/tenancy.md): one HS256 secret of 32
 * random bytes under a fresh key id, which is also the active one. A file that has keys keeps them (rotation is
 * the operator's: add a kid, make it active, remove the old one once its tokens have expired).
 */
export function completeJwtKeys(
  existing: string,
  random: (bytes: number) => string,
): { append: string; generated: string[] } {
  const vars = parseDevVars(existing)
  if (vars[JWT_KEYS_VAR]) return { append: '', generated: [] }
  const kid = `k-${random(4)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')}`
  const head = existing === '' || existing.endsWith('\n') ? '' : '\n'
  return {
    append:
      `${head}# Tenant credentials: {kid: HS256 secret}; the active kid signs \`npm run token\` and POST /v1/tenants/{t}/credentials.\n` +
      `${JWT_KEYS_VAR}=${JSON.stringify({ [kid]: random(32) })}\n${JWT_ACTIVE_VAR}=${kid}\n`,
    generated: [JWT_KEYS_VAR, JWT_ACTIVE_VAR],
  }
}
