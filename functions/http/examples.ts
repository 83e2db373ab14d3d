// Request examples per operation, injected into the OpenAPI document in one place (docs.ts) rather than in every
// route file; test/http/docs.test.ts fails when an operation with a body lacks one or one does not validate.
import type { z } from '@hono/zod-openapi'
import { CosignatureBody, FlagBody, InboxBody, RhizomeAlert } from '../../schemas/federation.ts'
import {
  ALERT,
  ARTIFACT,
  CHECKPOINT,
  CHECKPOINT_FORK,
  COSIGNATURE,
  ORIGIN,
  VERIFIER_KEY,
} from './example-messages.ts'

export interface Example {
  summary: string
  value: unknown
  /** The stricter schema the handler applies after the route's envelope (signed federation messages). */
  strict?: z.ZodType
}

/** The contract kernel: a circular-economy co-op (bootstrap/holons/circular-economy.json, shortened). */
const kernel = {
  id: 'circular-economy',
  aggregates: {
    contributed: { fold: 'sum', expr: 'event.contributed' },
    returned: { fold: 'sum', expr: 'event.returned' },
    events: { fold: 'count' },
    traced: { fold: 'count', where: 'has(event.trace_id)' },
  },
  invariants: {
    Non_Spoliation: {
      score: 'agg.contributed == 0.0 ? 1.0 : min(1.0, agg.returned / agg.contributed)',
      threshold: 0.94,
      description: 'members get back at least 94% of the value they contribute',
    },
    Traceability: {
      score: 'agg.events == 0.0 ? 1.0 : agg.traced / agg.events',
      threshold: 1,
      weight: 2,
      description: 'every exchange carries a trace id',
    },
  },
  gate: { on_torsion: 'reject', admit_improving: true },
}

const fair = { id: 'ce-0001', member: 'bakery', contributed: 120, returned: 118, trace_id: 'tr-0001' }
const fair2 = { id: 'ce-0002', member: 'repair-cafe', contributed: 40, returned: 40, trace_id: 'tr-0002' }
const spoliation = {
  id: 'ce-0101',
  member: 'textile-lab',
  contributed: 500,
  returned: 50,
  trace_id: 'tr-0101',
}

/** A small Poincaré-disk topology: a hub and three spokes, one cross link. */
const nodes = [
  { id: 'hub', coords: [0, 0] },
  { id: 'paris', coords: [0.42, 0.1], region: 'eu-west' },
  { id: 'berlin', coords: [0.3, 0.45], region: 'eu-central' },
  { id: 'madrid', coords: [-0.1, -0.5], region: 'eu-south', load: 0.4 },
]
const edges = [
  ['hub', 'paris'],
  ['hub', 'berlin'],
  ['hub', 'madrid'],
  ['paris', 'berlin'],
]
const topology = { nodes, edges }

const fleetNode = (id: string, region: string, coordinates: number[], links: string[]) => ({
  id,
  region,
  coordinates,
  links,
  capacity: { cpu: 16, memory_gb: 64 },
  cost_per_unit_hour: { cpu: 0.04, memory_gb: 0.005 },
  availability: 0.999,
  carbon_intensity: 120,
})
const checkout = {
  id: 'checkout',
  tenant: 'shop',
  type: 'interactive',
  replica: { capacity: 120, request: { cpu: 1, memory_gb: 2 } },
  sla: { latency_ms: 200, target_utilisation: 0.7 },
}
const leaf = 'c3bb5c5f3f3f1e8d7e0b8a0a4b1f4d2b5a8e6c9d0f1a2b3c4d5e6f708192a3b4'

