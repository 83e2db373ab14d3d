// Named placement errors: a problem that is malformed (not merely infeasible); the HTTP edge maps them to 400s.
export type PlacementIssue = 'unknown_node' | 'duplicate_node' | 'invalid_point' | 'invalid_problem'

export class PlacementError extends Error {
  override name = 'PlacementError'
  readonly issue: PlacementIssue
  /** JSON pointer into the problem. */
  readonly pointer: string

  constructor(issue: PlacementIssue, message: string, pointer = '') {
    super(message)
    this.issue = issue
    this.pointer = pointer
  }
}
