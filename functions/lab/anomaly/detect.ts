// detect(): validates options, fills the defaults chosen on training seeds (docs/kernel-lab-anomaly.md), runs
// one method within the `anomaly_steps` budget.
import { StepBudget } from '../../budget/index.ts'
import { cusum } from './cusum.ts'
import { robustZ } from './robust-z.ts'
import { ANOMALY_METHODS, AnomalyInputError, type AnomalyOptions, type Detection } from './types.ts'

/**
 * Defaults, chosen by a grid search on the training seeds of the planted-anomaly traces (test/lab/anomaly-traces.ts,
 * seeds 1-20) for the highest recall at a false-positive rate of at most 1 % (robust_z: window 60, |z| > 5, 5 flags
 * in a row are a level shift); warmup 24 after a noise-only check (12 let short windows' MAD estimates flag calm
 * noise). No CUSUM setting reached 1 %: its threshold is the one with the lowest rate.
 */
export const DEFAULTS = {
  method: 'robust_z',
  threshold: { robust_z: 5, cusum: 12 },
  warmup: 24,
  window: 60,
  shift_after: 5,
} as const

export const ANOMALY_MAX_SERIES = 10_000
export const ANOMALY_MAX_PERIOD = 2_000
export const ANOMALY_MAX_WINDOW = 1_000

/**
 * One step is one comparison-sized unit of baseline work (about a window's length per point). Measured with
 * `node bench/lab-anomaly.ts --held-out`: 3,000 to 5,800 steps per CPU ms (2026-12-01, Node 22, loaded 2-core
 * machine); 2,500 keeps the milliseconds an upper estimate.
 */
export const STEPS_PER_MS = 2_500
export const ANOMALY_CPU_MS = 400
export const anomalyBudget = (): StepBudget =>
  new StepBudget('anomaly_steps', ANOMALY_CPU_MS * STEPS_PER_MS, ANOMALY_CPU_MS)

function intIn(v: number | undefined, dflt: number, lo: number, hi: number, pointer: string): number {
  const x = v ?? dflt
  if (!Number.isInteger(x) || x < lo || x > hi)
    throw new AnomalyInputError(pointer, `an integer in [${lo}, ${hi}]`)
  return x
}

export function detect(
  series: readonly number[],
  opts: AnomalyOptions = {},
  budget: StepBudget = anomalyBudget(),
): Detection {
  if (series.length > ANOMALY_MAX_SERIES)
    throw new AnomalyInputError('/series', `at most ${ANOMALY_MAX_SERIES} points`)
  series.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new AnomalyInputError(`/series/${i}`, 'a finite number')
  })
  const method = opts.method ?? DEFAULTS.method
  if (!ANOMALY_METHODS.includes(method))
    throw new AnomalyInputError('/options/method', `one of ${ANOMALY_METHODS.join(', ')}`)
  const threshold = opts.threshold ?? DEFAULTS.threshold[method]
  if (!(Number.isFinite(threshold) && threshold > 0))
    throw new AnomalyInputError('/options/threshold', 'a positive number')
  const period = intIn(opts.period, 1, 1, ANOMALY_MAX_PERIOD, '/options/period')
  const window = intIn(opts.window, DEFAULTS.window, 4, ANOMALY_MAX_WINDOW, '/options/window')
  const warmup = intIn(opts.warmup, Math.min(DEFAULTS.warmup, window), 3, window, '/options/warmup')
  const shiftAfter = intIn(
    opts.shift_after,
    DEFAULTS.shift_after,
    2,
    ANOMALY_MAX_SERIES,
    '/options/shift_after',
  )
  const transform = opts.transform ?? 'none'
  if (transform !== 'none' && transform !== 'log')
    throw new AnomalyInputError('/options/transform', 'none or log')
  if (transform === 'log') {
    const bad = series.findIndex((x) => !(x > 0))
    if (bad >= 0) throw new AnomalyInputError(`/series/${bad}`, 'the log transform needs positive values')
  }
  const xs = transform === 'log' ? series.map(Math.log) : series
  const start = budget.spent
  const found =
    method === 'cusum'
      ? cusum(xs, { threshold, warmup, window, period }, budget)
      : robustZ(xs, { threshold, warmup, window, period, shiftAfter }, budget)
  const anomalies =
    transform === 'log'
      ? found.map((a) => ({ ...a, value: series[a.index] as number, expected: Math.exp(a.expected) }))
      : found
  return { anomalies, method, steps: budget.spent - start }
}
