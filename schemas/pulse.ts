// Pulse documents: controller configuration, beat snapshots, KAIROS coherence readings, temporal queries.
import { z } from '@hono/zod-openapi'

const positive = z.number().positive()

export const KairosConfig = z
  .strictObject({
    tau: z.number().int().min(1).max(64).default(2).describe('lag, in samples, between the two derivatives'),
    omega: z
      .number()
      .min(-Math.PI)
      .max(Math.PI)
      .default(0)
      .describe('spectral frequency, radians per sample'),
    master_window: z.number().int().min(2).max(1024).default(64).describe('slow Master window, in samples'),
    emissary_window: z
      .number()
      .int()
      .min(2)
      .max(1024)
      .default(8)
      .describe('fast Emissary window, in samples'),
    i_c: z.number().min(0).max(1).default(0.95).describe('collapse threshold on abs(T_sync)^2'),
  })
  .openapi('KairosConfig')

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
    k_flows: z.number().int().min(1).max(64).default(4),
    t1: positive.default(0.001),
    u: z.number().gt(1).default(Math.exp(4)),
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
    mesh: MeshConfig.default(MeshConfig.parse({})),
  })
  .openapi('PulseConfig')

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
    config: PulseConfig.partial()
      .extend({ kairos: KairosConfig.partial().optional(), mesh: MeshConfig.partial().optional() })
      .optional(),
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
  .openapi('KairosReading')

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
    peers: z.number().int(),
    t_lambda: z.number(),
    error: z.number(),
    pid: z.object({ p: z.number(), i: z.number(), d: z.number(), output: z.number(), integral: z.number() }),
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
    last: BeatSnapshot.nullable(),
  })
  .openapi('PulseDoc')

export const PulseStatus = z
  .object({
    running: z.boolean(),
    beat: z.number().int(),
    decision: Decision.nullable().describe('the last beat’s Arbiter decision'),
    threat: z.number().nullable(),
    alert: z.boolean().describe('the last beat’s threat was at or above the alert level (0.60)'),
    quarantined: z.boolean().describe('every commit needs an override until the threat has calmed down'),
    coherence: z.number().nullable().describe('abs(T_sync) at the last beat'),
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
export type MeshConfig = z.infer<typeof MeshConfig>
export type BeatMesh = z.infer<typeof BeatMesh>
export type PulseBody = z.infer<typeof PulseBody>
export type Genome = z.infer<typeof Genome>
export type Decision = z.infer<typeof Decision>
export type KairosReading = z.infer<typeof KairosReading>
export type Recommendation = z.infer<typeof Recommendation>
export type BeatSnapshot = z.infer<typeof BeatSnapshot>
export type PulseDoc = z.infer<typeof PulseDoc>
export type PulseStatus = z.infer<typeof PulseStatus>
export type TemporalDoc = z.infer<typeof TemporalDoc>
export type WitnessPage = z.infer<typeof WitnessPage>
