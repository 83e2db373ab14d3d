// Per-request work budgets: a step counter calibrated to CPU milliseconds (workerd's clocks stand still while
// a request computes, so time cannot be read mid-loop; counted steps can).

/** Thrown when a request's work exceeds its budget; the edge maps it to a 422 naming the budget. */
export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError'
  /** Which budget, e.g. `expression_steps`, `route_k`, `embed_pairs`. */
  readonly budget: string
  /** The limit, in `unit`. */
  readonly limit: number
  readonly unit: 'steps' | 'items' | 'bytes' | 'nodes' | 'paths'
  /** The limit expressed as CPU milliseconds on the reference machine (docs/budgets.md). */
  readonly cpuMs: number

  constructor(
    budget: string,
    limit: number,
    unit: BudgetExceededError['unit'],
    cpuMs: number,
    detail: string,
  ) {
    super(detail)
    this.budget = budget
    this.limit = limit
    this.unit = unit
    this.cpuMs = cpuMs
  }
}

/**
 * A step budget. `spend(n)` throws once more than `limit` steps were spent; `cpuMs` is what the limit
 * costs at the calibrated rate, so the refusal can name the budget in milliseconds of CPU.
 */
export class StepBudget {
  readonly name: string
  readonly limit: number
  readonly cpuMs: number
  private readonly unit: BudgetExceededError['unit']
  private readonly detail: string | undefined
  private used = 0

  /** `unit` and `detail`: what the refusal says, for budgets counted in items rather than steps. */
  constructor(
    name: string,
    limit: number,
    cpuMs: number,
    opts: { unit?: BudgetExceededError['unit']; detail?: string } = {},
  ) {
    this.name = name
    this.limit = limit
    this.cpuMs = cpuMs
    this.unit = opts.unit ?? 'steps'
    this.detail = opts.detail
  }

  get spent(): number {
    return this.used
  }

  spend(n = 1): void {
    this.used += n
    if (this.used > this.limit) {
      throw new BudgetExceededError(
        this.name,
        this.limit,
        this.unit,
        this.cpuMs,
        this.detail ??
          `the ${this.name} budget of ${this.limit} ${this.unit} (about ${this.cpuMs} ms of CPU) is exhausted`,
      )
    }
  }
}
