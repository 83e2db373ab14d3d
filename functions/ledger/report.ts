// What a verification says: every check by name, whether it passed, and where the first problem is.
export interface Check {
  check: string
  ok: boolean
  detail?: string
}

export interface VerifyReport {
  valid: boolean
  checks: Check[]
  /** Ledger index of the first entry found bad, when the failure can be placed. */
  first_bad_index?: number
  notes?: string[]
}

export class Checks {
  readonly list: Check[] = []
  readonly notes: string[] = []
  firstBad?: number

  note(text: string): void {
    this.notes.push(text)
  }

  add(check: string, ok: boolean, detail?: string): boolean {
    this.list.push(detail === undefined ? { check, ok } : { check, ok, detail })
    return ok
  }

  bad(index: number): void {
    this.firstBad ??= index
  }

  report(): VerifyReport {
    const valid = this.list.every((c) => c.ok)
    return {
      valid,
      checks: this.list,
      ...(this.firstBad !== undefined && { first_bad_index: this.firstBad }),
      ...(this.notes.length > 0 && { notes: this.notes }),
    }
  }
}

/** Runs `f`, turning a thrown error into a failed check. */
export function attempt<T>(checks: Checks, name: string, f: () => T): T | undefined {
  try {
    const v = f()
    checks.add(name, true)
    return v
  } catch (e) {
    checks.add(name, false, (e as Error).message)
    return undefined
  }
}
