// Pulse documents: controller configuration, beat snapshots, KAIROS coherence readings, temporal queries.
import { z } from '@hono/zod-openapi'

const positive = z.number().positive()

/**
 * The patch form of a config object: every member optional and without its default, so a PUT that names
 * one member leaves the others as they were (a `.partial()` of a defaulted member fills the default in).
 */
function patchOf<S extends z.ZodRawShape>(shape: S) {
  const members = Object.entries(shape).map(([k, member]) => {
    const v = member as z.ZodType
    const inner = v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : v
    const optional = inner.optional()
    return [k, v.description ? optional.describe(v.description) : optional]
  })
  return z.strictObject(
    Object.fromEntries(members) as {
      [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer I> ? I : S[K]>
    },
  )
}

export const KairosConfig = z
  .strictObject({
    tau: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(2)
      .describe('lag between the two derivatives, in grid steps'),
    omega: z
      .number()
      .min(-10_000)
      .max(10_000)
      .default(2)
      .describe(
        'spectral frequency in rad/s: the term of grid step k turns by omega t_k, t_k = k tau_scale in seconds ' +
          '(the seed reference 2.0); keep abs(omega) tau_scale at or below pi (s) to avoid aliasing',
      ),
    tau_scale_ms: z
      .number()
      .int()
      .min(1)
      .max(86_400_000)
      .default(1000)
      .describe(
        'the clock: phi is the latest state at each grid step of this length (the seed tau_scale 1.0 s); ' +
          'tau and both windows count these steps',
      ),
    master_window: z
      .number()
      .int()
      .min(2)
      .max(1024)
      .default(64)
      .describe('slow Master window, in grid steps'),
    emissary_window: z
      .number()
      .int()
      .min(2)
      .max(1024)
      .default(8)
      .describe('fast Emissary window, in grid steps'),
    coherence_threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.95)
      .describe('I_c: collapse when abs(T_sync)^2 >= I_c (stored configurations may still call it i_c)'),
    phase_threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .describe('delta: the holon is incoherent when delta_phase > delta and it has not collapsed'),
    gate: z
      .enum(['off', 'dissipate'])
      .default('off')
      .describe(
        "'dissipate': while the pulse runs and the holon is incoherent, every commit needs an override " +
          '(as under quarantine); off: incoherence is only reported (suggestion: realign)',
      ),
  })
  .openapi('KairosConfig')

const on = z.boolean().default(true)
export const Cores = z
  .strictObject({
    R: on.describe('Regen'),
    B: on.describe('Balance'),
    E: on.describe('Entropy'),
    O: on.describe('Optimize'),
  })
  .describe('active cores: an inactive one outputs nothing and its genome weight is held at 0')
  .openapi('Cores')
export const WITNESS_LAYERS = ['micro', 'meso', 'macro', 'meta'] as const

export const WitnessingConfig = z
  .strictObject({
    layers: z
      .array(z.enum(WITNESS_LAYERS))
      .max(16)
      .default([...WITNESS_LAYERS])
      .describe(
        'micro: witness.micro per commit call; meso: witness.state (transducer states) per beat; ' +
          'macro: witness.collapse per collapse change; meta: witness.meta, a digest of the witness entries',
      ),
    micro_interval_ms: z
      .number()
      .int()
      .min(0)
      .max(86_400_000)
      .default(0)
      .describe('least time between witness.micro entries (0: every commit call while the pulse runs)'),
    meso_interval_ms: z
      .number()
      .int()
      .min(0)
      .max(86_400_000)
      .default(0)
      .describe('least time between witness.state entries (0: every beat)'),
    meta_interval_ms: z
      .number()
      .int()
      .min(0)
      .max(86_400_000)
      .default(60_000)
      .describe(
        'least time between witness.meta entries (0: at every beat or commit with new witness entries)',
      ),
  })
  .openapi('WitnessingConfig')

export const MeshConfig = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        "couple the holon's beats to its peers' pulses (false: beat on the holon's own schedule only)",
      ),
    coupling: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe(
        'Kuramoto K: the next beat moves by K x period/2pi x 2 sin(Phi/2), Phi the direction of sum w_P e^(i offset_P)',
      ),
    kappa: z.number().positive().max(100).default(1).describe('curvature of the exp(-kappa d) peer weights'),
    max_correction: z
      .number()
      .min(0)
      .max(0.5)
      .default(0.25)
      .describe('largest move of one beat, as a fraction of the period'),
    timeout_ms: z
      .number()
      .int()
      .min(0)
      .max(86_400_000)
      .default(10_000)
      .describe('a peer pulse counts while its next scheduled beat is at most this overdue'),
    coords: z
      .array(z.number().gt(-1).lt(1))
      .min(2)
      .max(512)
      .optional()
      .describe("the holon's position in the Poincare ball: published, and weights peers by exp(-kappa d)"),
  })
  .openapi('MeshConfig')

