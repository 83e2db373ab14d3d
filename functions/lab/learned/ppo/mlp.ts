// A small multilayer perceptron (tanh hidden layers, linear output) over one flat parameter vector: forward
// pass, a forward pass that keeps its activations, and the backward pass that accumulates the gradient.
import { mulberry32 } from '../../../random/index.ts'

export interface Mlp {
  /** layer widths, input first: [in, hidden..., out] */
  sizes: number[]
  /** per layer, W (out x in, row-major) then b (out) */
  params: Float64Array
}

export function paramCount(sizes: readonly number[]): number {
  let n = 0
  for (let l = 0; l + 1 < sizes.length; l++) n += (sizes[l + 1] as number) * ((sizes[l] as number) + 1)
  return n
}

/**
 * Seeded initialisation: weights uniform in ±sqrt(3 / fan_in) times `gain` (variance gain² / fan_in), biases 0;
 * the last layer is scaled by `outGain`, so a fresh policy starts near uniform and a fresh critic near 0.
 */
export function initMlp(sizes: readonly number[], seed: number, outGain = 1): Mlp {
  const rand = mulberry32(seed)
  const params = new Float64Array(paramCount(sizes))
  let o = 0
  const layers = sizes.length - 1
  for (let l = 0; l < layers; l++) {
    const fanIn = sizes[l] as number
    const fanOut = sizes[l + 1] as number
    const scale = Math.sqrt(3 / fanIn) * (l === layers - 1 ? outGain : 1)
    for (let i = 0; i < fanIn * fanOut; i++) params[o++] = (2 * rand() - 1) * scale
    o += fanOut
  }
  return { sizes: [...sizes], params }
}

/** Activations of every layer (input first, output last), as backward needs them. */
export type Trace = Float64Array[]

export function forwardTrace(net: Mlp, x: ArrayLike<number>): Trace {
  const acts: Float64Array[] = [Float64Array.from(x)]
  const { sizes, params } = net
  let o = 0
  const layers = sizes.length - 1
  for (let l = 0; l < layers; l++) {
    const nIn = sizes[l] as number
    const nOut = sizes[l + 1] as number
    const input = acts[l] as Float64Array
    const out = new Float64Array(nOut)
    const bias = o + nOut * nIn
    for (let j = 0; j < nOut; j++) {
      let s = params[bias + j] as number
      const row = o + j * nIn
      for (let i = 0; i < nIn; i++) s += (params[row + i] as number) * (input[i] as number)
      out[j] = l === layers - 1 ? s : Math.tanh(s)
    }
    acts.push(out)
    o = bias + nOut
  }
  return acts
}

export function forward(net: Mlp, x: ArrayLike<number>): Float64Array {
  const t = forwardTrace(net, x)
  return t[t.length - 1] as Float64Array
}

/** Adds d(output . dOut)/d(params) for the traced input to `grad` (same layout as params). */
export function backward(net: Mlp, trace: Trace, dOut: ArrayLike<number>, grad: Float64Array): void {
  const { sizes, params } = net
  const layers = sizes.length - 1
  const offsets: number[] = []
  let o = 0
  for (let l = 0; l < layers; l++) {
    offsets.push(o)
    o += (sizes[l + 1] as number) * ((sizes[l] as number) + 1)
  }
  let delta = Float64Array.from(dOut)
  for (let l = layers - 1; l >= 0; l--) {
    const nIn = sizes[l] as number
    const nOut = sizes[l + 1] as number
    const input = trace[l] as Float64Array
    const w = offsets[l] as number
    const bias = w + nOut * nIn
    const dIn = new Float64Array(nIn)
    for (let j = 0; j < nOut; j++) {
      const d = delta[j] as number
      if (d === 0) continue
      grad[bias + j] = (grad[bias + j] as number) + d
      const row = w + j * nIn
      for (let i = 0; i < nIn; i++) {
        grad[row + i] = (grad[row + i] as number) + d * (input[i] as number)
        dIn[i] = (dIn[i] as number) + d * (params[row + i] as number)
      }
    }
    if (l > 0) for (let i = 0; i < nIn; i++) dIn[i] = (dIn[i] as number) * (1 - (input[i] as number) ** 2)
    delta = dIn
  }
}
