// Named errors of the pulse area; the HTTP edge maps them to problem+json.

/** A pulse configuration the formulas cannot run with (e.g. k P <= 1 makes T_Lambda undefined). */
export class PulseConfigError extends Error {
  override name = 'PulseConfigError'
  readonly pointer: string

  constructor(pointer: string, message: string) {
    super(`${pointer}: ${message}`)
    this.pointer = pointer
  }
}
