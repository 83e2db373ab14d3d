// The npm scripts run as child processes: --help, unknown flags, bad values and secrets given as flags.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ed25519 } from '@noble/curves/ed25519.js'
import { afterAll, describe, expect, it } from 'vitest'
import {
  EXPORT_TYPE,
  type ExportHeader,
  holonVerifierKey,
  sealEntry,
  signCheckpoint,
  toHex,
} from '../../functions/ledger/index.ts'
import { CompactRange, sha3Tree } from '../../functions/merkle/index.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

function runScript(script: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, script), ...args],
      { cwd: root, env: { ...process.env, ...env }, timeout: 50_000 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? null) : 0
        resolve({ code: typeof code === 'number' ? code : null, stdout, stderr })
      },
    )
  })
}

const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '')

const COMMANDS = [
  {
    name: 'verify',
    script: 'scripts/verify.ts',
    usage: 'usage: npm run verify --',
    bad: ['x.jsonl', '--key'],
  },
  {
    name: 'simulate',
    script: 'scripts/simulate.ts',
    usage: 'usage: npm run simulate --',
    bad: ['--minutes', 'ten'],
  },
  { name: 'bench', script: 'bench/run.ts', usage: 'usage: npm run bench --', bad: ['--budget', '0'] },
  { name: 'schemas', script: 'scripts/build-schemas.ts', usage: 'usage: npm run schemas --', bad: ['stray'] },
  { name: 'start', script: 'bootstrap/start.ts', usage: 'usage: npm start --', bad: ['--port', '70000'] },
  {
    name: 'token',
    script: 'scripts/token.ts',
    usage: 'usage: npm run token --',
    bad: ['--tenant', 'acme', '--ttl', '90d'],
  },
]

