// A learned forecaster tried against Holt-Winters in the same backtest (bench only: it did not earn a place).
//
// A one-hidden-layer MLP (16 tanh units) on the last 24 seasonal differences z_t = y_t - y_{t-m}, trained by
// full-batch Adam (fixed 300 epochs, seeded initial weights: deterministic) on the training window, forecasting
// recursively. Not an LSTM: docs/forecast.md says why none was built.
import { StepBudget } from '../functions/budget/index.ts'
import {
  backtest,
  differenced,
  type Fitted,
  forecast,
  naiveScales,
  rollingOrigins,
  trainingMinimum,
} from '../functions/forecast/index.ts'
import { mulberry32 } from '../functions/random/index.ts'

const LAGS = 24
const HIDDEN = 16
const EPOCHS = 300

function trainMlp(z: readonly number[], seed: number) {
  const r = mulberry32(seed)
  const scale = Math.sqrt(z.reduce((s, v) => s + v * v, 0) / z.length) || 1
  const x = z.map((v) => v / scale)
  const w1 = Array.from({ length: HIDDEN * LAGS }, () => (r() - 0.5) * (2 / Math.sqrt(LAGS)))
  const b1 = new Array<number>(HIDDEN).fill(0)
  const w2 = Array.from({ length: HIDDEN }, () => (r() - 0.5) * (2 / Math.sqrt(HIDDEN)))
  let b2 = 0
  const params = [w1, b1, w2]
  const m = params.map((p) => p.map(() => 0))
  const v = params.map((p) => p.map(() => 0))
  let mb = 0
  let vb = 0
  const lr = 0.01
  const h = new Array<number>(HIDDEN).fill(0)
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const g = params.map((p) => p.map(() => 0))
    let gb = 0
    const rows = x.length - LAGS
    for (let t = LAGS; t < x.length; t++) {
      let out = b2
      for (let k = 0; k < HIDDEN; k++) {
        let a = b1[k] as number
        for (let i = 0; i < LAGS; i++) a += (w1[k * LAGS + i] as number) * (x[t - 1 - i] as number)
        h[k] = Math.tanh(a)
        out += (w2[k] as number) * (h[k] as number)
      }
      const d = (2 * (out - (x[t] as number))) / rows
      gb += d
      for (let k = 0; k < HIDDEN; k++) {
        ;(g[2] as number[])[k] = ((g[2] as number[])[k] as number) + d * (h[k] as number)
        const dh = d * (w2[k] as number) * (1 - (h[k] as number) ** 2)
        ;(g[1] as number[])[k] = ((g[1] as number[])[k] as number) + dh
        for (let i = 0; i < LAGS; i++)
          (g[0] as number[])[k * LAGS + i] =
            ((g[0] as number[])[k * LAGS + i] as number) + dh * (x[t - 1 - i] as number)
      }
    }
    const c1 = 1 - 0.9 ** epoch
    const c2 = 1 - 0.999 ** epoch
    params.forEach((p, j) => {
      for (let i = 0; i < p.length; i++) {
        const gi = (g[j] as number[])[i] as number
        const mj = m[j] as number[]
        const vj = v[j] as number[]
        mj[i] = 0.9 * (mj[i] as number) + 0.1 * gi
        vj[i] = 0.999 * (vj[i] as number) + 0.001 * gi * gi
        p[i] = (p[i] as number) - (lr * ((mj[i] as number) / c1)) / (Math.sqrt((vj[i] as number) / c2) + 1e-8)
      }
    })
    mb = 0.9 * mb + 0.1 * gb
    vb = 0.999 * vb + 0.001 * gb * gb
    b2 -= (lr * (mb / c1)) / (Math.sqrt(vb / c2) + 1e-8)
  }
  return (lags: readonly number[]) => {
    let out = b2
    for (let k = 0; k < HIDDEN; k++) {
      let a = b1[k] as number
      for (let i = 0; i < LAGS; i++)
        a += (w1[k * LAGS + i] as number) * ((lags[lags.length - 1 - i] as number) / scale)
      out += (w2[k] as number) * Math.tanh(a)
    }
    return out * scale
  }
}

function fitMlp(train: readonly number[], m: number): Fitted {
  const net = trainMlp(differenced(train, train.length, m), 7)
  return {
    model: 'ar', // reported under its own name by the bench
    params: {},
    forecastFrom: (y, origin, h) => {
      const z = differenced(y, origin, m)
      const ext = y.slice(0, origin)
      const out: number[] = []
      for (let j = 0; j < h; j++) {
        const d = net(z)
        z.push(d)
        const v = d + (ext[ext.length - m] as number)
        ext.push(v)
        out.push(v)
      }
      return out
    },
  }
}

/** Backtest MASE of the MLP and of Holt-Winters on the same origins. */
export function mlpVersusHoltWinters(y: readonly number[], m: number, h: number) {
  const hw = forecast(y, { horizon: h, period: m, models: ['holt_winters', 'ar'] })
  const earliest = Math.max(trainingMinimum('holt_winters', m), trainingMinimum('ar', m), m + LAGS + 10)
  const origins = rollingOrigins(y.length, h, m, 20, earliest)
  const scales = naiveScales(y, m, origins)
  const budget = new StepBudget('bench', 1e15, 1e9)
  const t0 = process.cpuUsage()
  const run = backtest(y, fitMlp(y.slice(0, origins[0]), m), origins, scales, h, budget)
  const d = process.cpuUsage(t0)
  return {
    mlp: run.mase as number,
    holtWinters: hw.backtest.find((b) => b.model === 'holt_winters')?.mase as number,
    trainMs: (d.user + d.system) / 1000,
  }
}
