// The committed client types are what `npm run client` generates from today's /openapi.json (CI fails on drift).
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it, vi } from 'vitest'

// Generation starts the app in a Node process: generous on a machine shared with other test runs.
vi.setConfig({ testTimeout: 180_000 })

const root = new URL('../..', import.meta.url).pathname
const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['scripts/client.ts', ...args], { cwd: root, encoding: 'utf8' }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  )

describe('npm run client', () => {
  it('finds client/schema.d.ts current (--check, exit 0)', async () => {
    const r = await run('--check')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  it('answers --help with exit 0 and refuses an unknown flag with one line, exit 2', async () => {
    const help = await run('--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^usage: npm run client/)
    const bad = await run('--frobnicate')
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
  })
})