export const EXAMPLES: Record<string, Example[]> = {
  'post /v1/tenants/{tenant}/credentials': [
    {
      summary: "an agent's write credential for one holon, for an hour",
      value: { role: 'write', resources: ['holon:circular-economy'], ttl_seconds: 3600, sub: 'agent-7' },
    },
    { summary: 'a tenant-wide read credential for a day', value: { role: 'read', ttl_seconds: 86400 } },
  ],
  'post /v1/torsion': [
    {
      summary: 'score an exchange after two others',
      value: { kernel, history: [fair, fair2], event: spoliation },
    },
  ],
  'put /v1/holons/{id}': [
    {
      summary: 'a circular-economy co-op, every entry audited',
      value: { kernel, verification: { level: 'full_audit' } },
    },
  ],
  'put /v1/holons/{id}/kernel': [
    {
      summary: 'a governance change: a stricter Non_Spoliation threshold',
      value: {
        kernel: {
          ...kernel,
          invariants: {
            ...kernel.invariants,
            Non_Spoliation: { ...kernel.invariants.Non_Spoliation, threshold: 0.97 },
          },
        },
      },
    },
  ],
  'post /v1/holons/{id}/lab/counterfactual': [
    {
      summary: 'what if these two exchanges had never been sent?',
      value: { without: ['ex-1041', 'ex-1042'] },
    },
    { summary: 'the whole history gated by kernel version 1', value: { kernel_version: 1 } },
  ],
  'post /v1/holons/{id}/rollback': [
    {
      summary: 'undo a faulty import: back to the aggregates at ledger index 120 (admin)',
      value: { to_index: 120, reason: 'batch import 2026-11-30 used the wrong currency' },
    },
  ],
  'post /v1/holons/{id}/kernel/proposals': [
    { summary: 'thresholds that kept 99% of past states, intervals at 95%', value: {} },
    {
      summary: 'the last 5,000 events, 99.9% coverage',
      value: { coverage: 0.999, level: 0.9, max_events: 5000 },
    },
  ],
  'post /v1/holons/{id}/kernel/proposals/{version}/activate': [
    {
      summary: 'an admin adopts an induced invariant',
      value: { reason: 'reviewed at the board meeting of 1 Dec' },
    },
  ],
  'post /v1/holons/{id}/kernel/proposals/{version}/reject': [
    { summary: 'an admin declines an induced invariant', value: { reason: 'seasonal ratio, not a rule' } },
  ],
  'post /v1/holons/{id}/attestations': [
    { summary: 'commit the aggregates for a proof that every invariant holds', value: {} },
    {
      summary: 'only the invariants that can be proved',
      value: { invariants: ['Non_Spoliation', 'Traceability'] },
    },
  ],
  'post /v1/orchestrators/{id}/attestations': [
    { summary: 'every replica within distance 1.2 of its workload’s affinity', value: { max_distance: 1.2 } },
    { summary: 'one workload', value: { max_distance: 0.8, workloads: ['api'] } },
  ],
  'post /v1/holons/{id}/evaluate': [
    { summary: 'would this exchange be admitted?', value: { event: spoliation } },
    { summary: 'a batch, in order', value: { events: [fair, fair2] } },
  ],
  'post /v1/holons/{id}/events': [
    { summary: 'one traced, fair exchange', value: { event: fair } },
    { summary: 'a batch, all-or-nothing', value: { events: [fair, fair2] } },
    {
      summary: 'an override (admin token): committed despite the gate and recorded',
      value: {
        event: spoliation,
        override: { reason: 'repayment plan agreed at the general assembly', actor: 'board' },
      },
    },
  ],
  'put /v1/holons/{id}/pulse': [
    {
      summary: 'start the pulse, one beat a minute',
      value: { running: true, config: { period_ms: 60_000 } },
    },
    { summary: 'stop it', value: { running: false } },
  ],
  'post /v1/federation/inbox': [
    { summary: "a peer holon's signed artifact", value: { artifacts: [ARTIFACT] }, strict: InboxBody },
  ],
  'post /v1/federation/cosignatures': [
    { summary: "a witness's cosignature of a checkpoint", value: COSIGNATURE, strict: CosignatureBody },
  ],
  'post /v1/federation/flags': [
    {
      summary: 'two checkpoints of one size with different roots: equivocation',
      value: {
        kind: 'flag',
        reason: 'equivocation',
        origin: ORIGIN,
        notes: [CHECKPOINT, CHECKPOINT_FORK],
        detail: 'two roots signed for size 4',
      },
      strict: FlagBody,
    },
  ],
  'post /v1/federation/alerts': [
    { summary: "a peer pulse's ALERT decision", value: ALERT, strict: RhizomeAlert },
  ],
  'post /v1/federation/presence': [
    {
      summary: 'the bridge node reports its live peers',
      value: { node: '12D3KooWBridgeNodeExample', live_peers: 3 },
    },
  ],
  'post /v1/federation/phases': [
    {
      summary: "the bridge node delivers a peer organisation's holon beats (mesh phase synchronisation)",
      value: {
        node: '12D3KooWPeerNodeExample',
        pulses: [
          {
            holon: 'circular-economy',
            origin: 'omega.b.example',
            beat_at: 1764547200000,
            next_at: 1764547260000,
            period_ms: 60000,
            t_sync: { re: 0.61, im: -0.12 },
            ml_weight: 0.12,
          },
        ],
      },
    },
  ],
  'post /v1/verify': [
    {
      summary: 'an inclusion proof (a one-leaf tree: the root is the leaf)',
      value: { kind: 'inclusion', leaf_hash: leaf, index: 0, size: 1, inclusion: [], root: leaf },
    },
    {
      summary: 'a signed checkpoint against a verifier key',
      value: { kind: 'checkpoint', checkpoint: CHECKPOINT, verifier_key: VERIFIER_KEY },
    },
    {
      summary: 'two checkpoints signed by one key: an equivocation?',
      value: { kind: 'equivocation', checkpoints: [CHECKPOINT, CHECKPOINT_FORK], verifier_key: VERIFIER_KEY },
    },
  ],
  'post /v1/route': [
    {
      summary: 'greedy forwarding from paris to madrid',
      value: { topology, source: 'paris', target: { node: 'madrid' } },
    },
    {
      summary: 'multipath towards a point, on a stored topology',
      value: {
        topology_name: 'edge-mesh',
        source: 'paris',
        target: { point: [-0.2, -0.4] },
        algorithm: 'multipath_hyperbolic',
        k: 2,
      },
    },
  ],
  'post /v1/embed': [
    { summary: 'embed a graph in the Poincaré disk', value: { topology, dimension: 2, pairs: 200 } },
  ],
  'post /v1/consensus': [
    {
      summary: 'three voters weighted by hyperbolic distance to the proposal',
      value: {
        voters: [
          { id: 'paris', coords: [0.42, 0.1], vote: 'yes' },
          { id: 'berlin', coords: [0.3, 0.45], vote: 'yes' },
          { id: 'madrid', coords: [-0.1, -0.5], vote: 'no' },
        ],
        proposal: [0.2, 0.1],
        quorum: 0.5,
      },
    },
  ],
  'post /v1/spawn': [
    { summary: 'a child at distance 0.5 from its parent', value: { parent: [0.1, 0.2], distance: 0.5 } },
    {
      summary: 'where a new holon best sits among weighted affinities',
      value: {
        affinities: [
          { point: [0.42, 0.1], weight: 2 },
          { point: [0.3, 0.45], weight: 1 },
        ],
      },
    },
  ],
  'post /v1/migrate': [
    { summary: 'a geodesic in five steps', value: { from: [0.42, 0.1], to: [-0.1, -0.5], steps: 5 } },
  ],
  'post /v1/terminate': [
    { summary: 'remove berlin: who takes over its links?', value: { topology, node: 'berlin' } },
  ],
  'put /v1/topologies/{name}': [
    { summary: 'store the edge mesh', value: { dimension: 2, nodes, edges, boundary: 'reject' } },
  ],
  'patch /v1/topologies/{name}': [
    {
      summary: 'add lisbon, load madrid',
      value: {
        add_nodes: [{ id: 'lisbon', coords: [-0.35, -0.55], region: 'eu-south' }],
        add_edges: [['madrid', 'lisbon']],
        set_load: [{ id: 'madrid', load: 0.8 }],
      },
    },
  ],
  'post /v1/topologies/{name}/embed': [{ summary: 're-embed from the graph alone', value: { pairs: 2000 } }],
  'put /v1/orchestrators/{id}': [
    {
      summary: 'a fleet ticking every minute, forecasting an hour ahead',
      value: {
        config: {
          orchestration_mode: 'geometric_mesh',
          optimization_goals: { performance: 0.4, cost: 0.3, reliability: 0.2, sustainability: 0.1 },
        },
        settings: { tick_seconds: 60, horizon: 12, season: 60, auto_tick: false },
      },
    },
  ],
  'put /v1/orchestrators/{id}/nodes': [
    {
      summary: 'two linked edge nodes',
      value: {
        nodes: [
          fleetNode('edge-paris', 'eu-west', [0.42, 0.1], ['edge-berlin']),
          fleetNode('edge-berlin', 'eu-central', [0.3, 0.45], ['edge-paris']),
        ],
      },
    },
  ],
  'patch /v1/orchestrators/{id}/nodes': [
    {
      summary: 'add madrid, drop berlin',
      value: { upsert: [fleetNode('edge-madrid', 'eu-south', [-0.1, -0.5], [])], remove: ['edge-berlin'] },
    },
  ],
  'put /v1/orchestrators/{id}/workloads': [
    { summary: 'one interactive service', value: { workloads: [checkout] } },
  ],
  'patch /v1/orchestrators/{id}/workloads': [
    {
      summary: 'add a nightly batch, retire a report',
      value: {
        upsert: [{ id: 'nightly-etl', type: 'batch', replica: { capacity: 10, request: { cpu: 4 } } }],
        remove: ['weekly-report'],
      },
    },
  ],
  'post /v1/orchestrators/{id}/metrics': [
    {
      summary: 'one minute of metrics',
      value: {
        workloads: [
          {
            workload: 'checkout',
            at: '2026-11-30T12:00:00Z',
            request_rate: 240,
            latency_ms: 85,
            errors: 0,
            utilisation: 62,
          },
        ],
        nodes: [{ node: 'edge-paris', at: '2026-11-30T12:00:00Z', utilisation: 55, health: 'up' }],
      },
    },
  ],
  'post /v1/orchestrators/{id}/approve': [
    { summary: 'approve the proposal for checkout', value: { workloads: ['checkout'] } },
  ],
  'post /v1/lab/stress': [
    {
      summary: 'can admitted exchanges leave a member with less than 90% back?',
      value: {
        kernel,
        intents: [
          { name: 'spoliation', never: 'agg.contributed > 0 && agg.returned / agg.contributed < 0.9' },
        ],
        fields: {
          contributed: { kind: 'number', min: 1, max: 500, integer: true },
          returned: { kind: 'number', min: 0, max: 500, integer: true },
          trace_id: { kind: 'string', prefix: 'tr-' },
        },
        max_length: 20,
        seed: 1,
        budget_ms: 200,
      },
    },
  ],
  'post /v1/holons/{id}/lab/stress': [
    {
      summary: 'search the holon for a window of 10 exchanges returning under half',
      value: {
        intents: [
          {
            name: 'bad_window',
            never: 'win.contributed > 0 && win.returned / win.contributed < 0.5',
            window: 10,
          },
        ],
        fields: {
          contributed: { kind: 'number', min: 1, max: 500, integer: true },
          returned: { kind: 'number', min: 0, max: 500, integer: true },
          trace_id: { kind: 'string', prefix: 'tr-' },
        },
        budget_ms: 2000,
      },
    },
  ],
  'post /v1/forecast': [
    {
      summary: 'four seasons of a period-4 series, one season ahead',
      value: {
        series: [10, 14, 18, 12, 11, 15, 19, 13, 12, 16, 20, 14, 13, 17, 21, 15],
        period: 4,
        horizon: 4,
        level: 0.9,
      },
    },
  ],
  'post /v1/mpc': [
    {
      summary: 'replicas for rising demand',
      value: {
        demand: [120, 150, 180, 160],
        per_replica: 50,
        current: 2,
        min: 1,
        max: 10,
        cooldown_steps: 0,
        since_change: 5,
        lambda: 0.5,
        replica_cost: 1,
        sla_penalty: 100,
      },
    },
  ],
  'post /v1/lab/anomalies': [
    {
      summary: 'a request rate with a one-off spike at index 30 and a level shift from index 45',
      value: {
        series: [
          100, 102, 99, 101, 98, 100, 103, 101, 99, 100, 102, 98, 101, 100, 99, 103, 100, 101, 98, 102, 100,
          99, 101, 102, 100, 98, 101, 99, 100, 102, 180, 101, 99, 100, 102, 98, 101, 100, 99, 102, 100, 101,
          99, 100, 98, 150, 151, 149, 152, 150, 148, 151, 150, 149, 152,
        ],
        options: { method: 'robust_z' },
      },
    },
  ],
  'post /v1/mdp': [
    {
      summary: 'failover policy learnt from a health history',
      value: {
        strategy: 'active_passive',
        history: [['up', 'up', 'degraded', 'up', 'down', 'up', 'up', 'degraded', 'degraded', 'up']],
        costs: { downtime: 100, degraded: 10, migrate: 5, replica: 1 },
        discount: 0.95,
      },
    },
  ],
  'post /v1/markets/equilibrium': [
    {
      summary: "Braess's network: 4 drivers and a zero-cost shortcut a -> b",
      value: {
        nodes: ['s', 'a', 'b', 't'],
        edges: [
          { from: 's', to: 'a', a: 0, b: 1 },
          { from: 'a', to: 't', a: 4, b: 0 },
          { from: 's', to: 'b', a: 4, b: 0 },
          { from: 'b', to: 't', a: 0, b: 1 },
          { from: 'a', to: 'b', a: 0, b: 0 },
        ],
        agents: [
          { id: 'd1', from: 's', to: 't' },
          { id: 'd2', from: 's', to: 't' },
          { id: 'd3', from: 's', to: 't' },
          { id: 'd4', from: 's', to: 't' },
        ],
      },
    },
    {
      summary: 'agents on a stored topology (BPR, free flow = hyperbolic edge length)',
      value: {
        topology: 'edge-mesh',
        edge_defaults: { capacity: 2, alpha: 0.15, beta: 4 },
        agents: [
          { id: 'checkout', from: 'paris', to: 'berlin', demand: 2 },
          { id: 'search', from: 'paris', to: 'berlin' },
        ],
      },
    },
  ],
  'post /v1/markets/auction': [
    {
      summary:
        'three tenants bid for 4 cpu in eu: acme and globex win 2 each and pay their externality, 40 each',
      value: {
        supply: { cpu: 4, memory: 16, 'region:eu': 4 },
        bids: [
          {
            bidder: 'acme',
            bundles: [
              { bundle: { cpu: 2, memory: 8, 'region:eu': 2 }, value: 90 },
              { bundle: { cpu: 1, memory: 4, 'region:eu': 1 }, value: 50 },
            ],
          },
          { bidder: 'globex', bundles: [{ bundle: { cpu: 2, memory: 4, 'region:eu': 2 }, value: 70 }] },
          { bidder: 'initech', bundles: [{ bundle: { cpu: 1, memory: 2, 'region:eu': 1 }, value: 40 }] },
        ],
      },
    },
  ],
  'post /v1/pareto': [
    {
      summary: 'two replicas of checkout over two nodes',
      value: {
        nodes: [
          {
            id: 'edge-paris',
            point: [0.42, 0.1],
            region: 'eu-west',
            capacity: { cpu: 16 },
            cost_per_unit_hour: { cpu: 0.04 },
          },
          {
            id: 'edge-berlin',
            point: [0.3, 0.45],
            region: 'eu-central',
            capacity: { cpu: 8 },
            cost_per_unit_hour: { cpu: 0.03 },
          },
        ],
        demands: [{ workload: 'checkout', replicas: 2, request: { cpu: 2 }, preferred_regions: ['eu-west'] }],
        weights: { performance: 0.4, cost: 0.3, reliability: 0.2, sustainability: 0.1 },
      },
    },
  ],
  'post /v1/markets/shapley': [
    {
      summary: 'three tenants share a node pool of 8-vCPU nodes',
      value: {
        game: {
          kind: 'pool',
          players: [
            { id: 'acme', demand: 6 },
            { id: 'globex', demand: 3 },
            { id: 'initech', demand: 3 },
          ],
          unit_capacity: 8,
          unit_cost: 40,
          fixed: 12,
        },
      },
    },
  ],
}

/** An example value for a path parameter, so every operation's request can be tried as shown. */
export function parameterExample(path: string, name: string): string {
  if (name === 'id') return path.startsWith('/v1/orchestrators') ? 'edge-fleet' : 'circular-economy'
  return PARAMETERS[name] ?? 'example'
}

const PARAMETERS: Record<string, string> = {
  tenant: 'acme',
  name: 'edge-mesh',
  index: '1',
  workload: 'checkout',
  tick: '1',
  version: '2',
}
