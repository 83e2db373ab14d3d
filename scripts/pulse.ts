// `npm run pulse -- --beats 100 --k-flows 4 --p-nodes 5 --t1 0.001 --t-threshold 0.02 [--seed N]`:
// the holon pulse's own controller code over a simulated, seeded event stream, printed beat by beat.
// `--beats -1` runs until interrupted (Ctrl-C prints a summary, exit 0); a bad flag is one line and exit 2.
// `--mesh [--mesh-port N] [--peer <multiaddr>]... [--period-ms M]`: beats in real time as a light node of a mesh,
// publishing the holon's pulse and correcting its next beat towards its peers' (scripts/pulse-mesh.ts).
import { parseArgs } from 'node:util'
import { ZodError } from 'zod'
import { Kairos } from '../functions/kairos/index.ts'
import {
  checkConfig,
  type Dimension,
  initialMemory,
  PulseConfigError,
  runBeat,
} from '../functions/pulse/index.ts'
import { mulberry32 as rng } from '../functions/random/index.ts'
import type { Evaluation, Violation } from '../schemas/evaluation.ts'
import { PulseConfig } from '../schemas/pulse.ts'

const USAGE = `usage: npm run pulse -- [--beats N|-1] [--k-flows K] [--p-nodes P] [--t1 S] [--t-threshold S] [--seed N]
                       [--mesh [--mesh-port N] [--peer <multiaddr>]... [--period-ms M]]
  --beats        beats to simulate (default 100); -1 runs until Ctrl-C, which prints a summary
  --k-flows      parallel flows k, an integer >= 1 (default 4)
  --p-nodes      nodes P, an integer >= 1 (default 1); k P must exceed 1
  --t1           T1, seconds > 0 (default 0.001)
  --t-threshold  T_threshold, seconds > 0 (default 0.02)
  --seed         seed of the simulated event stream, an integer (default 1)
  --mesh         beat in real time as a light node of a mesh: publish the pulse, lock to the peers' beats
  --mesh-port    the node's TCP port on 127.0.0.1 (default 0: any free port)
  --peer         a mesh node to join (its multiaddr with /p2p/<peer id>), repeatable
  --period-ms    time between beats with --mesh, ms >= 100 (default 1000)`

/** A configuration mistake: one line on stderr and exit 2, never a stack trace. */
function refuse(message: string): never {
  console.error(`pulse: ${message.split('\n')[0]}`)
  process.exit(2)
}

type Kind = 'int' | 'positive' | 'beats'
/** A flag's value as a number, refused (never NaN) unless it is of the kind the flag takes. */
function numberFlag(name: string, raw: string, kind: Kind): number {
  const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw.trim()) ? Number(raw) : Number.NaN
  if (!Number.isFinite(n)) refuse(`--${name} must be a number, got "${raw}"`)
  if (kind === 'beats' && !(n === -1 || (Number.isInteger(n) && n >= 1)))
    refuse(`--${name} must be a whole number >= 1, or -1 to run until interrupted; got ${raw}`)
  if (kind === 'int' && !Number.isInteger(n)) refuse(`--${name} must be a whole number, got ${raw}`)
  if (kind === 'positive' && !(n > 0)) refuse(`--${name} must be > 0, got ${raw}`)
  return n
}