describe.each(COMMANDS)('$name', ({ name, script, usage, bad }) => {
  it('answers --help with its usage on stdout and exit 0', async () => {
    const r = await runScript(script, ['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout.startsWith(usage)).toBe(true)
    expect(r.stdout).toContain('--help')
    expect(r.stderr).toBe('')
  })

  it('rejects an unknown flag with one line and exit 2', async () => {
    const r = await runScript(script, ['--no-such-flag'])
    expect(r.code).toBe(2)
    expect(lines(r.stderr)).toEqual([expect.stringContaining('unknown flag --no-such-flag')])
    expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
    expect(r.stdout).toBe('')
  })

  it('rejects a bad value with one line and exit 2', async () => {
    const r = await runScript(script, bad)
    expect(r.code).toBe(2)
    expect(lines(r.stderr)).toHaveLength(1)
    expect(r.stderr.startsWith(`${name === 'start' ? 'npm start' : name}: `)).toBe(true)
  })

  it('refuses a secret given as a flag, naming where it should come from', async () => {
    for (const flag of ['--token=s3cret', '--write-token']) {
      const r = await runScript(script, [flag, 's3cret'])
      expect(r.code).toBe(2)
      expect(lines(r.stderr)).toHaveLength(1)
      expect(r.stderr).toContain('is refused')
      expect(r.stderr).not.toContain('s3cret') // the refusal does not echo the secret either
    }
  })
})

describe('token', () => {
  const keys = {
    OMEGA_JWT_KEYS: JSON.stringify({ kA: 'a-secret-of-32-characters-at-least!!' }),
    OMEGA_JWT_ACTIVE_KID: 'kA',
  }

  it('prints a JWT signed by the active kid with the claims asked for, expiring after --ttl', async () => {
    const r = await runScript(
      'scripts/token.ts',
      [
        '--tenant',
        'acme',
        '--role',
        'write',
        '--resource',
        'holon:alpha',
        '--ttl',
        '2h',
        '--sub',
        'agent-7',
        '--json',
      ],
      keys,
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as { token: string; kid: string; expires_at: string }
    expect(out.kid).toBe('kA')
    const { verify } = await import('hono/jwt')
    const k = btoa('a-secret-of-32-characters-at-least!!')
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
    const claims = await verify(out.token, { kty: 'oct', k, alg: 'HS256' } as never, 'HS256')
    expect(claims).toMatchObject({ ten: 'acme', role: 'write', res: ['holon:alpha'], sub: 'agent-7' })
    expect((claims.exp as number) - (claims.iat as number)).toBe(7200)
    expect(Date.parse(out.expires_at) / 1000).toBe(claims.exp)
  })

  it('--init writes a key to .dev.vars once (0600), which then signs; a second --init leaves it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-token-'))
    try {
      const file = join(dir, '.dev.vars')
      writeFileSync(file, 'OMEGA_WRITE_TOKEN=w\n')
      const env = { OMEGA_DEV_VARS: file, OMEGA_JWT_KEYS: '', OMEGA_JWT_ACTIVE_KID: '' }
      const first = await runScript('scripts/token.ts', ['--init'], env)
      expect(first.code).toBe(0)
      const written = readFileSync(file, 'utf8')
      expect(written).toMatch(/^OMEGA_WRITE_TOKEN=w\n/)
      expect(written).toMatch(/\nOMEGA_JWT_KEYS=\{"k-[a-z0-9]+":"[A-Za-z0-9_-]{43}"\}\n/)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect((await runScript('scripts/token.ts', ['--init'], env)).code).toBe(0)
      expect(readFileSync(file, 'utf8')).toBe(written)
      // the key signs: the environment's empty values fall back to the file
      const signed = await runScript('scripts/token.ts', ['--tenant', 'acme'], {
        OMEGA_DEV_VARS: file,
      })
      expect(signed.code).toBe(0)
      expect(signed.stdout.split('.')).toHaveLength(3)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('without a key it says where the key comes from, exit 1', async () => {
    const r = await runScript('scripts/token.ts', ['--tenant', 'acme'], {
      OMEGA_JWT_KEYS: '',
      OMEGA_JWT_ACTIVE_KID: 'none',
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('OMEGA_JWT_KEYS')
  })
})

describe('bad numbers never become NaN', () => {
  it.each([
    ['--seed', 'abc'],
    ['--seed', '1.5'],
    ['--seed', ''],
    ['--minutes', '5'],
    ['--minutes', '0x20'],
    ['--startup', '-1'],
  ])('simulate %s %j exits 2', async (flag, value) => {
    const r = await runScript('scripts/simulate.ts', [flag, value])
    expect(r.code).toBe(2)
    expect(lines(r.stderr)).toHaveLength(1)
    expect(r.stderr).toContain(flag)
  })

  it('PORT=abc is refused by npm start before anything starts', async () => {
    const r = await runScript('bootstrap/start.ts', [], { PORT: 'abc' })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('whole number')
  })
})

describe('verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-cli-verify-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** A real signed export of n entries (what GET /ledger/export streams). */
  function writeExport(n: number, tamperAt?: number): { file: string; vkey: string } {
    const secret = ed25519.utils.randomSecretKey()
    const origin = 'cli.test/holons/h'
    const tree = new CompactRange()
    const out: string[] = []
    let prev: string | null = null
    for (let i = 0; i < n; i++) {
      const s = sealEntry({
        v: 1,
        holon: 'h',
        index: i,
        prev,
        at: '2026-11-30T00:00:00.000Z',
        kind: 'event.committed',
        data: { event: { id: `e${i}`, amount: i }, kernel_version: 1, verdict: 'admit', torsion: 0 },
      })
      tree.append(sha3Tree, s.leaf)
      prev = toHex(s.leaf)
      out.push(i === tamperAt ? s.text.replace(`"amount":${i}`, `"amount":${i + 1}`) : s.text)
    }
    const header: ExportHeader = {
      type: EXPORT_TYPE,
      version: 1,
      holon: 'h',
      origin,
      from: 0,
      to: n,
      frontier: [],
      prev: null,
      checkpoint: signCheckpoint({ origin, size: n, root: tree.root(sha3Tree) }, secret),
      verifier_key: holonVerifierKey(origin, secret),
    }
    const file = join(dir, `export-${n}-${tamperAt ?? 'ok'}.jsonl`)
    writeFileSync(file, `${JSON.stringify(header)}\n${out.join('\n')}\n`)
    return { file, vkey: header.verifier_key }
  }

  it('audits a valid export (exit 0) and shows entries/s and percent on stderr', async () => {
    const { file, vkey } = writeExport(3000)
    const r = await runScript('scripts/verify.ts', [file, '--key', vkey], { OMEGA_PROGRESS_MS: '0' })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('VALID')
    expect(r.stdout).not.toContain('INVALID')
    // progress goes to stderr (stdout stays the report) and ends at 100%
    expect(r.stderr).toMatch(/verify: [\d,]+\/3,000 entries \(\d+\.\d%\), [\d,]+ entries\/s/)
    expect(r.stderr).toContain('3,000/3,000 entries (100.0%)')
  })

  it('reports a tampered entry: exit 1 and its index', async () => {
    const { file, vkey } = writeExport(50, 17)
    const r = await runScript('scripts/verify.ts', [file, '--key', vkey])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('INVALID')
    expect(r.stdout).toContain('first bad index: 17')
  })

  it('a missing file is one line and exit 1, not a stack trace', async () => {
    const r = await runScript('scripts/verify.ts', [join(dir, 'nope.jsonl')])
    expect(r.code).toBe(1)
    expect(lines(r.stderr)).toEqual([expect.stringContaining('no such file')])
  })

  it('a file that is not an export is one line and exit 1', async () => {
    const file = join(dir, 'not-json.jsonl')
    writeFileSync(file, 'hello\n')
    const r = await runScript('scripts/verify.ts', [file])
    expect(r.code).toBe(1)
    expect(lines(r.stderr)).toEqual([expect.stringContaining('line 1 is not JSON')])
  })
})

describe('bench: a failed or overlong section is a row, not a crash', () => {
  it('a section past its time budget is stopped and reported as timed out (exit 0)', async () => {
    const r = await runScript('bench/run.ts', ['--budget', '3', 'gate', 'forecast'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/\| gate \| timed out \| [\d.]+ \| stopped after \d+ s \|/)
    expect(r.stdout).toMatch(/\| forecast \| (skipped|timed out) \|/)
    expect(r.stderr).toContain('bench: [1/2] gate') // which section runs, on stderr
  })

  it('a section that throws is a failed row with its one-line error (exit 1)', async () => {
    // a baseline commit that does not exist: the section's `git worktree add` fails
    const r = await runScript('bench/run.ts', ['commit-inprocess'], {
      OMEGA_BENCH_BASELINE: '0000000000000000000000000000000000000001',
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/\| commit-inprocess \| failed \| [\d.]+ \| Command failed: git [^\n]*\|/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('--list names the sections and the quick ones', async () => {
    const r = await runScript('bench/run.ts', ['--list'])
    expect(r.code).toBe(0)
    expect(lines(r.stdout).find((l) => l.startsWith('gate'))).toContain('quick')
    expect(lines(r.stdout).find((l) => l.startsWith('ledger'))).not.toContain('quick')
  })
})
