// Named routing errors: bad topologies and requests the shell turns into precise 400 problems.
export type TopologyIssue =
  | 'unknown_node'
  | 'duplicate_node'
  | 'disconnected'
  | 'too_many_nodes'
  | 'embedding_precision'
  | 'source_required'
  | 'no_allowed_node'

export class TopologyError extends Error {
  override name = 'TopologyError'
  readonly issue: TopologyIssue
  readonly extensions: Record<string, unknown>

  constructor(issue: TopologyIssue, message: string, extensions: Record<string, unknown> = {}) {
    super(message)
    this.issue = issue
    this.extensions = extensions
  }
}
