// The holon's stress job (kernel lab, S44): one search per holon against its active kernel and current state,
// run in chunks of about 200 ms of calibrated work on the holon's alarm; findings are stored, never ledgered.
import { StepBudget } from '../../functions/budget/index.ts'
import {
  type Finding,
  IntentCompileError,
  type StressInput,
  StressInputError,
  type StressProgress,
  stress,
  stressSteps,
} from '../../functions/lab/stress/index.ts'
import type { StressJob, StressJobRequest } from '../../schemas/lab-stress.ts'
import type { Db } from '../shared/db.ts'
import { fail, ok, type Reply } from '../shared/reply.ts'
import type { Live } from './live.ts'

/** Work per alarm chunk; a chunk that completes no trial is retried with twice as much, up to CHUNK_GROWTH times. */
export const CHUNK_MS = 200
const CHUNK_GROWTH = 16
const DEFAULT_JOB_MS = 10_000

interface Row {
  status: StressJob['status']
  input: string
  kernel_id: string
  budget_ms: number
  budget_steps: number
  spent_steps: number
  chunk_steps: number
  chunks: number
  cursor: string | null
  progress: string | null
  error: string | null
  started_at: string
  updated_at: string
}

export type StressRefusal = {
  code: 'validation_failed'
  message: string
  errors: { pointer: string; message: string }[]
}

/** The core's refusals as data (errors lose their class across RPC). */
export function refusalOf(e: unknown): StressRefusal | undefined {
  if (e instanceof IntentCompileError)
    return { code: 'validation_failed', message: e.message, errors: e.issues.map((i) => ({ ...i })) }
  if (e instanceof StressInputError)
    return {
      code: 'validation_failed',
      message: e.message,
      errors: [{ pointer: e.pointer, message: e.message }],
    }
  return undefined
}

export class StressJobs {
  private readonly db: Db
  constructor(db: Db) {
    this.db = db
  }

  private row(): Row | undefined {
    return this.db.one<Row & Record<string, SqlStorageValue>>('SELECT * FROM lab_stress WHERE id = 1')
  }

  /** Starts a job from the holon's state now, replacing any running one; the first chunk runs on the alarm. */
  start(live: Live, req: StressJobRequest, at: string): Reply<StressJob, StressRefusal> {
    const { budget_ms = DEFAULT_JOB_MS, ...search } = req
    const input: StressInput = {
      ...search,
      kernel: live.kernel.spec,
      start: {
        aggregates: Object.fromEntries(live.kernel.aggregates.map((a, i) => [a.name, live.states[i]])),
        ...(live.last && { last_event: live.last.event }),
      },
    } as StressInput
    try {
      // compiles the intents and checks the domains without searching (a zero budget)
      stress(input, new StepBudget('stress_steps', 0, 0), undefined, { stored: true })
    } catch (e) {
      const r = refusalOf(e)
      if (r) return fail(r)
      throw e
    }
    const replaced = this.running()
    this.db.run('DELETE FROM lab_stress')
    this.db.run(
      `INSERT INTO lab_stress (id, status, input, kernel_id, budget_ms, budget_steps, spent_steps, chunk_steps, chunks,
         cursor, progress, error, started_at, updated_at)
       VALUES (1, 'running', ?, ?, ?, ?, 0, ?, 0, NULL, NULL, NULL, ?, ?)`,
      JSON.stringify(input),
      live.kernel.spec.id,
      budget_ms,
      stressSteps(budget_ms),
      stressSteps(CHUNK_MS),
      at,
      at,
    )
    return ok({ ...(this.doc() as StressJob), ...(replaced && { replaced: true }) })
  }

  /** Asked on every alarm and beat: the status column only, not the job's input and cursor. */
  running(): boolean {
    return this.db.one<{ status: string }>('SELECT status FROM lab_stress WHERE id = 1')?.status === 'running'
  }

  cancel(at: string): StressJob | null {
    this.db.run("UPDATE lab_stress SET status = 'cancelled', updated_at = ? WHERE status = 'running'", at)
    return this.doc()
  }

  doc(): StressJob | null {
    const r = this.row()
    if (!r) return null
    // the cursor holds the findings and counts; `progress` only what the cursor does not (done, seed)
    const c = r.cursor
      ? (JSON.parse(r.cursor) as { tried: number; steps: number; findings: Finding[] })
      : undefined
    const p = r.progress ? (JSON.parse(r.progress) as { done: boolean; seed: number }) : undefined
    const input = JSON.parse(r.input) as StressInput
    return {
      status: r.status,
      tried: c?.tried ?? 0,
      steps: c?.steps ?? 0,
      findings: c?.findings ?? [],
      done: p?.done ?? false,
      seed: p?.seed ?? input.seed ?? 1,
      budget_ms: r.budget_ms,
      chunks: r.chunks,
      kernel_id: r.kernel_id,
      started_at: r.started_at,
      updated_at: r.updated_at,
      ...(r.error && { error: r.error }),
    } as StressJob
  }

  /**
   * One chunk: at most `chunk_steps` of work from the cursor. The cursor moves at trial boundaries only, so an
   * alarm delivered twice repeats no trial's effect; the row is updated in one statement.
   */
  runChunk(at: string): void {
    const r = this.row()
    if (r?.status !== 'running') return
    const size = Math.min(r.chunk_steps, r.budget_steps - r.spent_steps)
    const budget = new StepBudget('stress_steps', size, Math.round((size / stressSteps(CHUNK_MS)) * CHUNK_MS))
    let p: StressProgress
    try {
      p = stress(JSON.parse(r.input) as StressInput, budget, r.cursor ? JSON.parse(r.cursor) : undefined, {
        stored: true,
      })
    } catch (e) {
      this.db.run(
        "UPDATE lab_stress SET status = 'failed', error = ?, chunks = chunks + 1, updated_at = ? WHERE id = 1",
        String((e as Error)?.message ?? e),
        at,
      )
      return
    }
    const old = r.cursor ? (JSON.parse(r.cursor) as { tried: number }).tried : 0
    // a chunk ended by the budget spent all of it, including a trial it could not finish
    const spent = r.spent_steps + (p.done ? budget.spent : size)
    const stalled = !p.done && p.tried === old
    let chunk = r.chunk_steps
    let status: StressJob['status'] = p.done ? 'done' : spent >= r.budget_steps ? 'spent' : 'running'
    let error: string | null = null
    if (stalled && status === 'running') {
      chunk *= 2
      if (chunk > CHUNK_GROWTH * stressSteps(CHUNK_MS)) {
        status = 'failed'
        error = `one search trial needs more than ${CHUNK_GROWTH * CHUNK_MS} ms of work: shorten max_length or simplify the intents`
      }
    }
    const progress = { done: p.done, seed: p.seed }
    const cursor = p.cursor
    this.db.run(
      `UPDATE lab_stress SET status = ?, spent_steps = ?, chunk_steps = ?, chunks = chunks + 1, cursor = ?,
         progress = ?, error = ?, updated_at = ? WHERE id = 1`,
      status,
      spent,
      chunk,
      JSON.stringify(cursor),
      JSON.stringify(progress),
      error,
      at,
    )
  }
}