export const PulseConfig = z
  .strictObject({
    period_ms: z.number().int().min(100).max(86_400_000).default(60_000).describe('time between beats'),
    k_flows: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe('k of T_Lambda when set; unset (the default): the number of active cores'),
    t1: positive.default(0.001),
    u: z
      .number()
      .gt(1)
      .default(Math.exp(4))
      .describe('the load factor U of T_Lambda with u_source "fixed" (the seed: e^4, ln U = 4)'),
    t_threshold: positive.default(0.02),
    ml_weight: z.number().min(0).max(10).default(0.12).describe('initial weight of the entropy model'),
    bias: z.number().min(-20).max(20).default(-3).describe('initial bias of the entropy model'),
    learning_rate: z.number().min(0).max(1).default(0.01),
    near_margin: z
      .number()
      .min(0)
      .max(1)
      .default(0.05)
      .describe('a score this close above its threshold is an anomaly'),
    recovery_beats: z.number().int().min(1).max(10_000).default(3),
    balance_window: z.number().int().min(2).max(256).default(8),
    kairos: KairosConfig.default(KairosConfig.parse({})),
    p_nodes: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .describe(
        'P of T_Lambda when set; unset: 1 + the live peers the federation node reports, or 5 (the seed) when no node has reported in the last minute',
      ),
    cores: Cores.default(Cores.parse({})),
    u_source: z
      .enum(['fixed', 'load'])
      .default('fixed')
      .describe(
        '"fixed": U = u; "load": U = 1 + u_scale x (events + refusals per second since the previous beat)',
      ),
    u_scale: positive
      .max(1e12)
      .default(178_482_299) // e^19 - 1, rounded: a literal, so every runtime publishes the same default
      .describe(
        'with u_source "load": U = 1 + u_scale x load; the default (e^19 - 1) puts T_Lambda at t_threshold for a load of 1 per second at the seed reference (k 4, P 5, T1 0.001, T_threshold 0.02)',
      ),
    share_model: z
      .boolean()
      .default(false)
      .describe('move the entropy model weight w towards the mean of w and the peers’ published w each beat'),
    share_bound: z
      .number()
      .min(0)
      .max(10)
      .default(0.1)
      .describe('sharing moves w by at most share_bound x max(w, 0.12) per beat; w stays in [0, 10]'),
    witnessing: WitnessingConfig.default(WitnessingConfig.parse({})),
    mesh: MeshConfig.default(MeshConfig.parse({})),
  })
  .openapi('PulseConfig')

/**
 * A stored configuration as the current schema reads it: `kairos.i_c` (the name before
 * `coherence_threshold`) is renamed; members added since are defaulted.
 */
export function readPulseConfig(stored: unknown): PulseConfig {
  const c = { ...(stored as Record<string, unknown>) }
  const k = c.kairos as Record<string, unknown> | undefined
  if (k && 'i_c' in k) {
    const { i_c, ...rest } = k
    c.kairos = { coherence_threshold: i_c, ...rest }
  }
  // a row this schema cannot read is used as stored (what the object did before it parsed stored rows)
  const r = PulseConfig.safeParse(c)
  return r.success ? r.data : (c as PulseConfig)
}

export const PulseBody = z
  .strictObject({
    running: z.boolean().optional().describe('true starts (or resumes) the pulse, false stops it'),
    first_beat_at: z
      .number()
      .int()
      .min(0)
      .max(8.64e15)
      .optional()
      .describe('epoch ms of the next beat (default: one period after starting); aligns or staggers holons'),
    config: patchOf(PulseConfig.shape)
      .extend({
        kairos: patchOf(KairosConfig.shape).optional(),
        cores: patchOf(Cores.shape).optional(),
        witnessing: patchOf(WitnessingConfig.shape).optional(),
        mesh: patchOf(MeshConfig.shape).optional(),
        // the members without a default can be unset again: null goes back to the derived value
        p_nodes: PulseConfig.shape.p_nodes.unwrap().nullable().optional().describe('null: derive P again'),
        k_flows: PulseConfig.shape.k_flows.unwrap().nullable().optional().describe('null: k = active cores'),
      })
      .optional()
      .describe('members to change; the others keep their current values'),
  })
  .openapi('PulseBody')

export const Genome = z
  .object({ R: z.number(), B: z.number(), E: z.number(), O: z.number() })
  .openapi('Genome')

export const Decision = z.enum(['QUARANTINE', 'ALERT', 'BALANCE', 'OPTIMIZE', 'NONE']).openapi('Decision')

const Complex = z.object({ re: z.number(), im: z.number(), abs: z.number() })

