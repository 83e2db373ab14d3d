// The worker's hand-written LSTM forward pass equals tfjs' own model.predict (Node: tfjs never runs in the worker).
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { corpus, HELD_OUT_SEEDS, TRAIN_SEEDS } from '../../bench/lab-lstm-corpus.ts'
import {
  LSTM_INPUTS,
  LSTM_WEIGHTS,
  type LstmWeights,
  lstmInput,
  lstmScale,
  lstmSequence,
} from '../../functions/lab/learned/index.ts'
import { mulberry32 } from '../../functions/random/index.ts'
import {
  buildLstmModel,
  CONTEXT,
  FUTURE,
  modelFromWeights,
  trainingWindows,
} from '../../scripts/train-lstm.ts'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** tfjs' predictions for a batch of sequences, one output per step. */
function predict(model: tf.LayersModel, xs: number[][][]): number[][] {
  const out = model.predict(tf.tensor3d(xs)) as tf.Tensor
  return (out.arraySync() as number[][][]).map((seq) => seq.map((v) => v[0] as number))
}

/** Seeded input sequences, values spread like scaled demand (and beyond it). */
function randomSequences(seed: number, count: number, steps: number, spread: number): number[][][] {
  const r = mulberry32(seed)
  return Array.from({ length: count }, () =>
    Array.from({ length: steps }, () => Array.from({ length: LSTM_INPUTS }, () => spread * (2 * r() - 1))),
  )
}

function expectClose(xs: number[][][], w: LstmWeights, model: tf.LayersModel): number {
  const theirs = predict(model, xs)
  let worst = 0
  xs.forEach((seq, i) => {
    const ours = lstmSequence(w, seq)
    ours.forEach((v, t) => {
      worst = Math.max(worst, Math.abs(v - (theirs[i]?.[t] as number)))
    })
  })
  expect(worst).toBeLessThan(1e-5)
  return worst
}

describe('the LSTM forward pass', () => {
  it('equals model.predict with the stored weights, on random sequences', () => {
    expectClose(randomSequences(1, 8, 60, 1.5), LSTM_WEIGHTS, modelFromWeights(LSTM_WEIGHTS))
  })

  it('equals model.predict with the stored weights, on the inputs of held-out series', () => {
    const xs = corpus([HELD_OUT_SEEDS[0] as number]).map(({ y, period: m }) => {
      const o = y.length - 12
      const s = lstmScale(y, o, m, LSTM_WEIGHTS.context)
      return Array.from({ length: LSTM_WEIGHTS.context }, (_, k) =>
        lstmInput((t) => y[t] as number, o - LSTM_WEIGHTS.context + k, m, s),
      )
    })
    expect(xs.length).toBeGreaterThan(3)
    expectClose(xs, LSTM_WEIGHTS, modelFromWeights(LSTM_WEIGHTS))
  })

  it('equals model.predict for freshly initialised networks of other sizes (gate order, layout)', () => {
    for (const [hidden, seed] of [
      [3, 7],
      [8, 8],
    ] as const) {
      const model = buildLstmModel(hidden, seed)
      // move the biases off their initial values so that a misplaced bias would show
      const [lstm, dense] = model.layers as [tf.layers.Layer, tf.layers.Layer]
      const [k, rk] = lstm.getWeights()
      const r = mulberry32(seed)
      lstm.setWeights([
        k as tf.Tensor,
        rk as tf.Tensor,
        tf.tensor1d(Array.from({ length: 4 * hidden }, () => r() - 0.5)),
      ])
      dense.setWeights([
        tf.tensor2d(Array.from({ length: hidden }, () => [2 * r() - 1])),
        tf.tensor1d([r() - 0.5]),
      ])
      const [kernel, recurrent, bias] = lstm.getWeights().map((t) => t.arraySync())
      const [dk, db] = dense.getWeights().map((t) => t.arraySync()) as [number[][], number[]]
      const w: LstmWeights = {
        format: 'omega-lstm-1',
        inputs: LSTM_INPUTS,
        hidden,
        context: 4,
        kernel: kernel as number[][],
        recurrent: recurrent as number[][],
        bias: bias as number[],
        dense: dk.map((row) => row[0] as number),
        denseBias: db[0] as number,
        training: {},
      }
      expectClose(randomSequences(seed, 4, 30, 2), w, model)
    }
  })
})

describe('the training corpus', () => {
  it('never uses a held-out seed, and its windows are the same on every run (seeded)', () => {
    expect(TRAIN_SEEDS.filter((s) => HELD_OUT_SEEDS.includes(s))).toEqual([])
    const a = trainingWindows(TRAIN_SEEDS.slice(0, 2))
    const b = trainingWindows(TRAIN_SEEDS.slice(0, 2))
    expect(a).toEqual(b)
    expect(a.xs.length).toBeGreaterThan(100)
    for (const x of a.xs.slice(0, 20)) expect(x).toHaveLength(CONTEXT + FUTURE)
  })
})
