// The learned forecaster's inference in the worker: a hand-written LSTM forward pass over scaled seasonal windows (no tfjs).
//
// One GLOBAL model (trained offline by scripts/train-lstm.ts with tfjs, weights in lstm-weights.json) applies to any
// series because it only sees scaled values. For a forecast from origin o with season m the scale is
// s = mean(y[o - W .. o)), W = max(m, context), and the input at step t (which predicts y_{t+1}) is
//   x_t = [y_t, y_{t-m}, y_{t-2m}, y_{t+1-m}, y_{t+1-2m}] / s - 1
// The network outputs r_t, and y_hat_{t+1} = (y_{t+1-m} + y_{t+1-2m}) / 2 + s r_t: a learned correction of the
// two-season average, so an untrained network is already a sensible forecaster. From a zero state the cell runs
// over the last `context` steps before the origin (teacher-forced on the actuals), then recursively: each forecast
// becomes the next input. Keras' LSTM cell with sigmoid gates (order i, f, c, o) and a per-step dense output.

/** Inputs per time step (the feature vector above). */
export const LSTM_INPUTS = 5

/** Stored weights, in the shapes tfjs' LSTM and Dense layers hold them. */
export interface LstmWeights {
  format: 'omega-lstm-1'
  inputs: number
  hidden: number
  /** Steps the cell runs over the actuals before the origin. */
  context: number
  /** [inputs][4 hidden]: gates i, f, c, o. */
  kernel: number[][]
  /** [hidden][4 hidden]. */
  recurrent: number[][]
  /** [4 hidden]. */
  bias: number[]
  /** [hidden]: the dense output's weights. */
  dense: number[]
  denseBias: number
  /** How the weights were made (script, seeds, epochs, losses): provenance only. */
  training: Record<string, unknown>
}

/** Number of trainable parameters. */
export const parameterCount = (w: LstmWeights): number =>
  4 * w.hidden * (w.inputs + w.hidden + 1) + w.hidden + 1

/** Multiply-adds of one cell step plus its output (the budget's unit of work, see forecaster.ts). */
export const cellWork = (w: LstmWeights): number => 4 * w.hidden * (w.inputs + w.hidden) + 5 * w.hidden

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))

/** The weights flattened once per weights object (row-major [inputs + hidden][4 hidden]): the hot loop reads these. */
interface Flat {
  w: Float64Array
  b: Float64Array
  d: Float64Array
}
const flattened = new WeakMap<LstmWeights, Flat>()
function flat(w: LstmWeights): Flat {
  let f = flattened.get(w)
  if (!f) {
    f = {
      w: Float64Array.from([...w.kernel, ...w.recurrent].flat()),
      b: Float64Array.from(w.bias),
      d: Float64Array.from(w.dense),
    }
    flattened.set(w, f)
  }
  return f
}

/** A running cell: feed one input vector, get the output r_t; the state stays inside. */
export function lstmCell(w: LstmWeights): (x: ArrayLike<number>) => number {
  const H = w.hidden
  const G = 4 * H
  const I = w.inputs
  const { w: W, b, d } = flat(w)
  const h = new Float64Array(H)
  const c = new Float64Array(H)
  const z = new Float64Array(G)
  return (x) => {
    z.set(b)
    for (let i = 0; i < I + H; i++) {
      const v = i < I ? (x[i] as number) : (h[i - I] as number)
      const row = i * G
      for (let k = 0; k < G; k++) z[k] = (z[k] as number) + v * (W[row + k] as number)
    }
    let out = w.denseBias
    for (let j = 0; j < H; j++) {
      const ig = sigmoid(z[j] as number)
      const fg = sigmoid(z[H + j] as number)
      const cand = Math.tanh(z[2 * H + j] as number)
      const og = sigmoid(z[3 * H + j] as number)
      const cj = fg * (c[j] as number) + ig * cand
      c[j] = cj
      const hj = og * Math.tanh(cj)
      h[j] = hj
      out += hj * (d[j] as number)
    }
    return out
  }
}

/** The network's outputs over one input sequence from a zero state (what tfjs' model.predict returns for it). */
export function lstmSequence(w: LstmWeights, xs: readonly (readonly number[])[]): number[] {
  const cell = lstmCell(w)
  return xs.map(cell)
}

/** The scale s of a forecast from `origin`: the mean of the last max(m, context) points (1 if that is 0). */
export function lstmScale(y: readonly number[], origin: number, m: number, context: number): number {
  const from = Math.max(0, origin - Math.max(m, context))
  let sum = 0
  for (let t = from; t < origin; t++) sum += y[t] as number
  const s = sum / (origin - from)
  return s > 0 ? s : 1
}

/** The input x_t, reading values through `at` (actuals before the origin, forecasts after). */
export function lstmInput(at: (t: number) => number, t: number, m: number, s: number): number[] {
  return [at(t), at(t - m), at(t - 2 * m), at(t + 1 - m), at(t + 1 - 2 * m)].map((v) => v / s - 1)
}

/** The base the output corrects: the mean of the same step one and two seasons back. */
export const lstmBase = (at: (t: number) => number, t: number, m: number): number =>
  (at(t - m) + at(t - 2 * m)) / 2

/** The training target at step t: (y_{t+1} - base_{t+1}) / s. */
export const lstmTarget = (y: readonly number[], t: number, m: number, s: number): number =>
  ((y[t + 1] as number) - lstmBase((u) => y[u] as number, t + 1, m)) / s

/** Fewest points before an origin: the context and two seasons behind its first step. */
export const lstmMinLength = (w: LstmWeights, m: number): number => w.context + 2 * m

/** Forecasts y[origin..origin+h) from y[0..origin); `spend` is told the work of every cell step. */
export function lstmForecast(
  w: LstmWeights,
  y: readonly number[],
  origin: number,
  m: number,
  h: number,
  spend: (work: number) => void = () => {},
): number[] {
  const s = lstmScale(y, origin, m, w.context)
  const out: number[] = []
  const at = (t: number) => (t < origin ? (y[t] as number) : (out[t - origin] as number))
  const cell = lstmCell(w)
  const work = cellWork(w)
  // lstmInput without its allocations (the hot path of every backtest origin)
  const x = new Float64Array(LSTM_INPUTS)
  const input = (t: number) => {
    x[0] = at(t) / s - 1
    x[1] = at(t - m) / s - 1
    x[2] = at(t - 2 * m) / s - 1
    x[3] = at(t + 1 - m) / s - 1
    x[4] = at(t + 1 - 2 * m) / s - 1
    return x
  }
  let r = 0
  for (let t = origin - w.context; t < origin; t++) {
    spend(work)
    r = cell(input(t))
  }
  for (let j = 0; j < h; j++) {
    // the last cell output predicts y_{origin+j}; demand is never negative, so neither is what feeds back
    out.push(Math.max(0, lstmBase(at, origin + j, m) + s * r))
    if (j + 1 < h) {
      spend(work)
      r = cell(input(origin + j))
    }
  }
  return out
}
