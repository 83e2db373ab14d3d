// One PPO update over a batch of samples: clipped surrogate + entropy bonus for the actor, squared error for
// the critic, epochs of shuffled minibatches, Adam steps. Pure: the shuffle draws from the given generator.
import { backward, forwardTrace, type Mlp } from './mlp.ts'
import { type Adam, clippedSurrogate, normalise, policyLogitGrad, softmax } from './ppo.ts'

export interface Sample {
  x: number[]
  action: number
  /** log-probability of the action under the policy that acted */
  logp: number
  advantage: number
  /** the critic's target (advantage + value) */
  ret: number
}

export interface UpdateHyper {
  clip: number
  epochs: number
  minibatch: number
  lr_actor: number
  lr_critic: number
  entropy: number
  max_grad_norm: number
}

/** PPO epochs over one batch; returns the share of sample visits where the clip bound (no gradient) and the mean entropy. */
export function update(
  actor: Mlp,
  critic: Mlp,
  optA: Adam,
  optC: Adam,
  batch: Sample[],
  hyper: UpdateHyper,
  rand: () => number,
): { clipped: number; entropy: number } {
  const adv = normalise(batch.map((s) => s.advantage))
  const order = batch.map((_, i) => i)
  let clippedCount = 0
  let seen = 0
  let ent = 0
  const gA = new Float64Array(actor.params.length)
  const gC = new Float64Array(critic.params.length)
  for (let e = 0; e < hyper.epochs; e++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      ;[order[i], order[j]] = [order[j] as number, order[i] as number]
    }
    for (let start = 0; start < order.length; start += hyper.minibatch) {
      const idx = order.slice(start, start + hyper.minibatch)
      gA.fill(0)
      gC.fill(0)
      for (const k of idx) {
        const s = batch[k] as Sample
        const ta = forwardTrace(actor, s.x)
        const p = softmax(ta[ta.length - 1] as Float64Array)
        const logp = Math.log(Math.max(1e-12, p[s.action] as number))
        const { dLogp } = clippedSurrogate(logp, s.logp, adv[k] as number, hyper.clip)
        if (dLogp === 0) clippedCount++
        seen++
        const g = policyLogitGrad(p, s.action, dLogp, hyper.entropy)
        // ascend objective + entropy: descend its negative, averaged over the minibatch
        for (let q = 0; q < g.length; q++) g[q] = -(g[q] as number) / idx.length
        backward(actor, ta, g, gA)
        let h = 0
        for (const pi of p) if (pi > 0) h -= pi * Math.log(pi)
        ent += h
        const tc = forwardTrace(critic, s.x)
        const v = (tc[tc.length - 1] as Float64Array)[0] as number
        backward(critic, tc, [(v - s.ret) / idx.length], gC)
      }
      optA.step(actor.params, gA, hyper.lr_actor, hyper.max_grad_norm)
      optC.step(critic.params, gC, hyper.lr_critic, hyper.max_grad_norm)
    }
  }
  return { clipped: clippedCount / seen, entropy: ent / seen }
}
