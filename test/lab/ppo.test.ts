// The PPO pieces against hand-computed values and finite differences: GAE on a 3-step episode, the clipped
// objective's gradient sign, advantage normalisation, the MLP's and the policy head's gradients.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  Adam,
  backward,
  clippedSurrogate,
  entropy,
  features,
  forward,
  forwardTrace,
  gae,
  initMlp,
  nextReplicas,
  normalise,
  policyLogitGrad,
  type Sample,
  sampleAction,
  softmax,
  update,
} from '../../functions/lab/learned/ppo/index.ts'
import { mulberry32 } from '../../functions/random/index.ts'

describe('GAE', () => {
  it('a 3-step episode, by hand', () => {
    // gamma 0.9, lambda 0.8: delta = r + 0.9 V' - V; A_t = delta_t + 0.72 A_{t+1}
    // delta_2 = 2 + 0 - 0.5 = 1.5; delta_1 = 0 + 0.45 - 1 = -0.55; delta_0 = 1 + 0.9 - 0.5 = 1.4
    // A_2 = 1.5; A_1 = -0.55 + 0.72 x 1.5 = 0.53; A_0 = 1.4 + 0.72 x 0.53 = 1.7816
    const { advantages, returns } = gae([1, 0, 2], [0.5, 1, 0.5], 0, 0.9, 0.8)
    expect(advantages[0]).toBeCloseTo(1.7816, 12)
    expect(advantages[1]).toBeCloseTo(0.53, 12)
    expect(advantages[2]).toBeCloseTo(1.5, 12)
    expect(returns.map((r) => Number(r.toFixed(10)))).toEqual([2.2816, 1.53, 2])
  })

  it('a cut-off episode bootstraps from the value after its last step', () => {
    // one step, r = 1, V = 0, V(after) = 2: A = 1 + 0.5 x 2 - 0
    expect(gae([1], [0], 2, 0.5, 0.9).advantages[0]).toBeCloseTo(2, 12)
  })

  it('with lambda 1, advantage + value is the discounted return (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rs, gamma) => {
          const values = rs.map((_, i) => i * 0.3 - 1)
          const { returns } = gae(rs, values, 0, gamma, 1)
          rs.forEach((_, t) => {
            let g = 0
            for (let k = rs.length - 1; k >= t; k--) g = (rs[k] as number) + gamma * g
            expect(returns[t]).toBeCloseTo(g, 9)
          })
        },
      ),
    )
  })
})

describe('advantage normalisation', () => {
  it('[1, 2, 3, 4] by hand: mean 2.5, population sd sqrt(1.25)', () => {
    const z = normalise([1, 2, 3, 4])
    const sd = Math.sqrt(1.25)
    expect(z[0]).toBeCloseTo(-1.5 / sd, 7)
    expect(z[1]).toBeCloseTo(-0.5 / sd, 7)
    expect(z[3]).toBeCloseTo(1.5 / sd, 7)
  })

  it('mean 0 and sd 1, order kept (property); constant input gives zeros', () => {
    expect(normalise([3, 3, 3])).toEqual([0, 0, 0])
    fc.assert(
      fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 2 }), (xs) => {
        const spread = Math.max(...xs) - Math.min(...xs)
        fc.pre(spread > 0.1)
        const z = normalise(xs)
        const mean = z.reduce((a, b) => a + b, 0) / z.length
        const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length)
        expect(mean).toBeCloseTo(0, 6)
        expect(sd).toBeCloseTo(1, 5)
        for (let i = 1; i < xs.length; i++)
          if ((xs[i] as number) > (xs[i - 1] as number))
            expect(z[i]).toBeGreaterThanOrEqual(z[i - 1] as number)
      }),
    )
  })
})

