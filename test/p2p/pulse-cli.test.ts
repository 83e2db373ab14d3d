// `npm run pulse` as a user runs it (a child process): --beats -1 until Ctrl-C, bad flags refused in one line with
// exit 2, --help. In the node project because it starts processes.
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = new URL('../..', import.meta.url).pathname
const run = promisify(execFile)

const pulse = (...args: string[]) =>
  run(process.execPath, ['scripts/pulse.ts', ...args], { cwd: root }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  )

describe('npm run pulse', () => {
  it('--beats -1 runs until SIGINT, then prints a summary and exits 0', async () => {
    const child = spawn(process.execPath, ['scripts/pulse.ts', '--beats', '-1'], { cwd: root })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)))
    // Past beat 300: further than any default run, and through a disruption of the 200-beat cycle.
    for (const end = Date.now() + 30_000; !/^\| 300 \|/m.test(out) && Date.now() < end; )
      await new Promise((r) => setTimeout(r, 50))
    expect(out).toMatch(/^\| 300 \|/m)
    child.kill('SIGINT')
    expect(await exited).toBe(0)
    const beats = Number(/stopped by SIGINT after (\d+) beats/.exec(out)?.[1])
    expect(beats).toBeGreaterThanOrEqual(300)
    // The summary counts exactly the beats printed.
    expect(out.match(/^\| \d+ \|/gm)).toHaveLength(beats)
    expect(out).toMatch(new RegExp(`entropy model after ${beats} beats`))
    const counts = /decisions: (.*)/
      .exec(out)?.[1]
      ?.split(', ')
      .map((d) => Number(d.split(' ')[1]))
    expect(counts?.reduce((a, b) => a + b, 0)).toBe(beats)
    expect(err).toBe('')
  }, 60_000)

  it('a fixed number of beats prints that many rows', async () => {
    const r = await pulse('--beats', '7', '--seed', '3')
    expect(r.code).toBe(0)
    expect(r.stdout.match(/^\| \d+ \|/gm)).toHaveLength(7)
    expect(r.stdout).toMatch(/entropy model after 7 beats/)
  })

  it.each([
    [['--beats', 'abc'], /--beats must be a number/],
    [['--beats', '-2'], /--beats must be a whole number >= 1, or -1/],
    [['--beats', '0'], /--beats must be a whole number >= 1, or -1/],
    [['--beats', '2.5'], /--beats must be a whole number/],
    [['--k-flows', 'four'], /--k-flows must be a number/],
    [['--k-flows', '1.5'], /--k-flows must be a whole number/],
    [['--p-nodes', '-3'], /--p-nodes must be >= 1/],
    [['--t1', '-0.1'], /--t1 must be > 0/],
    [['--t-threshold', 'NaN'], /--t-threshold must be a number/],
    [['--seed', ''], /--seed must be a number/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--beats'], /argument missing/],
    [['--k-flows', '1', '--p-nodes', '1'], /k P > 1/],
  ])('%j is refused: one line on stderr, exit 2, no stack trace, nothing on stdout', async (args, why) => {
    const r = await pulse(...args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(why)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stdout).toBe('')
  })

  it("--mesh: two runs join one mesh on loopback, see each other's pulse and lock their beats; Ctrl-C stops the node", async () => {
    const start = (...args: string[]) => {
      const child = spawn(process.execPath, ['scripts/pulse.ts', '--mesh', '--period-ms', '300', ...args], {
        cwd: root,
      })
      const io = { out: '', err: '' }
      child.stdout.on('data', (d) => {
        io.out += d
      })
      child.stderr.on('data', (d) => {
        io.err += d
      })
      const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)))
      return { child, io, exited }
    }
    const waitFor = async (io: { out: string }, re: RegExp, ms = 60_000) => {
      for (const end = Date.now() + ms; !re.test(io.out) && Date.now() < end; )
        await new Promise((r) => setTimeout(r, 50))
      expect(io.out).toMatch(re)
    }
    const a = start('--beats', '-1')
    await waitFor(a.io, /light node listening on (\S+),/)
    const addr = /light node listening on (\S+),/.exec(a.io.out)?.[1] as string
    expect(addr).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)
    const b = start('--beats', '30', '--peer', addr)
    expect(await b.exited).toBe(0)
    a.child.kill('SIGINT')
    expect(await a.exited).toBe(0)
    // rows end with: r | corr ms | mesh peers
    const rows = (out: string) =>
      [...out.matchAll(/^\| (\d+) \|.* \| ([\d.]+) \| (-?\d+) \| (\d+) \|$/gm)].map((m) => ({
        r: Number(m[2]),
        peers: Number(m[4]),
      }))
    const rb = rows(b.io.out)
    expect(rb).toHaveLength(30)
    expect(rb.at(-1)).toEqual({ r: expect.any(Number), peers: 1 })
    expect(rb.slice(-5).every((x) => x.r >= 0.99 && x.peers === 1)).toBe(true)
    // a heard b's pulse too: a row of a's with one peer pulse, and its summary
    expect(rows(a.io.out).some((x) => x.peers === 1)).toBe(true)
    expect(a.io.out).toMatch(/stopped by SIGINT after \d+ beats/)
    expect(b.io.out).toMatch(/mesh: r = (1\.0000|0\.99\d\d) at the last beat, with 1 peer pulses/)
    expect(a.io.err + b.io.err).toBe('')
  }, 120_000)

  it('--mesh-port, --peer and --period-ms need --mesh; a bad port or period is refused', async () => {
    for (const [args, why] of [
      [['--mesh-port', '4001'], /--mesh-port needs --mesh/],
      [['--peer', '/ip4/127.0.0.1/tcp/1'], /--peer needs --mesh/],
      [['--period-ms', '500'], /--period-ms needs --mesh/],
      [['--mesh', '--mesh-port', '70000'], /--mesh-port must be a port/],
      [['--mesh', '--mesh-port', 'x'], /--mesh-port must be a number/],
      [['--mesh', '--period-ms', '50'], /period_ms/],
    ] as [string[], RegExp][]) {
      const r = await pulse(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(why)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
  })

  it('--help prints the usage and exits 0', async () => {
    const r = await pulse('--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^usage: npm run pulse/)
    expect(r.stdout).toMatch(/-1 runs until Ctrl-C/)
  })
})
