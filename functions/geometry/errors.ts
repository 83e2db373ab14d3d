// Named geometry errors: what is wrong with which point; the HTTP edge maps them to 400 problems.
export type GeometryIssue = 'not_finite' | 'outside_ball' | 'dimension_mismatch' | 'dimension_out_of_range'

export class GeometryError extends Error {
  override name = 'GeometryError'
  readonly issue: GeometryIssue
  /** Where the bad point is, as a JSON pointer into the request when the caller knows it. */
  readonly pointer: string

  constructor(issue: GeometryIssue, message: string, pointer = '') {
    super(message)
    this.issue = issue
    this.pointer = pointer
  }

  /** The same error, located at `pointer` (a shell knows where in the request a point came from). */
  at(pointer: string): GeometryError {
    return new GeometryError(this.issue, this.message, pointer)
  }
}
