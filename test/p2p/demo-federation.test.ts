// `npm run demo:federation` as a user runs it: two organisations (workers in workerd, full nodes on loopback),
// what arrived where, the phase lock, and nothing left behind, also after Ctrl-C.
import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = new URL('../..', import.meta.url).pathname
const run = promisify(execFile)
const demo = (...args: string[]) =>
  run(process.execPath, ['scripts/demo-federation.ts', ...args], { cwd: root, timeout: 280_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  )
const folderOf = (out: string) => /temporary folder (\S+)/.exec(out)?.[1] as string

describe('npm run demo:federation', () => {
  it("two organisations: each receives the other one's artifact, cosignatures, phase lock; a misconfigured twin is a visible conflict, not a shadow; cleans up", async () => {
    const r = await demo('--seconds', '40', '--collide')
    expect(r.code, r.stderr).toBe(0)
    const out = r.stdout
    expect(out).toMatch(/^org-a: worker http:\/\/127\.0\.0\.1:\d+, ledger origin org-a\.example, node /m)
    expect(out).toMatch(/^org-b: worker http:\/\/127\.0\.0\.1:\d+, ledger origin org-b\.example, node /m)
    expect(out).toMatch(/^artifacts: every organisation has every other one/m)
    // org-a changed its kernel: org-b holds v2 of org-a's coop; org-a holds v1 of org-b's; each keeps its own.
    expect(out).toMatch(/^org-a: peer artifacts 1: org-b\.example\/holons\/coop v1$/m)
    expect(out).toMatch(/^org-b: peer artifacts 1: org-a\.example\/holons\/coop v2$/m)
    expect(out).toMatch(/^org-a: holon coop kernel v2, pulse beat \d+, cosignatures [1-9]\d* by /m)
    expect(out).toMatch(/^org-b: holon coop kernel v1, pulse beat \d+/m)
    expect(out).toMatch(
      /^org-a: flags 0, conflicts 0 in the worker's federation document, 0 in the node's log$/m,
    )
    expect(out).toMatch(/^same name, no shadowing: 2 holons named coop, 2 distinct origins/m)
    const r2 = Number(/^phase: r = ([\d.]+) over 2 nodes, (locked|not locked)/m.exec(out)?.[1])
    expect(r2).toBeGreaterThan(0.9)
    expect(r2).toBeLessThanOrEqual(1)
    // --collide: a second installation with org-a's ledger origin. The conflict shows in org-a's and org-b's
    // worker documents and node logs, and org-b keeps org-a's pinned key.
    expect(out).toMatch(
      /^org-a: conflicts [1-9]\d* in the worker's federation document \(.*origin_collision org-a\.example\/holons\/city.*\), [1-9]\d* in the node's log \(.*a peer uses our ledger origin/m,
    )
    expect(out).toMatch(
      /^org-b: conflicts [1-9]\d* in the worker's federation document \(key_mismatch org-a\.example\/holons\/coop\), [1-9]\d* in the node's log \(origin announced with another key\)/m,
    )
    expect(out).toMatch(/^no shadowing: org-b still pins org-a\.example\/holons\/coop to org-a's key: yes$/m)
    const folder = folderOf(out)
    expect(folder).toMatch(/omega-demo-/)
    expect(out).toContain(`stopped; removed ${folder}`)
    expect(existsSync(folder)).toBe(false)
  }, 300_000)

  it('Ctrl-C stops the workers and nodes and removes the folder', async () => {
    const child = spawn(process.execPath, ['scripts/demo-federation.ts'], { cwd: root })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)))
    for (const end = Date.now() + 120_000; !/^org-a: worker /m.test(out) && Date.now() < end; )
      await new Promise((r) => setTimeout(r, 100))
    expect(out).toMatch(/^org-a: worker /m)
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    const folder = folderOf(out)
    expect(out).toContain(`removed ${folder}`)
    expect(existsSync(folder)).toBe(false)
  }, 300_000)

  it.each([[['--orgs', '4']], [['--orgs', 'two']], [['--seconds', '-1']], [['--bogus']]])(
    '%j is one line on stderr and exit 2',
    async (args) => {
      const r = await demo(...args)
      expect(r.code).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stdout).toBe('')
    },
  )

  it('--help prints the usage and exits 0', async () => {
    const r = await demo('--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^usage: npm run demo:federation -- \[--orgs 2\|3\]/)
  })
})
