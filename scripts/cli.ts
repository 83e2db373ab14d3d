// Shared command-line handling for the npm scripts: usage and --help, strict flags (one-line errors, exit 2),
// numeric flags that never yield NaN, secrets only from the environment, a progress line on stderr.
import { parseArgs } from 'node:util'

/** A bad command line: unknown flag, missing or malformed value. Exit code 2, one line, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** A secret given as a flag: every user of the machine can read a command line (`ps`, shell history, CI logs). */
export class SecretOnCommandLineError extends UsageError {
  override name = 'SecretOnCommandLineError'
}

export interface FlagSpec {
  type: 'string' | 'boolean'
  /** one line for --help */
  help: string
  /** the value's name in --help (`--seed INT`) */
  value?: string
  short?: string
  multiple?: boolean
  default?: string | boolean
}

export interface CommandSpec {
  /** how it is run, e.g. `npm run verify --` */
  name: string
  /** what it does, one line */
  summary: string
  /** the positional part of the usage line, e.g. `<export.jsonl | URL>` */
  args?: string
  flags: Record<string, FlagSpec>
  positionals?: { min?: number; max?: number }
  /** environment variables it reads (secrets among them), name → what for */
  env?: Record<string, string>
  examples?: string[]
  /** where secrets come from instead, for the refusal of a secret flag (default: the secret variables of `env`) */
  secrets?: string
}

export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>

export interface Parsed {
  values: Values
  positionals: string[]
  help: boolean
}

/** Flag names that carry a secret; refused whatever the command, with the environment variable to use. */
const SECRET_FLAG = /^--?(?:[\w-]*-)?(token|secret|password|passwd|api-key|private-key)(?:=.*)?$/i

