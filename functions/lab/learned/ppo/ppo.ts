// The pieces of PPO (Schulman et al. 2017, arXiv:1707.06347): generalised advantage estimation, advantage
// normalisation, the clipped surrogate objective and its gradient, a softmax policy head, and Adam.

/**
 * GAE (Schulman et al. 2016, arXiv:1506.02438) over one trajectory: delta_t = r_t + gamma V_{t+1} - V_t,
 * A_t = delta_t + gamma lambda A_{t+1}. `last` is V of the state after the final step (0 when the episode
 * ended there, the critic's estimate when it was only cut off). Returns are A_t + V_t, the critic's targets.
 */
export function gae(
  rewards: readonly number[],
  values: readonly number[],
  last: number,
  gamma: number,
  lambda: number,
): { advantages: number[]; returns: number[] } {
  const n = rewards.length
  const advantages = new Array<number>(n).fill(0)
  let next = 0
  for (let t = n - 1; t >= 0; t--) {
    const vNext = t + 1 < n ? (values[t + 1] as number) : last
    const delta = (rewards[t] as number) + gamma * vNext - (values[t] as number)
    next = delta + gamma * lambda * next
    advantages[t] = next
  }
  return { advantages, returns: advantages.map((a, t) => a + (values[t] as number)) }
}

/** Advantages shifted to mean 0 and scaled to standard deviation 1 (population sd; `eps` guards sd = 0). */
export function normalise(xs: readonly number[], eps = 1e-8): number[] {
  if (xs.length === 0) return []
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)
  return xs.map((x) => (x - mean) / (sd + eps))
}

/**
 * The clipped surrogate of one sample, L = min(r A, clip(r, 1 - eps, 1 + eps) A) with r = exp(logp - logpOld),
 * to be maximised, and dL/dlogp: r A where the unclipped term is the minimum, 0 where the clip binds (the
 * ratio already moved past 1 ± eps in the advantage's direction).
 */
export function clippedSurrogate(
  logp: number,
  logpOld: number,
  advantage: number,
  eps: number,
): { objective: number; dLogp: number } {
  const r = Math.exp(logp - logpOld)
  const unclipped = r * advantage
  const clipped = Math.min(Math.max(r, 1 - eps), 1 + eps) * advantage
  if (clipped < unclipped) return { objective: clipped, dLogp: 0 }
  return { objective: unclipped, dLogp: unclipped }
}

export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = Number.NEGATIVE_INFINITY
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] as number)
  const p = new Float64Array(logits.length)
  let s = 0
  for (let i = 0; i < logits.length; i++) {
    p[i] = Math.exp((logits[i] as number) - max)
    s += p[i] as number
  }
  for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) / s
  return p
}

export function entropy(p: ArrayLike<number>): number {
  let h = 0
  for (let i = 0; i < p.length; i++)
    if ((p[i] as number) > 0) h -= (p[i] as number) * Math.log(p[i] as number)
  return h
}

/**
 * Gradient of `coefLogp` log p(action) + `coefEntropy` H(p) with respect to the logits:
 * coefLogp (onehot(action) - p) - coefEntropy p (log p + H).
 */
export function policyLogitGrad(
  p: ArrayLike<number>,
  action: number,
  coefLogp: number,
  coefEntropy: number,
): Float64Array {
  const h = entropy(p)
  const g = new Float64Array(p.length)
  for (let k = 0; k < p.length; k++) {
    const pk = p[k] as number
    g[k] = coefLogp * ((k === action ? 1 : 0) - pk) - (pk > 0 ? coefEntropy * pk * (Math.log(pk) + h) : 0)
  }
  return g
}

/** Adam (Kingma and Ba 2015) for gradient ascent or descent on one flat parameter vector. */
export class Adam {
  private readonly m: Float64Array
  private readonly v: Float64Array
  private t = 0
  readonly beta1: number
  readonly beta2: number
  readonly eps: number
  constructor(size: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8) {
    this.beta1 = beta1
    this.beta2 = beta2
    this.eps = eps
    this.m = new Float64Array(size)
    this.v = new Float64Array(size)
  }

  /** params -= lr * mhat / (sqrt(vhat) + eps) for a gradient of a loss to minimise; clips the gradient norm first. */
  step(params: Float64Array, grad: Float64Array, lr: number, maxNorm = Number.POSITIVE_INFINITY): void {
    let norm = 0
    for (let i = 0; i < grad.length; i++) norm += (grad[i] as number) ** 2
    norm = Math.sqrt(norm)
    const scale = norm > maxNorm ? maxNorm / norm : 1
    this.t++
    const c1 = 1 - this.beta1 ** this.t
    const c2 = 1 - this.beta2 ** this.t
    for (let i = 0; i < params.length; i++) {
      const g = (grad[i] as number) * scale
      const m = this.beta1 * (this.m[i] as number) + (1 - this.beta1) * g
      const v = this.beta2 * (this.v[i] as number) + (1 - this.beta2) * g * g
      this.m[i] = m
      this.v[i] = v
      params[i] = (params[i] as number) - (lr * (m / c1)) / (Math.sqrt(v / c2) + this.eps)
    }
  }
}