/** `--beats -1` as `--beats=-1`: parseArgs would take a value starting with a dash for a flag of its own. */
function joinNegatives(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    const next = argv[i + 1]
    if (a.startsWith('--') && !a.includes('=') && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${a}=${next}`)
      i++
    } else out.push(a)
  }
  return out
}

let values: Record<string, string | boolean | string[] | undefined>
try {
  values = parseArgs({
    // `--beats -1`: parseArgs would take "-1" for a flag, so a negative number is joined to its flag.
    args: joinNegatives(process.argv.slice(2)),
    strict: true,
    options: {
      beats: { type: 'string', default: '100' },
      'k-flows': { type: 'string', default: '4' },
      'p-nodes': { type: 'string', default: '1' },
      t1: { type: 'string', default: '0.001' },
      't-threshold': { type: 'string', default: '0.02' },
      seed: { type: 'string', default: '1' },
      mesh: { type: 'boolean' },
      'mesh-port': { type: 'string' },
      peer: { type: 'string', multiple: true },
      'period-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values
} catch (e) {
  refuse((e as Error).message)
}
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
const flag = (name: string, kind: Kind) => numberFlag(name, String(values[name]), kind)

for (const only of ['mesh-port', 'peer', 'period-ms'])
  if (values[only] !== undefined && !values.mesh) refuse(`--${only} needs --mesh`)
const mesh = values.mesh === true
const meshPort = values['mesh-port'] === undefined ? 0 : flag('mesh-port', 'int')
if (meshPort < 0 || meshPort > 65_535) refuse(`--mesh-port must be a port from 0 to 65535, got ${meshPort}`)
const periodMs = values['period-ms'] === undefined ? 1000 : flag('period-ms', 'int')
const beats = flag('beats', 'beats')
const forever = beats === -1
const peers = flag('p-nodes', 'int')
if (peers < 1) refuse(`--p-nodes must be >= 1, got ${peers}`)
const random = rng(flag('seed', 'int'))
let config: PulseConfig
try {
  config = PulseConfig.parse({
    k_flows: flag('k-flows', 'int'),
    t1: flag('t1', 'positive'),
    t_threshold: flag('t-threshold', 'positive'),
    p_nodes: peers,
    ...(mesh && { period_ms: periodMs }),
  })
} catch (e) {
  if (!(e instanceof ZodError)) throw e
  const issue = e.issues[0]
  refuse(`invalid configuration at ${issue?.path.join('.')}: ${issue?.message}`)
}
try {
  checkConfig(config)
} catch (e) {
  if (e instanceof PulseConfigError) refuse(`invalid configuration: ${e.message}`)
  throw e
}
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
  // The disruption recurs every `beats` beats (every 200 when running until interrupted).
  const cycle = forever ? 200 : beats
  const at = (beat - 1) % cycle
  const disrupted = at >= cycle * 0.4 && at < cycle * 0.55
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
const meshNode = mesh
  ? await (await import('./pulse-mesh.ts')).joinMesh(meshPort, (values.peer as string[] | undefined) ?? [])
  : undefined
if (meshNode)
  console.log(`mesh: light node listening on ${meshNode.addr}, a beat every ${config.period_ms} ms\n`)
const extra = meshNode ? ['r', 'corr ms', 'mesh peers'] : []
console.log(`| ${[...header, '|T_m|', '|T_e|', '|T_sync|', 'collapse', ...extra].join(' | ')} |`)
console.log(`|${' --- |'.repeat(header.length + 4 + extra.length)}`)
let stopped: string | undefined
let wake = () => {}
process.once('SIGINT', () => {
  stopped = 'SIGINT'
  wake()
})
/** Waits until the beat is due, or until Ctrl-C. */
const until = (at: number) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, Math.max(0, at - Date.now()))
    wake = () => {
      clearTimeout(t)
      resolve()
    }
  })
let due = Date.now()
let lastMesh: { r: number; peers: number } | undefined
const decisions = new Map<string, number>()
let done = 0
try {
  for (let beat = 1; forever || beat <= beats; beat++) {
    // Yields to the event loop between beats, so that Ctrl-C is heard.
    if (meshNode) await until(due)
    else if (forever) await new Promise((r) => setImmediate(r))
    if (stopped) break
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
      at: meshNode ? new Date().toISOString() : new Date(Date.UTC(2026, 0, 1, 0, 0, beat)).toISOString(),
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
    done = beat
    decisions.set(s.decision, (decisions.get(s.decision) ?? 0) + 1)
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
    if (meshNode) {
      const now = Date.now()
      const { next, reading } = meshNode.beat(config, due, now, k.sync, memory.model.w)
      due = next
      const r = reading?.r ?? 1
      lastMesh = { r, peers: reading?.peers.length ?? 0 }
      row.push(f(r, 4), Math.round(reading?.correction_ms ?? 0), lastMesh.peers)
    }
    console.log(`| ${row.join(' | ')} |`)
  }
} catch (e) {
  if (e instanceof PulseConfigError) {
    refuse(`invalid configuration: ${e.message}`)
  }
  throw e
}
await meshNode?.stop()
if (stopped) console.log(`\nstopped by ${stopped} after ${done} beats`)
if (lastMesh) console.log(`\nmesh: r = ${f(lastMesh.r)} at the last beat, with ${lastMesh.peers} peer pulses`)
console.log(`\nentropy model after ${done} beats: w = ${f(memory.model.w, 5)}, b = ${f(memory.model.b, 5)}`)
console.log(`decisions: ${[...decisions].map(([d, n]) => `${d} ${n}`).join(', ')}`)
process.exit(0)