describe('the clipped surrogate', () => {
  const eps = 0.2
  it('pushes a good action up and a bad one down while the ratio is inside 1 ± eps', () => {
    expect(clippedSurrogate(Math.log(1.1), 0, 2, eps).dLogp).toBeCloseTo(2.2, 12)
    expect(clippedSurrogate(Math.log(0.9), 0, -2, eps).dLogp).toBeCloseTo(-1.8, 12)
  })

  it('stops pushing once the ratio moved past the clip in the advantage direction', () => {
    // r = 1.5, A = 2: min(3, 1.2 x 2) = 2.4, the clipped term, gradient 0
    expect(clippedSurrogate(Math.log(1.5), 0, 2, eps)).toEqual({ objective: 2.4, dLogp: 0 })
    // r = 0.5, A = -2: min(-1, 0.8 x -2 = -1.6) = -1.6, clipped, gradient 0
    const c = clippedSurrogate(Math.log(0.5), 0, -2, eps)
    expect(c.objective).toBeCloseTo(-1.6, 12)
    expect(c.dLogp).toBe(0)
  })

  it('keeps pulling back a ratio that moved the wrong way past the clip', () => {
    // r = 0.5, A = 2: min(1, 1.6) = 1 unclipped, gradient r A = 1 > 0 (raise it again)
    expect(clippedSurrogate(Math.log(0.5), 0, 2, eps).dLogp).toBeCloseTo(1, 12)
    // r = 1.5, A = -2: min(-3, -2.4) = -3 unclipped, gradient -3 < 0
    expect(clippedSurrogate(Math.log(1.5), 0, -2, eps).dLogp).toBeCloseTo(-3, 12)
  })

  it('the gradient is the objective derivative in logp (finite differences, property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (d, a) => {
          // stay off the kinks at 1 ± eps, where the derivative jumps
          fc.pre(Math.abs(Math.exp(d) - 1.2) > 0.01 && Math.abs(Math.exp(d) - 0.8) > 0.01)
          const h = 1e-6
          const num =
            (clippedSurrogate(d + h, 0, a, eps).objective - clippedSurrogate(d - h, 0, a, eps).objective) /
            (2 * h)
          expect(clippedSurrogate(d, 0, a, eps).dLogp).toBeCloseTo(num, 4)
        },
      ),
    )
  })
})

describe('networks', () => {
  it('the MLP gradient matches finite differences', () => {
    const net = initMlp([3, 4, 4, 2], 7)
    const x = [0.3, -0.7, 0.5]
    const dOut = [0.6, -1.1]
    const grad = new Float64Array(net.params.length)
    backward(net, forwardTrace(net, x), dOut, grad)
    const f = () => {
      const y = forward(net, x)
      return (y[0] as number) * 0.6 - (y[1] as number) * 1.1
    }
    for (let i = 0; i < net.params.length; i += 3) {
      const keep = net.params[i] as number
      net.params[i] = keep + 1e-6
      const up = f()
      net.params[i] = keep - 1e-6
      const down = f()
      net.params[i] = keep
      expect(grad[i]).toBeCloseTo((up - down) / 2e-6, 6)
    }
  })

  it('the policy head gradient is d(c log p(a) + k H)/d logits', () => {
    const logits = [0.2, -0.4, 1.1, 0, -0.9]
    const obj = (l: number[]) => {
      const p = softmax(l)
      return 0.7 * Math.log(p[2] as number) + 0.05 * entropy(p)
    }
    const g = policyLogitGrad(softmax(logits), 2, 0.7, 0.05)
    logits.forEach((_, k) => {
      const up = [...logits]
      const down = [...logits]
      up[k] = (up[k] as number) + 1e-6
      down[k] = (down[k] as number) - 1e-6
      expect(g[k]).toBeCloseTo((obj(up) - obj(down)) / 2e-6, 6)
    })
  })

  it('Adam descends a quadratic', () => {
    const p = Float64Array.from([3, -2])
    const opt = new Adam(2)
    for (let i = 0; i < 500; i++)
      opt.step(p, Float64Array.from([2 * (p[0] as number), 2 * (p[1] as number)]), 0.05)
    expect(Math.abs(p[0] as number)).toBeLessThan(0.05)
    expect(Math.abs(p[1] as number)).toBeLessThan(0.05)
  })

  it('same seed, same network; a sampled action follows the cumulative probabilities', () => {
    expect([...initMlp([2, 3, 2], 5).params]).toEqual([...initMlp([2, 3, 2], 5).params])
    expect([...initMlp([2, 3, 2], 5).params]).not.toEqual([...initMlp([2, 3, 2], 6).params])
    const net = initMlp([1, 2, 3], 1)
    const p = softmax(forward(net, [0.5]))
    expect(sampleAction(net, [0.5], 0).action).toBe(0)
    expect(sampleAction(net, [0.5], (p[0] as number) + 1e-9).action).toBe(1)
    expect(sampleAction(net, [0.5], 0.999999999).action).toBe(2)
  })
})