export const KairosReading = z
  .object({
    samples: z.number().int().describe('samples seen so far'),
    master: Complex.describe('normalised T_tau over the slow window'),
    emissary: Complex.describe('normalised T_tau over the fast window'),
    delta_phase: z.number(),
    sync: Complex,
    sync_power: z.number().describe('abs(T_sync)^2'),
    collapse: z.boolean(),
  })
  .openapi('KairosReading', {
    description:
      'KAIROS coherence after a sample; it drives the dissipation gate (kairos.gate) and the suggestion, and is witnessed',
  })

export const Suggestion = z
  .object({
    action: z
      .enum(['proceed', 'hold', 'watch', 'realign'])
      .describe(
        'hold: incoherent and the gate dissipates (commits need an override); realign: incoherent, gate off; ' +
          'proceed: collapsed (coherent); watch: otherwise, with the invariant to watch',
      ),
    invariant: z
      .string()
      .optional()
      .describe('the most urgent violated invariant, or the one nearest its threshold'),
    reason: z.string(),
  })
  .openapi('Suggestion', {
    description:
      "advisory: the Emissary's suggestion from T_sync and the holon's state; it changes nothing by itself",
  })

export const Recommendation = z.object({ invariant: z.string(), urgency: z.number(), cost: z.number() })

const MeshPeer = z.object({
  node: z.string().describe("the peer node that delivered it ('local': a holon of our own organisation)"),
  origin: z.string(),
  holon: z.string(),
  weight: z.number().describe('w_P, summing to 1 over the peers'),
  offset: z.number().describe("the peer's beat phase minus ours, radians in (-pi, pi]: > 0 when it is ahead"),
  delta_phase: z.number().describe('abs(abs(T_sync) - abs(T_P)): the seed Delta_phase of this peer'),
  t_p: z
    .object({ re: z.number(), im: z.number() })
    .describe("the peer's T_sync at its last beat (mesh-sync memory)"),
})

export const BeatMesh = z
  .object({
    t_global: Complex.describe('sum of w_P T_P over the peers and this holon (weight 1/(n+1))'),
    delta_phase: z.number().describe('the largest Delta_phase over the peers (0 alone)'),
    r: z.number().describe('order parameter over the beat phases of this holon and its peers'),
    correction_ms: z
      .number()
      .describe('how much earlier the next beat was scheduled (negative: later), bounded by max_correction'),
    peers: z.array(MeshPeer),
  })
  .openapi('BeatMesh')

export const BeatSnapshot = z
  .object({
    beat: z.number().int(),
    at: z.string(),
    state_vector: z.array(z.number()),
    torsion: z.number(),
    peers: z.number().int().describe('P of T_Lambda'),
    k: z.number().int().optional().describe('k of T_Lambda'),
    u: z.number().optional().describe('U of T_Lambda'),
    load: z
      .number()
      .optional()
      .describe('events + refusals per second since the previous beat (advisory unless u_source is "load")'),
    t_lambda: z.number(),
    error: z.number(),
    pid: z.object({
      p: z.number(),
      i: z.number(),
      d: z.number(),
      output: z.number(),
      integral: z.number(),
      v: z.number().optional().describe('Lyapunov V = error^2 (advisory)'),
      stable: z
        .boolean()
        .nullable()
        .optional()
        .describe('V non-increasing over the last balance_window beats; null before that many (advisory)'),
    }),
    genome: Genome,
    cores: z.object({
      regen: z.object({ urgency: z.number(), cost: z.number(), recommendations: z.array(Recommendation) }),
      balance: z.object({ instability: z.number() }),
      entropy: z.object({
        anomalies: z.number(),
        features: z.object({
          violations: z.number(),
          rejections: z.number(),
          overrides: z.number(),
          near_threshold: z.number(),
          peer_alerts: z
            .number()
            .optional()
            .describe(
              'verified peer ALERT (0.5) / QUARANTINE (1) since the last beat x kernel compatibility',
            ),
        }),
        threat: z.number(),
      }),
      optimize: z.object({ gain: z.number() }),
    }),
    weighted: Genome.describe('genome weight x core output'),
    decision: Decision,
    model: z
      .object({ w: z.number(), b: z.number() })
      .describe('entropy model after this beat’s online update'),
    quarantine: z.object({ active: z.boolean(), quiet_beats: z.number().int() }),
    kairos: KairosReading,
    mesh: BeatMesh.optional().describe(
      'mesh phase synchronisation at this beat (absent when mesh.enabled is false)',
    ),
  })
  .openapi('BeatSnapshot')