/** The --help text: usage line, summary, flags, environment, examples. */
export function usage(spec: CommandSpec): string {
  const flags = Object.entries(spec.flags)
  const rows = flags.map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : ''}--${name}${f.value ? ` ${f.value}` : ''}`
    const def = f.default !== undefined && f.default !== false ? ` (default ${String(f.default)})` : ''
    return [left, `${f.help}${def}`] as const
  })
  rows.push(['-h, --help', 'this text'])
  const width = Math.max(...rows.map(([l]) => l.length))
  const lines = [
    `usage: ${spec.name}${spec.args ? ` ${spec.args}` : ''} [flags]`,
    '',
    spec.summary,
    '',
    'flags:',
    ...rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`),
  ]
  if (spec.env && Object.keys(spec.env).length > 0) {
    const w = Math.max(...Object.keys(spec.env).map((k) => k.length))
    lines.push('', 'environment:', ...Object.entries(spec.env).map(([k, v]) => `  ${k.padEnd(w)}  ${v}`))
  }
  if (spec.examples?.length) lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`))
  return `${lines.join('\n')}\n`
}

/** The first line of a message, so that nothing multi-line reaches the user as "one line". */
const oneLine = (s: string) => (s.split('\n')[0] ?? '').trim()

/**
 * Parses argv strictly; throws UsageError (or SecretOnCommandLineError) with a one-line message. Pure: no exit,
 * no output, so commands not yet moved onto `command()` (the p2p node, the pulse simulation) can use it too.
 */
export function parseCommand(spec: CommandSpec, argv: string[]): Parsed {
  for (const arg of argv) {
    if (arg === '--') break
    const m = SECRET_FLAG.exec(arg)
    if (m) {
      const flag = arg.split('=')[0]
      const vars = Object.keys(spec.env ?? {}).filter((k) => /TOKEN|SECRET|PASSWORD|KEY/.test(k))
      throw new SecretOnCommandLineError(
        `${flag} is refused: a command line is visible to every user of the machine (ps, shell history); ${
          spec.secrets ??
          (vars.length > 0 ? `set ${vars.join(' or ')} in the environment` : 'this command takes no secret')
        }`,
      )
    }
  }
  const options: Record<
    string,
    { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }
  > = { help: { type: 'boolean', short: 'h' } }
  for (const [name, f] of Object.entries(spec.flags))
    options[name] = {
      type: f.type,
      ...(f.short && { short: f.short }),
      ...(f.multiple && { multiple: true }),
      ...(f.default !== undefined && !f.multiple && { default: f.default }),
    }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (e) {
    throw new UsageError(parseError(e as Error & { code?: string }, argv))
  }
  const values = parsed.values as Values
  const help = values.help === true
  delete values.help
  if (!help) {
    const n = parsed.positionals.length
    const { min = 0, max = 0 } = spec.positionals ?? {}
    if (n < min) throw new UsageError(`missing argument: ${spec.args ?? 'see --help'}`)
    if (n > max)
      throw new UsageError(
        max === 0
          ? `unexpected argument "${parsed.positionals[0]}" (this command takes flags only)`
          : `unexpected argument "${parsed.positionals[max]}"`,
      )
  }
  return { values, positionals: parsed.positionals, help }
}

function parseError(e: Error & { code?: string }, argv: string[]): string {
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const m = /'([^']+)'/.exec(e.message)
    return `unknown flag ${m?.[1] ?? argv.find((a) => a.startsWith('-')) ?? ''}`
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const m = /'(-[^' ]+)/.exec(e.message)
    return m && /argument missing/.test(e.message)
      ? `flag ${m[1]} needs a value`
      : oneLine(e.message).replace(/^Option /, 'flag ')
  }
  return oneLine(e.message)
}

/** A whole number within [min, max]; an absent value gives `fallback`. Never NaN: anything else is a UsageError. */
export function intFlag(
  value: unknown,
  flag: string,
  { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER, fallback }: IntRange = {},
): number {
  // an empty value (`--seed ''`) is a mistake, not a request for the default
  if (value === undefined && fallback !== undefined) return fallback
  if (value === undefined || value === '') throw new UsageError(`--${flag} needs a value`)
  const s = String(value).replaceAll('_', '')
  if (!/^[+-]?\d+$/.test(s)) throw new UsageError(`--${flag} must be a whole number, got "${value}"`)
  const n = Number(s)
  if (!(n >= min && n <= max)) throw new UsageError(`--${flag} must be in ${min}..${max}, got ${value}`)
  return n
}

export interface IntRange {
  min?: number
  max?: number
  fallback?: number
}

/** A finite decimal number within [min, max] (`1e-3` and `0.001` both accepted). Never NaN or Infinity. */
export function numberFlag(
  value: unknown,
  flag: string,
  {
    min = -Number.MAX_VALUE,
    max = Number.MAX_VALUE,
    fallback,
  }: { min?: number; max?: number; fallback?: number } = {},
): number {
  if (value === undefined && fallback !== undefined) return fallback
  if (value === undefined || value === '') throw new UsageError(`--${flag} needs a value`)
  const s = String(value).trim()
  // Number('') is 0 and Number('0x10') is 16: only plain decimal notation is a number here
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s))
    throw new UsageError(`--${flag} must be a number, got "${value}"`)
  const n = Number(s)
  if (!Number.isFinite(n) || !(n >= min && n <= max))
    throw new UsageError(`--${flag} must be in ${min}..${max}, got ${value}`)
  return n
}

/** One of a fixed set of words. */
export function choiceFlag<T extends string>(value: unknown, flag: string, choices: readonly T[]): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T
  throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got "${String(value)}"`)
}

export interface Io {
  out: (s: string) => void
  err: (s: string) => void
  exit: (code: number) => never
}

const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  exit: (code) => process.exit(code),
}

/** Parses process.argv for a command: prints usage and exits 0 on --help; one line and exit 2 on a bad flag. */
export function command(spec: CommandSpec, argv = process.argv.slice(2), io: Io = processIo): Parsed {
  let parsed: Parsed
  try {
    parsed = parseCommand(spec, argv)
  } catch (e) {
    return fail(spec, e, io)
  }
  if (parsed.help) {
    io.out(usage(spec))
    return io.exit(0)
  }
  return parsed
}

