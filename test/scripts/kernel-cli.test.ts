// The offline kernel tool as a user runs it: a child process, its output lines and exit codes (help, check, eval).
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it, vi } from 'vitest'

// Every test starts Node processes: generous on a machine shared with other test runs.
vi.setConfig({ testTimeout: 180_000 })

const root = new URL('../..', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'omega-kernel-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Run {
  code: number
  stdout: string
  stderr: string
}

async function kernel(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(root, 'scripts/kernel.ts'), ...args],
      { cwd: root, encoding: 'utf8' },
    )
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, stdout: err.stdout, stderr: err.stderr }
  }
}

const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
const jsonl = (...values: unknown[]) => values.map((v) => JSON.stringify(v)).join('\n')
const rows = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))

/** The example holon of `npm start`: its seed, then its `try` events each with the verdict the template expects. */
const template = JSON.parse(readFileSync(join(root, 'bootstrap/holons/circular-economy.json'), 'utf8'))

const noStackTrace = (r: Run) => {
  expect(r.stderr).not.toMatch(/\n\s+at /)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
}

describe('npm run kernel -- --help and bad input', () => {
  it('answers --help (and -h) with the usage on stdout, exit 0', async () => {
    for (const r of await Promise.all(['--help', '-h'].map((flag) => kernel(flag)))) {
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/^usage: npm run kernel -- <command>/)
      expect(r.stdout).toContain('check <kernel.json>')
      expect(r.stdout).toContain('eval <kernel.json> <events.jsonl>')
    }
  })

  it('refuses unknown flags, commands, missing and unreadable files with one line and exit 2', async () => {
    const kernelFile = file('ok.json', JSON.stringify(template.kernel))
    const cases = [
      ['check', kernelFile, '--frobnicate'],
      [],
      ['compile', kernelFile],
      ['check'],
      ['eval', kernelFile],
      ['check', join(dir, 'missing.json')],
      ['eval', kernelFile, join(dir, 'missing.jsonl')],
      ['check', file('broken.json', '{"id": ')],
    ]
    // In parallel: each run starts a Node process, seconds apiece on a loaded machine.
    const runs = await Promise.all(cases.map((args) => kernel(...args)))
    runs.forEach((r, i) => {
      const args = (cases[i] as string[]).join(' ')
      expect(r.code, args).toBe(2)
      expect(r.stderr, args).toMatch(/^kernel: /)
      noStackTrace(r)
    })
  })

  it('refuses an events line that is not JSON, or not an event, with its line number and exit 2', async () => {
    const kernelFile = file('k.json', JSON.stringify(template.kernel))
    const notJson = await kernel('eval', kernelFile, file('bad1.jsonl', `${jsonl({ id: 'a' })}\n{oops`))
    expect(notJson.code).toBe(2)
    expect(notJson.stderr).toMatch(/^kernel: line 2: not JSON/)
    noStackTrace(notJson)
    const noId = await kernel('eval', kernelFile, file('bad2.jsonl', jsonl({ event: { amount: 1 } })))
    expect(noId.code).toBe(2)
    expect(noId.stderr).toMatch(/^kernel: line 1: validation_failed: \/event\/id: /)
    noStackTrace(noId)
  })
})

describe('npm run kernel -- check', () => {
  it('accepts the example kernels (bare, or inside a template), exit 0', async () => {
    const bare = await kernel('check', file('bare.json', JSON.stringify(template.kernel)))
    expect(bare.code).toBe(0)
    expect(bare.stdout).toMatch(
      /valid kernel 'circular-economy': 6 aggregate\(s\), 3 invariant\(s\), digest [0-9a-f]{64}/,
    )
    const wrapped = await kernel('check', join(root, 'bootstrap/holons/logistics.json'))
    expect(wrapped.code).toBe(0)
    expect(wrapped.stdout).toContain('valid kernel')
  })

  it('reports schema errors one per line with the JSON pointer the API gives, exit 1', async () => {
    const bad = {
      id: 'bad kernel id',
      invariants: { Fair: { score: '1.0', threshold: 1.5 } },
      gate: { on_torsion: 'shrug' },
    }
    const r = await kernel('check', file('schema.json', JSON.stringify(bad)))
    expect(r.code).toBe(1)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/schema\.json: validation_failed: 3 error\(s\)$/)
    expect(
      lines
        .slice(1)
        .map((l) => l.split(': ')[0])
        .sort(),
    ).toEqual(['/gate/on_torsion', '/id', '/invariants/Fair/threshold'])
  })

  it('reports compile errors with pointers to the expression (prefixed /kernel in a request body), exit 1', async () => {
    const body = {
      kernel: {
        id: 'k',
        aggregates: { n: { fold: 'sum', expr: 'event.amount +' } },
        invariants: { A: { score: 'agg.missing > 1.0 ? 1.0 : 0.0', threshold: 0.5 } },
      },
    }
    const r = await kernel('check', file('compile.json', JSON.stringify(body)))
    expect(r.code).toBe(1)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/kernel_invalid: 2 error\(s\)$/)
    expect(lines.slice(1).map((l) => l.split(': ')[0])).toEqual([
      '/kernel/aggregates/n/expr',
      '/kernel/invariants/A/score',
    ])
  })
})

