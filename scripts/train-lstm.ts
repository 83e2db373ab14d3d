// Trains the learned forecaster with tfjs (CPU backend) on the TRAINING seeds and writes functions/lab/learned/lstm-weights.json.
//
// `npm run train -- lstm [--epochs N]`. Deterministic as far as tfjs allows: seeded initialisers, windows shuffled
// once by mulberry32, no shuffling inside fit, the pure-JS CPU backend. Training never runs in the worker: the
// worker runs functions/lab/learned/lstm.ts' hand-written forward pass over the stored weights.
import { writeFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { corpus, FAMILIES, TRAIN_SEEDS } from '../bench/lab-lstm-corpus.ts'
import {
  LSTM_INPUTS,
  type LstmWeights,
  lstmInput,
  lstmScale,
  lstmTarget,
  parameterCount,
} from '../functions/lab/learned/lstm.ts'
import { mulberry32 } from '../functions/random/index.ts'

export const HIDDEN = 16
export const CONTEXT = 24
/** Teacher-forced steps after the origin in each training window (the window is CONTEXT + FUTURE steps). */
export const FUTURE = 12
/** Windows drawn per series family (a seeded sample of every possible origin), so that no family dominates. */
const WINDOWS_PER_FAMILY = 3000
const SEED = 14
const BATCH = 128
const LEARNING_RATE = 0.01
const EPOCHS = 5
export const WEIGHTS_PATH = new URL('../functions/lab/learned/lstm-weights.json', import.meta.url)

/** The network: an LSTM with sigmoid gates and a dense output at every step (what lstm.ts computes by hand). */
export function buildLstmModel(hidden = HIDDEN, seed = SEED): tf.LayersModel {
  const model = tf.sequential()
  model.add(
    tf.layers.lstm({
      units: hidden,
      inputShape: [null, LSTM_INPUTS],
      returnSequences: true,
      activation: 'tanh',
      recurrentActivation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
      unitForgetBias: true,
    }),
  )
  model.add(
    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
  )
  return model
}

/** Loads stored weights into a fresh model of the same shape. */
export function modelFromWeights(w: LstmWeights): tf.LayersModel {
  const model = buildLstmModel(w.hidden)
  const [lstm, dense] = model.layers as [tf.layers.Layer, tf.layers.Layer]
  lstm.setWeights([tf.tensor2d(w.kernel), tf.tensor2d(w.recurrent), tf.tensor1d(w.bias)])
  dense.setWeights([tf.tensor2d(w.dense.map((v) => [v])), tf.tensor1d([w.denseBias])])
  return model
}

/** Training windows: inputs [window][step][feature] and targets [window][step][1], in a seeded random order. */
export function trainingWindows(seeds: readonly number[]): { xs: number[][][]; ys: number[][][] } {
  const r = mulberry32(SEED)
  const shuffle = <T>(a: T[]): T[] => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1))
      ;[a[i], a[j]] = [a[j] as T, a[i] as T]
    }
    return a
  }
  const chosen: { y: number[]; m: number; o: number }[] = []
  for (const family of FAMILIES) {
    const all: { y: number[]; m: number; o: number }[] = []
    for (const { y, period: m } of corpus(seeds, [family]))
      for (let o = CONTEXT + 2 * m; o + FUTURE + 1 <= y.length; o++) all.push({ y, m, o })
    chosen.push(...shuffle(all).slice(0, WINDOWS_PER_FAMILY))
  }
  shuffle(chosen)
  const xs: number[][][] = []
  const ys: number[][][] = []
  for (const { y, m, o } of chosen) {
    const at = (t: number) => y[t] as number
    const s = lstmScale(y, o, m, CONTEXT)
    const x: number[][] = []
    const target: number[][] = []
    for (let t = o - CONTEXT; t < o + FUTURE; t++) {
      x.push(lstmInput(at, t, m, s))
      target.push([lstmTarget(y, t, m, s)])
    }
    xs.push(x)
    ys.push(target)
  }
  return { xs, ys }
}

export async function trainLstm(epochs: number): Promise<LstmWeights> {
  await tf.setBackend('cpu')
  const t0 = process.cpuUsage()
  const { xs, ys } = trainingWindows(TRAIN_SEEDS)
  const model = buildLstmModel()
  model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'meanAbsoluteError' })
  const x = tf.tensor3d(xs)
  const y = tf.tensor3d(ys)
  const losses: number[] = []
  await model.fit(x, y, {
    epochs,
    batchSize: BATCH,
    shuffle: false,
    verbose: 0,
    callbacks: {
      onEpochEnd: (epoch, logs) => {
        const loss = Number(logs?.loss ?? Number.NaN)
        losses.push(Number(loss.toFixed(5)))
        console.log(`epoch ${epoch + 1}/${epochs}: loss ${loss}`)
      },
    },
  })
  const d = process.cpuUsage(t0)
  const [lstm, dense] = model.layers as [tf.layers.Layer, tf.layers.Layer]
  const [kernel, recurrent, bias] = lstm.getWeights().map((t) => t.arraySync())
  const [dk, db] = dense.getWeights().map((t) => t.arraySync()) as [number[][], number[]]
  const weights: LstmWeights = {
    format: 'omega-lstm-1',
    inputs: LSTM_INPUTS,
    hidden: HIDDEN,
    context: CONTEXT,
    kernel: kernel as number[][],
    recurrent: recurrent as number[][],
    bias: bias as number[],
    dense: dk.map((row) => row[0] as number),
    denseBias: db[0] as number,
    training: {
      script: 'scripts/train-lstm.ts',
      library: `@tensorflow/tfjs ${tf.version.tfjs} (cpu backend)`,
      seeds: `${TRAIN_SEEDS[0]}..${TRAIN_SEEDS.at(-1)}`,
      windows: xs.length,
      windows_per_family: WINDOWS_PER_FAMILY,
      window_steps: CONTEXT + FUTURE,
      epochs,
      batch: BATCH,
      learning_rate: LEARNING_RATE,
      loss: 'mean absolute error of the scaled correction',
      losses,
      cpu_ms: Math.round((d.user + d.system) / 1000),
    },
  }
  x.dispose()
  y.dispose()
  return weights
}

export async function main(args: string[]): Promise<void> {
  const i = args.indexOf('--epochs')
  const epochs = i >= 0 ? Number(args[i + 1]) : EPOCHS
  const w = await trainLstm(epochs)
  writeFileSync(WEIGHTS_PATH, `${JSON.stringify(w, null, 1)}\n`)
  console.log(
    `wrote ${WEIGHTS_PATH.pathname}: ${parameterCount(w)} parameters, ${w.training.windows} windows, ${w.training.cpu_ms} CPU ms`,
  )
}