/** Reports an error as one line on stderr: exit 2 for a usage error, 1 for anything else (stack with OMEGA_DEBUG=1). */
export function fail(spec: CommandSpec, e: unknown, io: Io = processIo): never {
  const err = e instanceof Error ? e : new Error(String(e))
  const short = spec.name.replace(/^npm run /, '').replace(/ --$/, '')
  if (err instanceof UsageError) {
    io.err(`${short}: ${oneLine(err.message)} (see --help)\n`)
    return io.exit(2)
  }
  io.err(`${short}: ${oneLine(err.message) || err.name}\n`)
  if (process.env.OMEGA_DEBUG) io.err(`${err.stack ?? ''}\n`)
  return io.exit(1)
}

/**
 * Runs a command's body: a thrown UsageError exits 2, anything else 1, each as one line on stderr. The body's
 * return value is the exit code (default 0).
 */
export async function run(
  spec: CommandSpec,
  body: () => Promise<number | undefined> | number | undefined,
): Promise<void> {
  try {
    const code = await body()
    process.exitCode = code ?? 0
  } catch (e) {
    fail(spec, e)
  }
}

/** The text of a progress line: `verify: 412,000/1,000,000 entries (41.2%), 98,300 entries/s, 4.2 s`. */
export function progressLine(p: {
  label: string
  done: number
  total?: number
  unit: string
  seconds: number
}): string {
  const n = (x: number) => Math.round(x).toLocaleString('en')
  const rate = p.seconds > 0 ? `, ${n(p.done / p.seconds)} ${p.unit}/s` : ''
  const pct = p.total !== undefined && p.total > 0 ? ` (${((100 * p.done) / p.total).toFixed(1)}%)` : ''
  const of = p.total !== undefined ? `/${n(p.total)}` : ''
  return `${p.label}: ${n(p.done)}${of} ${p.unit}${pct}${rate}, ${p.seconds.toFixed(1)} s`
}

/**
 * A progress line on stderr (stdout stays the result, pipeable): redrawn in place on a terminal, otherwise one
 * line every `everyMs` so that logs stay short. Silent for work that ends within the first interval.
 */
export class Progress {
  done = 0
  total: number | undefined
  private readonly label: string
  private readonly unit: string
  private readonly everyMs: number
  private readonly write: (s: string) => void
  private readonly tty: boolean
  private readonly t0 = performance.now()
  private last: number
  private shown = false

  constructor(
    label: string,
    unit: string,
    opts: { total?: number; everyMs?: number; write?: (s: string) => void; tty?: boolean } = {},
  ) {
    this.label = label
    this.unit = unit
    this.total = opts.total
    this.tty = opts.tty ?? process.stderr.isTTY === true
    // OMEGA_PROGRESS_MS: the interval (tests and logs set it; 0 draws on every tick)
    const env = Number(process.env.OMEGA_PROGRESS_MS)
    this.everyMs =
      opts.everyMs ??
      (Number.isFinite(env) && env >= 0 && process.env.OMEGA_PROGRESS_MS ? env : this.tty ? 200 : 2000)
    this.write = opts.write ?? ((s) => process.stderr.write(s))
    this.last = this.t0
  }

  /** Counts `n` more units; draws at most once per interval. */
  tick(n = 1): void {
    this.done += n
    const now = performance.now()
    if (now - this.last < this.everyMs) return
    this.last = now
    this.draw(now)
  }

  /** Sets the count (e.g. bytes read so far). */
  set(done: number): void {
    this.tick(done - this.done)
  }

  /** The final line, if a line was shown at all. */
  end(): void {
    if (this.shown) this.draw(performance.now(), true)
  }

  private draw(now: number, final = false): void {
    const line = progressLine({
      label: this.label,
      done: this.done,
      total: this.total,
      unit: this.unit,
      seconds: (now - this.t0) / 1000,
    })
    this.shown = true
    this.write(this.tty ? `\r\x1b[K${line}${final ? '\n' : ''}` : `${line}\n`)
  }
}

/** A message on stderr (progress and status: stdout stays the command's result). */
export const status = (s: string) => process.stderr.write(`${s}\n`)