describe('npm run kernel -- eval', () => {
  it("gates the template's events as the template expects, state accumulating, exit 1 on a refusal", async () => {
    const events = [...template.seed, ...template.try.map((t: { event: unknown }) => t.event)]
    const expected = [
      ...template.seed.map(() => 'admit'),
      ...template.try.map((t: { expect: string }) => t.expect),
    ]
    const r = await kernel(
      'eval',
      join(root, 'docs/examples/kernel.json'),
      file('ce.jsonl', jsonl(...events)),
    )
    expect(r.code).toBe(1)
    const out = rows(r.stdout)
    expect(out.map((row) => row[1])).toEqual(events.map((e: { id: string }) => e.id))
    expect(out.map((row) => row[2])).toEqual(expected)
    expect(r.stderr.trim()).toBe(`${events.length} event(s), 4 committed, 3 refused`)
  })

  it('folds only admitted events: a refused event leaves the state as it was', async () => {
    // Threshold 1 on "at most 2 big orders": the third big order is refused, so small ones keep passing.
    const k = file(
      'big.json',
      JSON.stringify({
        id: 'big',
        aggregates: { big: { fold: 'count', where: 'event.amount > 100' } },
        invariants: { FewBig: { score: 'agg.big <= 2.0 ? 1.0 : 0.0', threshold: 1 } },
      }),
    )
    const events = [100, 500, 600, 700, 5, 800].map((amount, i) => ({ id: `o${i}`, amount }))
    const r = await kernel('eval', k, file('big.jsonl', jsonl(...events)))
    expect(rows(r.stdout).map((row) => row[2])).toEqual([
      'admit',
      'admit',
      'admit',
      'reject',
      'admit',
      'reject',
    ])
    expect(r.code).toBe(1)
  })

  it('answers a repeated id as a duplicate, other content as a conflict, and keeps batches all-or-nothing', async () => {
    const k = file(
      'cap.json',
      JSON.stringify({
        id: 'cap',
        aggregates: { total: { fold: 'sum', expr: 'double(event.amount)' } },
        invariants: { Cap: { score: 'agg.total <= 10.0 ? 1.0 : 0.0', threshold: 1 } },
      }),
    )
    const r = await kernel(
      'eval',
      k,
      file(
        'dup.jsonl',
        [
          '# comment lines and blank lines are skipped',
          jsonl({ id: 'a', amount: 4 }),
          '',
          jsonl({ id: 'a', amount: 4 }),
          jsonl({ id: 'a', amount: 5 }),
          jsonl({
            events: [
              { id: 'b', amount: 3 },
              { id: 'c', amount: 9 },
            ],
          }),
          jsonl({ id: 'd', amount: 6 }),
          jsonl({ event: { id: 'e', amount: 50 }, override: { reason: 'approved by the board' } }),
        ].join('\n'),
      ),
    )
    const out = rows(r.stdout)
    expect(out.map((row) => [row[0], row[1], row[2]])).toEqual([
      ['2', 'a', 'admit'],
      ['4', 'a', 'duplicate'],
      ['5', 'a', 'idempotency_conflict'],
      ['6', 'b', 'admit'],
      ['6', 'c', 'reject'],
      // b was not kept (the batch was refused), so 4 + 6 = 10 is still within the cap
      ['7', 'd', 'admit'],
      ['8', 'e', 'admit_override'],
    ])
    expect(out[3]?.[3]).toContain("not committed: the batch was refused at 'c'")
    expect(r.code).toBe(1)
  })

  it('prints one JSON object per event with --json, exit 0 when every event is admitted', async () => {
    const r = await kernel(
      'eval',
      '--json',
      join(root, 'docs/examples/kernel.json'),
      file('seed.jsonl', jsonl(...template.seed)),
    )
    expect(r.code).toBe(0)
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((l) => [l.event_id, l.verdict, l.torsion])).toEqual(
      template.seed.map((e: { id: string }) => [e.id, 'admit', 0]),
    )
    expect(lines[0].dimensions).toEqual(Object.keys(template.kernel.invariants))
  })
})
