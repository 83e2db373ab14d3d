// `npm run pulse -- --beats 100 --k-flows 4 --p-nodes 5 --t1 0.001 --t-threshold 0.02 [--seed N]`:
// the holon pulse's own controller code over a simulated, seeded event stream, printed beat by beat.
import { parseArgs } from 'node:util'
import { Kairos } from '../functions/kairos/index.ts'
import { type Dimension, initialMemory, PulseConfigError, runBeat } from '../functions/pulse/index.ts'
import { mulberry32 as rng } from '../functions/random/index.ts'
import type { Evaluation, Violation } from '../schemas/evaluation.ts'
import { PulseConfig } from '../schemas/pulse.ts'

const { values } = parseArgs({
  options: {
    beats: { type: 'string', default: '100' },
    'k-flows': { type: 'string', default: '4' },
    'p-nodes': { type: 'string', default: '1' },
    t1: { type: 'string', default: '0.001' },
    't-threshold': { type: 'string', default: '0.02' },
    seed: { type: 'string', default: '1' },
  },
})

const beats = Number(values.beats)
const peers = Number(values['p-nodes'])
const random = rng(Number(values.seed))
const config = PulseConfig.parse({
  k_flows: Number(values['k-flows']),
  t1: Number(values.t1),
  t_threshold: Number(values['t-threshold']),
})
const dims: Dimension[] = [
  { invariant: 'Quality', threshold: 0.8, weight: 1 },
  { invariant: 'Traceability', threshold: 0.9, weight: 2 },
  { invariant: 'Reserve', threshold: 0.3, weight: 1 },
]

/**
 * The simulated holon: scores drift on a slow cycle with a little noise; from 40% to 55% of the run a
 * disruption drags Quality below its threshold and multiplies bad events (some refused, some overridden).
 */
function world(beat: number) {
  const phase = (2 * Math.PI * beat) / 40
  const disrupted = beat >= beats * 0.4 && beat < beats * 0.55
  const noise = () => (random() - 0.5) * 0.002
  const state = [
    (disrupted ? 0.65 : 0.9) + 0.05 * Math.sin(phase) + noise(),
    0.95 + 0.03 * Math.cos(phase) + noise(),
    0.5 + 0.1 * Math.sin(phase + 1) + noise(),
  ]
  const events = 3 + Math.floor(random() * 5)
  const badRate = disrupted ? 0.8 : 0.05
  let bad = 0
  for (let i = 0; i < events; i++) if (random() < badRate) bad++
  return { state, events, bad }
}

function evaluation(state: number[]): Evaluation {
  const violations: Violation[] = dims
    .map((d, i) => ({ d, s: state[i] as number }))
    .filter(({ d, s }) => s < d.threshold)
    .map(({ d, s }) => ({
      invariant: d.invariant,
      score: s,
      threshold: d.threshold,
      weight: d.weight,
      cost: d.weight * (d.threshold - s) ** 2,
    }))
  const torsion = violations.reduce((t, v) => t + v.cost, 0)
  return {
    dimensions: dims.map((d) => d.invariant),
    state_vector: state,
    torsion,
    violations,
    errors: [],
    admissible: torsion === 0,
  }
}

let memory = initialMemory(config)
const kairos = new Kairos(config.kairos)
let sample = 0
let previous: number[] | null = null
const f = (x: number, d = 4) => x.toFixed(d)
const header = [
  'beat',
  'T_Lambda',
  'error',
  'PID out',
  'R',
  'B',
  'E',
  'O',
  'anoms',
  'threat',
  'decision',
  'Q',
]
console.log(`| ${[...header, '|T_m|', '|T_e|', '|T_sync|', 'collapse'].join(' | ')} |`)
console.log(`|${' --- |'.repeat(header.length + 4)}`)
try {
  for (let beat = 1; beat <= beats; beat++) {
    const w = world(beat)
    // one KAIROS sample per simulated commit (the state on its way from the last beat's), then the beat's,
    // each on its own grid step
    const from = previous ?? w.state
    const step = config.kairos.tau_scale_ms
    for (let i = 1; i <= w.events; i++)
      kairos.sample(
        from.map((x, d) => x + (((w.state[d] as number) - x) * i) / (w.events + 1)),
        step * sample++,
      )
    kairos.sample(w.state, step * sample++)
    previous = w.state
    const quarantined = memory.quarantine.active
    const overrides = quarantined ? w.events - w.bad : Math.floor(w.bad / 2)
    const out = runBeat(config, memory, {
      beat,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, beat)).toISOString(),
      peers,
      evaluation: evaluation(w.state),
      dims,
      since: {
        violations: w.bad,
        rejections: w.bad - (quarantined ? 0 : overrides),
        overrides,
        events: w.events - (w.bad - (quarantined ? 0 : overrides)),
      },
      kairos: kairos.reading(),
      peer_alerts: [],
      peer_alert_id: null,
      peer_ml_weights: [],
    })
    memory = out.memory
    const s = out.snapshot
    const k = s.kairos
    const g = s.genome
    const row = [
      beat,
      f(s.t_lambda, 6),
      f(s.error, 6),
      f(s.pid.output),
      f(g.R, 3),
      f(g.B, 3),
      f(g.E, 3),
      f(g.O, 3),
    ]
    row.push(s.cores.entropy.anomalies, f(s.cores.entropy.threat), s.decision, s.quarantine.active ? 'Q' : '')
    row.push(f(k.master.abs, 3), f(k.emissary.abs, 3), f(k.sync.abs, 3), k.collapse ? 'yes' : '')
    console.log(`| ${row.join(' | ')} |`)
  }
} catch (e) {
  if (e instanceof PulseConfigError) {
    console.error(`invalid configuration: ${e.message}`)
    process.exit(2)
  }
  throw e
}
console.log(`\nentropy model after ${beats} beats: w = ${f(memory.model.w, 5)}, b = ${f(memory.model.b, 5)}`)
