// scripts/cli.ts in-process: strict parsing, numbers that never become NaN, secret flags, progress lines.
import { describe, expect, it } from 'vitest'
import {
  type CommandSpec,
  choiceFlag,
  command,
  intFlag,
  numberFlag,
  Progress,
  parseCommand,
  progressLine,
  SecretOnCommandLineError,
  UsageError,
  usage,
} from '../../scripts/cli.ts'

const spec: CommandSpec = {
  name: 'npm run demo --',
  summary: 'A demo command.',
  args: '<file>',
  positionals: { min: 1, max: 1 },
  flags: {
    beats: { type: 'string', value: 'INT', default: '100', help: 'how many beats' },
    json: { type: 'boolean', help: 'JSON output' },
    peer: { type: 'string', multiple: true, help: 'a peer' },
  },
  env: { OMEGA_BRIDGE_TOKEN: 'the bridge token' },
}

describe('parseCommand', () => {
  it('parses flags, defaults and positionals', () => {
    const p = parseCommand(spec, ['f.jsonl', '--json', '--peer', 'a', '--peer=b'])
    expect(p.positionals).toEqual(['f.jsonl'])
    expect(p.values).toMatchObject({ beats: '100', json: true, peer: ['a', 'b'] })
    expect(p.help).toBe(false)
  })

  it('--help wins over a missing positional', () => {
    expect(parseCommand(spec, ['--help']).help).toBe(true)
    expect(parseCommand(spec, ['-h']).help).toBe(true)
  })

  it.each([
    [['f', '--nope'], 'unknown flag --nope'],
    [['f', '--beats'], 'flag --beats needs a value'],
    [[], 'missing argument: <file>'],
    [['f', 'g'], 'unexpected argument "g"'],
    [['f', '--json=yes'], '--json'],
  ])('%j is a one-line UsageError: %s', (argv, message) => {
    let error: unknown
    try {
      parseCommand(spec, argv)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toContain(message)
    expect((error as Error).message).not.toContain('\n')
  })

  it.each([['--token', 'x'], ['--token=x'], ['--bridge-token', 'x'], ['--api-key=x'], ['--password', 'x']])(
    'refuses the secret flag %s and names the environment variable, not the value',
    (...argv) => {
      expect(() => parseCommand(spec, ['f', ...argv])).toThrow(SecretOnCommandLineError)
      expect(() => parseCommand(spec, ['f', ...argv])).toThrow(/set OMEGA_BRIDGE_TOKEN in the environment/)
      try {
        parseCommand(spec, ['f', ...argv])
      } catch (e) {
        expect((e as Error).message).not.toMatch(/=x|\bx\b/)
      }
    },
  )

  it('does not mistake a value after -- for a secret flag', () => {
    expect(() => parseCommand({ ...spec, positionals: { max: 2 } }, ['--', '--token'])).not.toThrow()
  })
})

describe('numbers', () => {
  it('intFlag accepts whole numbers in range (and 1_000 separators)', () => {
    expect(intFlag('42', 'n')).toBe(42)
    expect(intFlag('-3', 'n', { min: -5 })).toBe(-3)
    expect(intFlag('1_000', 'n')).toBe(1000)
    expect(intFlag(undefined, 'n', { fallback: 7 })).toBe(7)
    expect(() => intFlag('', 'n', { fallback: 7 })).toThrow('--n needs a value') // `--port ''` is not the default
  })

  it.each(['', 'abc', '1.5', '0x10', '1e3', ' ', 'NaN', 'Infinity', '12abc'])('intFlag refuses %j', (v) => {
    // Number('') is 0, Number('0x10') 16, Number('1e3') 1000, parseInt('12abc') 12: none of that here
    expect(() => intFlag(v, 'n')).toThrow(UsageError)
  })

  it('intFlag refuses out-of-range values with the range in the message', () => {
    expect(() => intFlag('70000', 'port', { min: 1, max: 65_535 })).toThrow(
      '--port must be in 1..65535, got 70000',
    )
  })

  it('numberFlag accepts decimals and exponents, refuses the rest', () => {
    expect(numberFlag('0.001', 't1')).toBe(0.001)
    expect(numberFlag('1e-3', 't1')).toBe(0.001)
    expect(numberFlag('.5', 't1')).toBe(0.5)
    for (const v of ['', 'abc', '0x10', 'Infinity', '1e999', 'NaN', '1,5'])
      expect(() => numberFlag(v, 't1')).toThrow(UsageError)
    expect(() => numberFlag('2', 'r', { min: 0, max: 1 })).toThrow('--r must be in 0..1')
  })

  it('choiceFlag', () => {
    expect(choiceFlag('info', 'log', ['debug', 'info'] as const)).toBe('info')
    expect(() => choiceFlag('loud', 'log', ['debug', 'info'])).toThrow(
      '--log must be one of debug, info, got "loud"',
    )
  })
})

describe('usage and command()', () => {
  it('usage lists every flag with its default, the environment and --help', () => {
    const text = usage(spec)
    expect(text.split('\n')[0]).toBe('usage: npm run demo -- <file> [flags]')
    expect(text).toMatch(/--beats INT\s+how many beats \(default 100\)/)
    expect(text).toContain('--json')
    expect(text).toMatch(/OMEGA_BRIDGE_TOKEN\s+the bridge token/)
    expect(text).toMatch(/-h, --help/)
  })

  it('command() prints usage and exits 0 on --help; one line and exit 2 on a bad flag', () => {
    const out: string[] = []
    const err: string[] = []
    const exit = (code: number): never => {
      throw Object.assign(new Error('exit'), { code })
    }
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s), exit }
    expect(() => command(spec, ['--help'], io)).toThrow(expect.objectContaining({ code: 0 }))
    expect(out.join('')).toBe(usage(spec))
    expect(() => command(spec, ['f', '--bogus'], io)).toThrow(expect.objectContaining({ code: 2 }))
    expect(err).toEqual(['demo: unknown flag --bogus (see --help)\n'])
  })
})

describe('progress', () => {
  it('progressLine: done, total, percent and rate', () => {
    expect(
      progressLine({ label: 'verify', done: 412_000, total: 1_000_000, unit: 'entries', seconds: 4 }),
    ).toBe('verify: 412,000/1,000,000 entries (41.2%), 103,000 entries/s, 4.0 s')
    expect(progressLine({ label: 'x', done: 5, unit: 'beats', seconds: 0 })).toBe('x: 5 beats, 0.0 s')
  })

  it('Progress draws at most once per interval, on a terminal in place, and ends with the total', () => {
    const writes: string[] = []
    const p = new Progress('verify', 'entries', {
      total: 10,
      everyMs: 0,
      write: (s) => writes.push(s),
      tty: true,
    })
    for (let i = 0; i < 10; i++) p.tick()
    p.end()
    expect(writes).toHaveLength(11)
    expect(writes[0]?.startsWith('\r\x1b[K')).toBe(true) // redrawn in place
    expect(writes.at(-1)).toMatch(/10\/10 entries \(100\.0%\).*\n$/)
    const quiet: string[] = []
    const q = new Progress('v', 'e', { everyMs: 60_000, write: (s) => quiet.push(s), tty: false })
    q.tick(5)
    q.end()
    expect(quiet).toEqual([]) // work that ends within the first interval prints nothing
  })
})
