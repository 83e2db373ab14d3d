// Named errors of the kernel area; the HTTP edge maps them to problem+json.
import type { ExprProblem } from './expr.ts'

export interface KernelIssue extends Partial<ExprProblem> {
  /** JSON pointer into the kernel spec, e.g. /invariants/Traceability/score */
  pointer: string
  message: string
}

export class KernelCompileError extends Error {
  override name = 'KernelCompileError'
  readonly issues: KernelIssue[]

  constructor(issues: KernelIssue[]) {
    super(issues.map((i) => `${i.pointer}: ${i.message}`).join('; '))
    this.issues = issues
  }
}
