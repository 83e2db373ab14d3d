// `npm run kernel -- check|eval ...`: the offline kernel tool (in the spirit of `opa eval`): validates a kernel file
// with the API's own schema and compiler, and gates a JSONL file of events in order as a holon would, no worker.
import { createReadStream, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { BudgetExceededError } from '../functions/budget/index.ts'
import { canonicalJson } from '../functions/canonical/index.ts'
import { pointer } from '../functions/http/problems.ts'
import {
  admits,
  type CompiledKernel,
  compileKernel,
  type EventValue,
  emptyFold,
  type FoldState,
  gateBatch,
  KernelCompileError,
} from '../functions/kernel/index.ts'
import type { GateResult } from '../schemas/evaluation.ts'
import { CommitBody, type Event, eventsOf } from '../schemas/event.ts'
import { KernelSpec } from '../schemas/kernel.ts'

const USAGE = `usage: npm run kernel -- <command> [options]

commands:
  check <kernel.json>                  validate a kernel: the API's schema, then its compiler;
                                       prints one line per error: <JSON pointer>: <message>
  eval <kernel.json> <events.jsonl>    gate each event in order, as a holon would: admitted events
                                       are folded into the state, refused ones are not; one line per event

kernel.json holds a kernel spec, or any object with a "kernel" member (a PUT /v1/holons body, a
bootstrap/holons template); pointers then start with /kernel, as the API's do.
events.jsonl holds one JSON value per line: an event ({"id": ...}) or a commit body
({"event": {...}} or {"events": [...]}, with an optional "override": {"reason": ...}); a batch is
all-or-nothing, a repeated event id with the same content is a duplicate, with other content a conflict.
Blank lines and lines starting with # are skipped. The pulse is not modelled (no quarantine).

options:
  --json        eval: one JSON object per event (the API's GateResult plus line and event_id)
  -h, --help    this text

exit status: 0 kernel valid / every event admitted; 1 kernel invalid / some event refused
(reject, override_required, idempotency_conflict, budget_exceeded); 2 usage error, unreadable file,
malformed JSON or an event the API would refuse as validation_failed.`

/** A refusal of the command line or of a file: one line on stderr, exit 2. */
class UsageError extends Error {
  override name = 'UsageError'
}

interface KernelError {
  pointer: string
  message: string
}

type Loaded = { ok: true; kernel: CompiledKernel } | { ok: false; code: string; errors: KernelError[] }

function readJson(file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`)
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new UsageError(`${file} is not JSON: ${(e as Error).message}`)
  }
}

/** The kernel of a file, checked as PUT /v1/holons/{id} checks it: validation_failed, then kernel_invalid. */
function loadKernel(raw: unknown): Loaded {
  const wrapped = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'kernel' in raw
  const prefix = wrapped ? '/kernel' : ''
  const spec = wrapped ? (raw as { kernel: unknown }).kernel : raw
  const parsed = KernelSpec.safeParse(spec)
  if (!parsed.success)
    return {
      ok: false,
      code: 'validation_failed',
      errors: parsed.error.issues.map((i) => ({ pointer: pointer(i.path, prefix), message: i.message })),
    }
  try {
    return { ok: true, kernel: compileKernel(parsed.data) }
  } catch (e) {
    if (!(e instanceof KernelCompileError)) throw e
    return {
      ok: false,
      code: 'kernel_invalid',
      errors: e.issues.map((i) => ({ pointer: `${prefix}${i.pointer}`, message: i.message })),
    }
  }
}

function printErrors(file: string, loaded: Extract<Loaded, { ok: false }>): void {
  console.log(`${file}: ${loaded.code}: ${loaded.errors.length} error(s)`)
  for (const e of loaded.errors) console.log(`${e.pointer || '(root)'}: ${e.message}`)
}

/** A holon's history in memory: the aggregates, the latest committed event, committed ids with their content. */
class History {
  states: FoldState[]
  last: EventValue | undefined
  readonly committed = new Map<string, { digest: string; result: GateResult }>()
  readonly kernel: CompiledKernel
  constructor(kernel: CompiledKernel) {
    this.kernel = kernel
    this.states = kernel.aggregates.map(() => emptyFold())
  }
}

interface Line {
  line: number
  event_id: string
  outcome: string
  result?: GateResult
  detail?: string
}

/** One line of events.jsonl, gated as a commit: duplicates answered from history, the rest gated in order. */
function gateLine(h: History, line: number, raw: unknown): Line[] {
  const body = typeof raw === 'object' && raw !== null && 'id' in raw ? { event: raw } : raw
  const parsed = CommitBody.safeParse(body)
  if (!parsed.success) {
    // A body is `{event}` or `{events}`: name the problem inside the branch the line meant, not "Invalid input".
    let first = parsed.error.issues[0]
    if (first?.code === 'invalid_union')
      first = first.errors['events' in (body as object) ? 1 : 0]?.[0] ?? first
    const at = first ? `${pointer(first.path) || '(root)'}: ${first.message}` : 'invalid'
    throw new UsageError(`line ${line}: validation_failed: ${at}`)
  }
  const events = eventsOf(parsed.data)
  const out: (Line | undefined)[] = []
  const fresh: Event[] = []
  for (const event of events) {
    const seen = h.committed.get(event.id)
    if (seen && seen.digest !== canonicalJson(event)) {
      const detail = 'this event id was committed with different content'
      return [{ line, event_id: event.id, outcome: 'idempotency_conflict', detail }]
    }
    out.push(seen && { line, event_id: event.id, outcome: 'duplicate', result: seen.result })
    if (!seen) fresh.push(event)
  }
  let batch: ReturnType<typeof gateBatch>
  try {
    const override = parsed.data.override !== undefined
    batch = gateBatch(h.kernel, h.states, fresh, { last: h.last, override })
  } catch (e) {
    if (!(e instanceof BudgetExceededError)) throw e
    return [{ line, event_id: (fresh[0] as Event).id, outcome: 'budget_exceeded', detail: e.message }]
  }
  const gated = batch.results.map(
    (result, i): Line => ({ line, event_id: (fresh[i] as Event).id, outcome: result.verdict, result }),
  )
  if (batch.rejected !== undefined) {
    // All-or-nothing, as a commit: the events admitted before the refused one are not kept either.
    const at = (fresh[batch.rejected] as Event).id
    for (const r of gated.slice(0, batch.rejected))
      r.detail = `not committed: the batch was refused at '${at}'`
    return gated
  }
  fresh.forEach((event, i) => {
    h.committed.set(event.id, { digest: canonicalJson(event), result: batch.results[i] as GateResult })
  })
  if (fresh.length > 0) {
    h.states = batch.states
    h.last = fresh.at(-1)
  }
  // In the order of the line: duplicates where they stood, the fresh events' verdicts in between.
  let next = 0
  return out.map((l) => l ?? (gated[next++] as Line))
}

const refused = (l: Line) => (l.result ? !admits(l.result.verdict) : l.outcome !== 'duplicate')

function describe(l: Line): string {
  const head = `${l.line}\t${l.event_id}\t${l.outcome}`
  if (!l.result) return `${head}\t${l.detail ?? ''}`
  const r = l.result
  const parts = [`torsion ${Number(r.torsion.toPrecision(6))}`]
  for (const v of r.violations)
    parts.push(`${v.invariant} ${Number(v.score.toPrecision(4))} < ${v.threshold}`)
  for (const e of r.errors) parts.push(`error ${e.invariant ?? e.aggregate ?? ''}: ${e.message}`)
  if (l.detail) parts.push(l.detail)
  return `${head}\t${parts.join('; ')}`
}

async function evaluate(kernelFile: string, eventsFile: string, json: boolean): Promise<number> {
  const loaded = loadKernel(readJson(kernelFile))
  if (!loaded.ok) {
    printErrors(kernelFile, loaded)
    return 1
  }
  const history = new History(loaded.kernel)
  const input = createReadStream(eventsFile)
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve())
    input.once('error', (e: NodeJS.ErrnoException) =>
      reject(new UsageError(`cannot read ${eventsFile}: ${e.code ?? e.message}`)),
    )
  })
  await opened
  let n = 0
  let refusals = 0
  let events = 0
  // Progress for long files, on a terminal only (it would garble a log): lines read, once a second.
  const progress = process.stderr.isTTY
    ? setInterval(() => process.stderr.write(`\rkernel: ${n} line(s) read, ${events} event(s) gated`), 1000)
    : undefined
  try {
    await gateLines()
  } finally {
    if (progress) {
      clearInterval(progress)
      process.stderr.write('\r\x1b[K')
    }
  }
  if (!json) console.error(`${events} event(s), ${history.committed.size} committed, ${refusals} refused`)
  return refusals > 0 ? 1 : 0

  async function gateLines(): Promise<void> {
    for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      n++
      if (text.trim() === '' || text.trimStart().startsWith('#')) continue
      let raw: unknown
      try {
        raw = JSON.parse(text)
      } catch (e) {
        throw new UsageError(`line ${n}: not JSON: ${(e as Error).message}`)
      }
      for (const l of gateLine(history, n, raw)) {
        events++
        if (refused(l)) refusals++
        const { result, ...head } = l
        console.log(json ? JSON.stringify({ ...head, ...result }) : describe(l))
      }
    }
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ allowPositionals: true; options: typeof OPTIONS }>>
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS })
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0] as string)
  }
  const { values, positionals } = parsed
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const [command, ...files] = positionals
  if (command === 'check' && files.length === 1) {
    const loaded = loadKernel(readJson(files[0] as string))
    if (!loaded.ok) {
      printErrors(files[0] as string, loaded)
      return 1
    }
    const k = loaded.kernel
    console.log(
      `${files[0]}: valid kernel '${k.spec.id}': ${k.aggregates.length} aggregate(s), ${k.invariants.length} invariant(s), digest ${k.digest}`,
    )
    return 0
  }
  if (command === 'eval' && files.length === 2)
    return evaluate(files[0] as string, files[1] as string, values.json === true)
  if (command !== 'check' && command !== 'eval')
    throw new UsageError(
      command === undefined ? 'missing command (check or eval)' : `unknown command '${command}'`,
    )
  throw new UsageError(
    `${command} takes ${command === 'check' ? 'one file' : 'two files'}, got ${files.length}`,
  )
}

const OPTIONS = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (e) {
  // One line, never a stack trace: a refusal of the input, or (not expected) a fault of the tool itself.
  console.error(
    e instanceof UsageError ? `kernel: ${e.message} (see --help)` : `kernel: internal error: ${String(e)}`,
  )
  process.exitCode = 2
}
