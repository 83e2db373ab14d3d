// Refusals of an MPC problem that no plan can answer (contradictory bounds, mismatched forecasts).

/** A problem the solver cannot take as given; `pointer` names the offending member of the problem. */
export class MpcError extends Error {
  override name = 'MpcError'
  readonly pointer: string

  constructor(message: string, pointer: string) {
    super(message)
    this.pointer = pointer
  }
}
