// The learned forecaster's series families: training seeds for scripts/train-lstm.ts, held-out seeds for the bench.
//
// Three families, each with its season m and the horizon it is judged on:
//   sim      the orchestrator simulator's demand (bench/simulate/trace.ts: diurnal curve, AR(1) noise, a flash
//            spike), 30-minute steps over 5 days, m = 48, h = 12 (the orchestrator's default horizon);
//   diurnal  bench/forecast.ts' diurnal curve (two harmonics, weekly swell, trend), hourly over 14 days, noise
//            sd 10 or 30 alternating with the seed, m = 24, h = 24;
//   trend    test/forecast's noisy series (trend plus sine plus Gaussian noise sd 3), n = 120, m = 12, h = 12.
// Training uses seeds from TRAIN_SEEDS, evaluation from HELD_OUT_SEEDS: they never overlap.
import { mulberry32 } from '../functions/random/index.ts'
import { makeTrace } from './simulate/trace.ts'

export type Family = 'sim' | 'diurnal' | 'trend'
export const FAMILIES: readonly Family[] = ['sim', 'diurnal', 'trend']

export interface Series {
  family: Family
  name: string
  y: number[]
  period: number
  horizon: number
}

/** Seeds of the training corpus (1000..1059) and of the held-out evaluation (1..20). */
export const TRAIN_SEEDS = Array.from({ length: 60 }, (_, i) => 1000 + i)
export const HELD_OUT_SEEDS = Array.from({ length: 20 }, (_, i) => 1 + i)

/**
 * A diurnal demand curve (two harmonics, a slow weekly swell, a gentle trend) with Gaussian noise; seeded. Here, not in
 * bench/forecast.ts (which needs node:), so that workerd tests can import the corpus; that bench imports it from here.
 */
export function diurnalSeries(n: number, m: number, noise: number, seed: number): number[] {
  const r = mulberry32(seed)
  const g = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())
  return Array.from({ length: n }, (_, t) => {
    const day = (2 * Math.PI * t) / m
    const base =
      200 + 0.02 * t + 80 * Math.sin(day - Math.PI / 2) + 25 * Math.sin(2 * day) + 15 * Math.sin(day / 7)
    return Math.max(0, base + noise * g())
  })
}

function trendSeries(seed: number, n: number, m: number, sd: number): number[] {
  const r = mulberry32(seed)
  const g = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())
  return Array.from({ length: n }, (_, t) => 50 + 0.1 * t + 20 * Math.sin((2 * Math.PI * t) / m) + sd * g())
}

/** Every series of one family for one seed (the simulator gives six workloads per trace). */
export function familySeries(family: Family, seed: number): Series[] {
  if (family === 'sim') {
    const trace = makeTrace({ seed, minutes: 5 * 1440, step_seconds: 1800, day_minutes: 1440 })
    return trace.workloads.map((w) => ({
      family,
      name: `sim ${seed} ${w.id}`,
      y: w.demand,
      period: trace.day_steps,
      horizon: 12,
    }))
  }
  if (family === 'diurnal')
    return [
      {
        family,
        name: `diurnal ${seed}`,
        y: diurnalSeries(24 * 14, 24, seed % 2 === 0 ? 30 : 10, seed),
        period: 24,
        horizon: 24,
      },
    ]
  return [{ family, name: `trend ${seed}`, y: trendSeries(seed, 120, 12, 3), period: 12, horizon: 12 }]
}

/** All families for the given seeds. */
export const corpus = (seeds: readonly number[], families: readonly Family[] = FAMILIES): Series[] =>
  families.flatMap((f) => seeds.flatMap((s) => familySeries(f, s)))