describe('features and actions', () => {
  it('a saturated workload stays finite; replicas stay in 1..10', () => {
    const x = features({
      demand: 500,
      demand_before: 100,
      per_replica: 100,
      replicas: 0,
      ready: 0,
      utilisation: 0,
      latency_ms: 30_000,
      sla_latency_ms: 100,
      nodes_down: 0.25,
      on_degraded: 0,
    })
    expect(x).toEqual([0, 3, 0.5, 2, 0, 0, -1, 0.25, 0])
    // keep; size for 50 %: ceil(330 / 50) = 7; for 80 %: ceil(330 / 80) = 5; bounded by 1..10
    const v = { demand: 330, per_replica: 100, replicas: 3 }
    expect(nextReplicas(v, 0)).toBe(3)
    expect(nextReplicas(v, 2)).toBe(7)
    expect(nextReplicas(v, 5)).toBe(5)
    expect(nextReplicas({ ...v, demand: 5000 }, 1)).toBe(10)
    expect(nextReplicas({ ...v, demand: 0 }, 1)).toBe(1)
    expect(nextReplicas({ ...v, replicas: 0 }, 0)).toBe(1)
  })
})

describe('one PPO update, end to end', () => {
  /** A contextual bandit: arm 1 pays 1 in context +1, arm 0 pays 1 in context -1; one-step episodes. */
  function trainBandit(seed: number) {
    const rand = mulberry32(seed)
    const actor = initMlp([1, 8, 2], seed, 0.01)
    const critic = initMlp([1, 8, 1], seed + 1)
    const optA = new Adam(actor.params.length)
    const optC = new Adam(critic.params.length)
    const hyper = {
      clip: 0.2,
      epochs: 4,
      minibatch: 64,
      lr_actor: 3e-3,
      lr_critic: 3e-3,
      entropy: 0,
      max_grad_norm: 1,
    }
    for (let it = 0; it < 30; it++) {
      const batch: Sample[] = []
      for (let i = 0; i < 256; i++) {
        const x = [rand() < 0.5 ? -1 : 1]
        const { action, p } = sampleAction(actor, x, rand())
        const r = (x[0] === 1) === (action === 1) ? 1 : 0
        const v = forward(critic, x)[0] as number
        const { advantages, returns } = gae([r], [v], 0, 0.99, 0.95)
        batch.push({
          x,
          action,
          logp: Math.log(p[action] as number),
          advantage: advantages[0] as number,
          ret: returns[0] as number,
        })
      }
      update(actor, critic, optA, optC, batch, hyper, rand)
    }
    return { actor, critic }
  }

  it('learns the paying arm in each context, and its critic the payoff', () => {
    const { actor, critic } = trainBandit(3)
    expect(softmax(forward(actor, [1]))[1]).toBeGreaterThan(0.9)
    expect(softmax(forward(actor, [-1]))[0]).toBeGreaterThan(0.9)
    expect(forward(critic, [1])[0]).toBeGreaterThan(0.7)
  })

  it('is seeded: the same seed trains the same parameters', () => {
    expect([...trainBandit(5).actor.params]).toEqual([...trainBandit(5).actor.params])
  })
})
