// The HPA baseline against hand-computed cases from the Kubernetes documentation (Horizontal Pod Autoscaling,
// "Algorithm details" and "Configurable scaling behavior").
import { describe, expect, it } from 'vitest'
import { HPA_DEFAULTS, hpaNormalize, hpaReplicaCalc, newHpaState } from '../../bench/simulate/index.ts'

describe('replica calculation: ceil(current x metric / target)', () => {
  it('4 replicas at 100 % CPU with a 50 % target want 8; at 25 % they want 2', () => {
    expect(hpaReplicaCalc(4, 4, 1.0)).toBe(8)
    expect(hpaReplicaCalc(4, 4, 0.25)).toBe(2)
    // 3 replicas at 70 %: 3 x 1.4 = 4.2, rounded up
    expect(hpaReplicaCalc(3, 3, 0.7)).toBe(5)
  })

  it('does nothing inside the 0.1 tolerance (ratio 1.08 or 0.92), and acts just outside it (1.12)', () => {
    expect(hpaReplicaCalc(5, 5, 0.54)).toBe(5)
    expect(hpaReplicaCalc(5, 5, 0.46)).toBe(5)
    expect(hpaReplicaCalc(5, 5, 0.56)).toBe(6)
  })

  it('counts pods that are not ready as 0 % on a scale-up, and gives up if that flips or lands in tolerance', () => {
    // 2 ready at 100 % and 2 starting: (1.0 x 2 + 0 x 2) / 4 = 50 % = the target: no change
    expect(hpaReplicaCalc(4, 2, 1.0)).toBe(4)
    // 3 ready at 100 % and 1 starting: 75 % over 4 pods, ratio 1.5: ceil(1.5 x 4) = 6
    expect(hpaReplicaCalc(4, 3, 1.0)).toBe(6)
    // no ready pod, no metric: keep
    expect(hpaReplicaCalc(4, 0, 0)).toBe(4)
  })
})

describe('scaling behavior: +100 % per 30 s, -50 % per 60 s, 5-minute downscale stabilisation, 1..10', () => {
  it('doubles at most once per 30 s period and stops at max 10', () => {
    const st = newHpaState()
    expect(hpaNormalize(st, 0, 4, 20)).toBe(8)
    // 15 s later the period still started at 4 replicas: ceil(4 x 2) = 8, no further growth
    expect(hpaNormalize(st, 15, 8, 20)).toBe(8)
    // 30 s after the first event the period starts at 8: 16, clamped to max 10
    expect(hpaNormalize(st, 30, 8, 20)).toBe(10)
  })

  it('holds the highest recommendation of the last 5 minutes, then halves per 60 s', () => {
    const st = newHpaState()
    expect(hpaNormalize(st, 0, 10, 10)).toBe(10)
    const seen: number[] = []
    let current = 10
    for (let t = 30; t <= 390; t += 30) {
      current = hpaNormalize(st, t, current, 2)
      seen.push(current)
    }
    // t = 30..270: the 10 recorded at t = 0 is in the window; t = 300: it left, -50 % of 10 = 5;
    // t = 330: the period still started at 10 (limit 5); t = 360: period starts at 5, trunc(2.5) = 2.
    expect(seen).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5, 5, 2, 2])
  })

  it('never goes below min replicas even when the metric says 0', () => {
    const st = newHpaState()
    expect(hpaReplicaCalc(2, 2, 0)).toBe(0)
    expect(hpaNormalize(st, 0, 1, 0)).toBe(1)
    expect(HPA_DEFAULTS.min_replicas).toBe(1)
  })
})
