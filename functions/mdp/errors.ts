// Refusals of a failover problem: a transition matrix that is not row-stochastic, negative costs, a bad discount.

/** An input the MDP cannot take as given; `pointer` names the offending member. */
export class MdpError extends Error {
  override name = 'MdpError'
  readonly pointer: string

  constructor(message: string, pointer: string) {
    super(message)
    this.pointer = pointer
  }
}