export const PulseDoc = z
  .object({
    holon: z.string(),
    running: z.boolean(),
    beat: z.number().int().describe('last applied beat'),
    next_beat_at: z.string().nullable(),
    config: PulseConfig,
    alert: z.boolean(),
    quarantined: z.boolean(),
    dissipating: z
      .boolean()
      .describe('kairos.gate is dissipate and the holon is incoherent: every commit needs an override'),
    kairos: KairosReading.describe('the reading after the latest KAIROS sample (beat or commit)'),
    suggestion: Suggestion,
    last: BeatSnapshot.nullable(),
  })
  .openapi('PulseDoc')

export const LedgerAudit = z
  .object({
    through: z.number().int().describe('entries [0, through) re-hashed and re-chained in the current pass'),
    size: z.number().int().describe('ledger size at the last audit step'),
    ok: z.boolean().describe('no entry found bad in any pass so far'),
    first_bad_index: z.number().int().nullable(),
    passes: z.number().int().describe('complete passes over the ledger'),
  })
  .openapi('LedgerAudit')

export const PulseStatus = z
  .object({
    running: z.boolean(),
    beat: z.number().int(),
    decision: Decision.nullable().describe('the last beat’s Arbiter decision'),
    threat: z.number().nullable(),
    alert: z.boolean().describe('the last beat’s threat was at or above the alert level (0.60)'),
    quarantined: z.boolean().describe('every commit needs an override until the threat has calmed down'),
    dissipating: z
      .boolean()
      .describe('the KAIROS gate dissipates (incoherent, gate: dissipate): every commit needs an override'),
    coherence: z.number().nullable().describe('abs(T_sync) at the last beat'),
    pid_stable: z
      .boolean()
      .nullable()
      .describe(
        'Lyapunov: V = error^2 non-increasing over the last balance_window beats; null before (advisory)',
      ),
    ledger_verified: LedgerAudit.nullable().describe(
      'the self-audit of the holon’s own ledger (advisory: it changes no decision); null before its first step',
    ),
  })
  .openapi('PulseStatus')

const ms = z.coerce.number().int().min(0).max(8.64e15)
const time = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 timestamp')
  .transform((s) => Date.parse(s))
  .or(ms)

export const TemporalQuery = z.object({
  from: time.optional().describe('ISO-8601 or epoch ms (default: the beginning)'),
  to: time.optional().describe('ISO-8601 or epoch ms (default: now)'),
  at: time.optional().describe('also reconstruct the coherence state at this time'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

export const TemporalDoc = z
  .object({
    holon: z.string(),
    snapshots: z.array(BeatSnapshot),
    reconstructed: z
      .object({
        at: z.string(),
        last_sample_at: z.string().nullable(),
        kairos: KairosReading,
        mesh: z
          .object({
            beat: z.number().int().describe('the last beat at or before `at` whose mesh-sync memory is used'),
            t_global: Complex.describe("the reconstructed T_sync with that beat's peer T_P and weights"),
            delta_phase: z.number(),
            peers: z.array(MeshPeer.pick({ node: true, origin: true, holon: true, weight: true, t_p: true })),
          })
          .optional(),
      })
      .optional()
      .describe('the coherence state at `at`, recomputed from the stored samples'),
  })
  .openapi('TemporalDoc')

export const WitnessQuery = z.object({
  cursor: z
    .string()
    .regex(/^[0-9]{1,15}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

export const WitnessPage = z
  .object({
    entries: z.array(
      z.object({
        index: z.number().int(),
        kind: z.string(),
        at: z.string(),
        data: z.record(z.string(), z.unknown()),
      }),
    ),
    next_cursor: z.string().nullable(),
  })
  .openapi('WitnessPage')

export type KairosConfig = z.infer<typeof KairosConfig>
export type PulseConfig = z.infer<typeof PulseConfig>
export type Cores = z.infer<typeof Cores>
export type LedgerAudit = z.infer<typeof LedgerAudit>
export type MeshConfig = z.infer<typeof MeshConfig>
export type BeatMesh = z.infer<typeof BeatMesh>
export type PulseBody = z.infer<typeof PulseBody>
export type WitnessingConfig = z.infer<typeof WitnessingConfig>
export type WitnessLayer = (typeof WITNESS_LAYERS)[number]
export type Suggestion = z.infer<typeof Suggestion>
export type Genome = z.infer<typeof Genome>
export type Decision = z.infer<typeof Decision>
export type KairosReading = z.infer<typeof KairosReading>
export type Recommendation = z.infer<typeof Recommendation>
export type BeatSnapshot = z.infer<typeof BeatSnapshot>
export type PulseDoc = z.infer<typeof PulseDoc>
export type PulseStatus = z.infer<typeof PulseStatus>
export type TemporalDoc = z.infer<typeof TemporalDoc>
export type WitnessPage = z.infer<typeof WitnessPage>
