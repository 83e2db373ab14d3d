// Seeded traces with PLANTED anomalies at known positions (orchestrator demand shapes from bench/simulate/trace.ts
// and holon event streams: amounts, latency), and the scoring of a detector against the planted truth.
import { makeTrace } from '../../bench/simulate/trace.ts'
import { type AnomalyOptions, detect } from '../../functions/lab/anomaly/index.ts'
import { mulberry32 } from '../../functions/random/index.ts'

export interface Planted {
  kind: 'spike' | 'drop' | 'level_shift'
  start: number
  /** exclusive; for a level shift the end of the grace stretch during which the baseline re-learns */
  end: number
}
export interface Stream {
  name: string
  values: number[]
  planted: Planted[]
}

/** Steps per stream, first step an anomaly may be planted at, and the least gap between two planted anomalies. */
export const STREAM_STEPS = 720
const FIRST = 60
const GAP = 70
/** Points after a level shift that count as neither clean nor anomalous (the baseline re-learns). */
export const SHIFT_GRACE = 30

function gaussian(rand: () => number): number {
  const u = 1 - rand()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())
}

/** Plants 3 to 5 anomalies in `values` (in place) at seeded positions and magnitudes; returns the truth. */
function plant(values: number[], rand: () => number, noisy: boolean): Planted[] {
  const count = 3 + Math.floor(rand() * 3)
  const planted: Planted[] = []
  let at = FIRST + Math.floor(rand() * 40)
  for (let c = 0; c < count && at < values.length - GAP; c++) {
    const r = rand()
    const kind: Planted['kind'] = r < 0.45 ? 'spike' : r < 0.75 ? 'drop' : 'level_shift'
    if (kind === 'level_shift') {
      // x1.5-2 up or x0.4-0.6 down, to the end of the stream
      const f = rand() < 0.5 ? 1.5 + 0.5 * rand() : 0.4 + 0.2 * rand()
      for (let i = at; i < values.length; i++) values[i] = (values[i] as number) * f
      planted.push({ kind, start: at, end: Math.min(values.length, at + SHIFT_GRACE) })
    } else {
      const len = 1 + Math.floor(rand() * 3)
      // heavy-tailed streams get larger spikes: their normal points already reach several times the median
      const f = kind === 'spike' ? (noisy ? 5 + 5 * rand() : 1.6 + 1.4 * rand()) : 0.1 + 0.4 * rand()
      for (let i = at; i < at + len; i++) values[i] = (values[i] as number) * f
      planted.push({ kind, start: at, end: at + len })
    }
    at += GAP + Math.floor(rand() * 80)
  }
  return planted
}

/** The streams of one seed: 6 workload demand series, 2 event-amount streams, 2 latency streams. */
export function makeStreams(seed: number): Stream[] {
  const rand = mulberry32(seed * 7919 + 13)
  // one compressed day of 2-minute steps, without the trace's own flash spike (this generator plants its own)
  const trace = makeTrace({ seed, minutes: STREAM_STEPS * 2, step_seconds: 120 })
  const flash = trace.events.find((e) => e.kind === 'spike')
  const streams: Stream[] = []
  for (const w of trace.workloads) {
    const values = [...w.demand]
    if (flash && flash.kind === 'spike' && flash.workload === w.id)
      for (let s = flash.start_step; s < flash.end_step; s++) values[s] = (values[s] as number) / flash.factor
    streams.push({ name: `demand:${w.id}`, values, planted: plant(values, rand, false) })
  }
  for (let k = 0; k < 2; k++) {
    // event amounts: log-normal (sigma 0.4) around a seeded median, rounded to cents
    const mu = Math.log(20 + 200 * rand())
    const values = Array.from(
      { length: STREAM_STEPS },
      () => Math.round(100 * Math.exp(mu + 0.4 * gaussian(rand))) / 100,
    )
    streams.push({ name: `amount:${k}`, values, planted: plant(values, rand, true) })
  }
  for (let k = 0; k < 2; k++) {
    // commit latency: a slow drift times 10 % noise, in ms
    const base = 5 + 40 * rand()
    const values = Array.from(
      { length: STREAM_STEPS },
      (_, i) => base * (1 + 0.3 * Math.sin((2 * Math.PI * i) / STREAM_STEPS)) * (1 + 0.1 * gaussian(rand)),
    )
    streams.push({ name: `latency:${k}`, values, planted: plant(values, rand, false) })
  }
  return streams
}

export interface Score {
  clean_points: number
  false_positives: number
  planted: number
  detected: number
  /** sum of (first detection's `at` - planted start) over detected anomalies */
  delay_sum: number
  steps: number
  points: number
}

export const emptyScore = (): Score => ({
  clean_points: 0,
  false_positives: 0,
  planted: 0,
  detected: 0,
  delay_sum: 0,
  steps: 0,
  points: 0,
})

/**
 * Scores one detection against the planted truth. A flag on a point outside every planted stretch is a false
 * positive; a planted anomaly is detected when a flag's index falls in [start - 1, end) (a level shift's grace
 * stretch included); its delay is the first such flag's `at` minus start.
 */
export function scoreStream(s: Stream, opts: AnomalyOptions, into: Score = emptyScore()): Score {
  const d = detect(s.values, opts)
  const planted = new Uint8Array(s.values.length)
  for (const p of s.planted) for (let i = Math.max(0, p.start - 1); i < p.end; i++) planted[i] = 1
  const flagged = new Set(d.anomalies.map((a) => a.index))
  into.clean_points += planted.reduce((a, b) => a + (b === 0 ? 1 : 0), 0)
  for (const i of flagged) if (planted[i] === 0) into.false_positives++
  for (const p of s.planted) {
    into.planted++
    const hits = d.anomalies.filter((a) => a.index >= p.start - 1 && a.index < p.end)
    if (hits.length === 0) continue
    into.detected++
    into.delay_sum += Math.max(0, Math.min(...hits.map((a) => a.at)) - p.start)
  }
  into.steps += d.steps
  into.points += s.values.length
  return into
}

export function scoreSeeds(
  seeds: readonly number[],
  opts: AnomalyOptions,
  filter?: (s: Stream) => boolean,
): Score {
  const total = emptyScore()
  for (const seed of seeds)
    for (const s of makeStreams(seed)) if (!filter || filter(s)) scoreStream(s, opts, total)
  return total
}

export const rates = (s: Score) => ({
  fpr: s.false_positives / Math.max(1, s.clean_points),
  recall: s.detected / Math.max(1, s.planted),
  delay: s.delay_sum / Math.max(1, s.detected),
})

export const TRAINING_SEEDS = Array.from({ length: 20 }, (_, i) => i + 1)
export const HELD_OUT_SEEDS = Array.from({ length: 30 }, (_, i) => i + 101)
