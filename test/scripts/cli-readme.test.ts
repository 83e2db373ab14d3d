// The README's shell examples: every sh block parses in POSIX sh, and the ones against a local worker run as
// written (only the port in `O=` differs) against a real worker started with wrangler's unstable_startWorker.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { unstable_startWorker } from 'wrangler'
import { loadHolon } from '../../bootstrap/load.ts'
import { loadTemplate } from '../../bootstrap/template.ts'
import { shellBlocks, shSyntaxError, unknownScripts } from '../../scripts/check-readme.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const blocks = shellBlocks(readme)
const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
}

/** Blocks against a local worker ($O) run; these do not, and why. */
const NOT_RUN: [RegExp, string][] = [
  [/npm install && npm start/, 'installs and starts a long-running server (npm start itself is tested)'],
  [/wrangler (login|secret put)/, 'needs a Cloudflare account'],
  [/npm run p2p/, 'starts long-running p2p nodes and dials a remote peer (test/p2p/e2e.test.ts covers it)'],
]
const notRun = (code: string) => NOT_RUN.find(([re]) => re.test(code))?.[1]
const runnable = blocks.filter((b) => b.code.includes('$O') && !notRun(b.code))

describe('README sh blocks', () => {
  it('has the blocks this test knows about', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8)
    // what is executed and what is not, for the record
    const plan = blocks.map(
      (b) =>
        `README.md:${b.line} ${runnable.includes(b) ? 'run' : `not run: ${notRun(b.code) ?? 'no worker call'}`}`,
    )
    console.log(plan.join('\n'))
    expect(runnable.length).toBeGreaterThanOrEqual(5)
  })

  it.each(blocks.map((b) => [b.line, b] as const))('README.md:%i parses with sh -n', (_, b) => {
    expect(shSyntaxError(b.code, b.line)).toBeUndefined()
    expect(unknownScripts(b.code, scripts)).toEqual([])
  })

  it('the checker catches bash-only syntax and unknown scripts (regression: README used `-d @<(jq …)`)', () => {
    expect(shSyntaxError("curl -d @<(jq '{kernel}' k.json) $O\n", 90)).toMatch(/^line 91: .*\(/)
    expect(unknownScripts('npm run verify -- x\nnpm run nope\n', scripts)).toEqual(['nope'])
  })
})

type Worker = Awaited<ReturnType<typeof unstable_startWorker>>

describe('README blocks against a local worker', () => {
  const WRITE = 'readme-write-token'
  const ADMIN = 'readme-admin-token'
  const dir = mkdtempSync(join(tmpdir(), 'omega-readme-'))
  let worker: Worker
  let base: string

  beforeAll(async () => {
    worker = await unstable_startWorker({
      config: join(root, 'wrangler.toml'),
      dev: {
        server: { hostname: '127.0.0.1', port: 0 },
        inspector: false,
        persist: join(dir, 'state'),
        logLevel: 'none',
      },
      bindings: {
        OMEGA_ADMIN_TOKEN: { type: 'plain_text', value: ADMIN },
        OMEGA_WRITE_TOKEN: { type: 'plain_text', value: WRITE },
        OMEGA_READ_TOKEN: { type: 'plain_text', value: '' },
        OMEGA_LEDGER_ORIGIN: { type: 'plain_text', value: 'readme.test' },
      },
    } as never)
    await worker.ready
    base = String(await worker.url).replace(/\/$/, '')
    // what npm start does: the example holons, and .dev.vars in the folder the blocks run from (a stand-in for
    // the checkout, whose own .dev.vars must not be touched)
    const call = async (method: string, path: string, body: unknown, token?: string) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(token && { authorization: `Bearer ${token}` }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : null }
    }
    const holons = join(root, 'bootstrap/holons')
    for (const f of readdirSync(holons).filter((x) => x.endsWith('.json')))
      await loadHolon(
        call,
        loadTemplate(JSON.parse(readFileSync(join(holons, f), 'utf8'))),
        { admin: ADMIN, write: WRITE },
        () => {},
      )
    writeFileSync(join(dir, '.dev.vars'), `OMEGA_WRITE_TOKEN=${WRITE}\nOMEGA_ADMIN_TOKEN=${ADMIN}\n`)
  }, 180_000)

  afterAll(async () => {
    await worker?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('runs the Try it, ledger, route, orchestrator and pulse blocks as written, in one shell', async () => {
    // one shell, as the README says ("from the same shell"); the only change: O (set again by some blocks, so each
    // also runs alone) points at this worker's port
    const script = runnable
      .map((b) => b.code)
      .join('\n')
      .replaceAll('O=http://127.0.0.1:8787', `O=${base}`)
    expect(script).toContain(`O=${base}`)
    const out = await sh(script, dir)
    expect(out.code, out.stderr.slice(-2000)).toBe(0)
    const s = out.stdout
    expect(s).toContain('"holon":"circular-economy"') // state
    expect(s).toContain('"verdict":"reject"') // the dry run refuses ce-42
    expect(s).toContain('"committed":1') // the commit of ce-43
    expect(s).toContain('"valid":true') // the receipt verifies
    expect(s).toMatch(/entries \[0, \d+\) VALID/) // npm run verify on the export
    expect(s).toContain('"status":"delivered"') // the route
    expect(s).toContain('"orchestrator":"edge"') // the orchestrator tick
    expect(s).toContain('"subject":"Refund_Budget","reason":"violated now') // a violated invariant is not attested
    expect(s).toMatch(/Due_Process held on the committed aggregates/) // the kernel attestation verifies
    expect(s).toContain('it calls `sqrt`') // an unprovable kernel is refused
    expect(s).toMatch(/replica\(s\) within hyperbolic distance 1.2/) // placement proofs verify
    expect(s).not.toMatch(/"status":(401|403|500)/) // no credential or server failures in any answer
  }, 240_000)
})

/** Runs a script in `sh -e` with the project's npm scripts and files reachable from `cwd`. */
function sh(script: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // the blocks refer to bootstrap/… and npm scripts relative to the project folder
  for (const name of [
    'bootstrap',
    'package.json',
    'node_modules',
    'scripts',
    'functions',
    'schemas',
    'bench',
    'durable-objects',
  ])
    try {
      symlinkSync(join(root, name), join(cwd, name))
    } catch {
      // already linked
    }
  return new Promise((resolve) => {
    const p = spawn('sh', ['-e'], { cwd, env: { ...process.env, OMEGA_PROGRESS_MS: '100000' } })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d) => {
      stdout += d
    })
    p.stderr.on('data', (d) => {
      stderr += d
    })
    p.on('exit', (code) => resolve({ code, stdout, stderr }))
    p.stdin.end(script)
  })
}
