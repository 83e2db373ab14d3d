// The gate as MCP tools: each one validates like its REST route and calls the same object or pure function.
import { z } from '@hono/zod-openapi'
import { CommitBody, Event, eventsOf, Override } from '../../schemas/event.ts'
import { HolonId } from '../../schemas/holon.ts'
import { Receipt } from '../../schemas/ledger.ts'
import { DEFAULT_MOM_CONFIG } from '../../schemas/mom-config.ts'
import { ParetoRequest } from '../../schemas/placement.ts'
import { RouteRequest } from '../../schemas/routing.ts'
import { holds, type Principal, type Role } from '../http/auth.ts'
import { actingOnHolon, existingHolon, existingTopology, listHolons } from '../http/directory-client.ts'
import { unwrap } from '../http/holon-client.ts'
import { unwrapTopology } from '../http/topology-client.ts'
import { verifyReceipt } from '../ledger/index.ts'
import { paretoBudget, paretoFrontier } from '../placement/index.ts'
import { buildTopology, checkPathCount, requireConnected, route as routeOn } from '../routing/index.ts'
import { validationFailed } from './problem.ts'

/** What a tool call knows of its caller: the worker's bindings and the role its Bearer token holds. */
export interface ToolContext {
  env: Env
  /** null: no token was presented (reads are open unless OMEGA_READ_TOKEN is set). */
  role: Role | null
  /** The credential (tenant, resources, key id); null for an anonymous read. */
  who: Principal | null
}

export interface ToolAnnotations {
  readOnlyHint: boolean
  destructiveHint: boolean
  idempotentHint: boolean
  openWorldHint: boolean
}

export interface Tool {
  name: string
  title: string
  description: string
  input: z.ZodType
  annotations: ToolAnnotations
  /** The answer: a JSON object (it becomes the result's structuredContent). */
  run(args: unknown, ctx: ToolContext): Promise<object>
}

const read: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
}

/** Parses tool arguments with the route's schema: failures are validation_failed, as in the REST API. */
function parse<S extends z.ZodType>(schema: S, args: unknown): z.output<S> {
  const r = schema.safeParse(args ?? {})
  if (!r.success) throw validationFailed(r.error)
  return r.data
}

const tool = <S extends z.ZodType>(
  t: Omit<Tool, 'input' | 'run'> & {
    input: S
    run(args: z.output<S>, ctx: ToolContext): Promise<object>
  },
): Tool => ({ ...t, run: (args, ctx) => t.run(parse(t.input, args), ctx) })

const Holon = z.strictObject({ holon: HolonId.describe('the holon id') })

const gateArgs = {
  holon: HolonId.describe('the holon id'),
  event: Event.optional().describe(
    'one event: a JSON object with a unique string `id` and the fields the kernel reads',
  ),
  events: z.array(z.looseObject({})).min(1).max(1000).optional().describe('or a batch, gated in order'),
}

/** The REST body of a gate call (`{event}` or `{events}`), validated by the route's own CommitBody schema. */
function body(a: { event?: unknown; events?: unknown; override?: unknown }) {
  const given = (['event', 'events'] as const).filter((k) => a[k] !== undefined)
  if (given.length !== 1)
    throw validationFailed(
      new z.ZodError([
        { code: 'custom', path: [], message: 'give exactly one of `event` and `events`', input: a },
      ]),
    )
  const raw = {
    [given[0] as string]: a[given[0] as 'event' | 'events'],
    ...(a.override ? { override: a.override } : {}),
  }
  return parse(CommitBody, raw)
}

const listHolonsTool = tool({
  name: 'list_holons',
  title: 'List holons',
  description: 'The holons of this deployment in id order, a page at a time (`next_after` continues).',
  input: z.strictObject({
    after: z.string().max(64).optional().describe('continue after this id'),
    limit: z.number().int().min(1).max(1000).default(100),
  }),
  annotations: read,
  run: (a, { env, who }) => listHolons(env, who, { after: a.after, limit: a.limit }),
})

const evaluateTool = tool({
  name: 'evaluate',
  title: 'Evaluate (dry run)',
  description:
    "Ask the holon's gate about an event or a batch without changing anything: per event the verdict " +
    '(admit, admit_improving, admit_flagged, reject, override_required), torsion, violations and expression errors. ' +
    'Act only on admit / admit_improving; never act on non-zero torsion or treat an error as a pass.',
  input: z.strictObject(gateArgs),
  annotations: read,
  run: async (a, { env, who }) => {
    const events = eventsOf(body(a))
    return unwrap(a.holon, await (await existingHolon(env, a.holon, who)).evaluate(events))
  },
})

const commitTool = tool({
  name: 'commit',
  title: 'Commit',
  description:
    'Gate and commit an event or a batch, all-or-nothing, with a signed ledger receipt per event. Needs the ' +
    'write token (Authorization: Bearer of the MCP request). An inadmissible event is an error (409 inadmissible ' +
    "or override_required) and nothing is committed. `override` (a human's reason and name) needs the admin " +
    'token: an agent never overrides on its own initiative. Retrying the same event id never commits twice.',
  input: z.strictObject({ ...gateArgs, override: Override.optional() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run: async (a, { env, role, who }) => {
    holds(role, 'write')
    const b = body(a)
    const override = b.override ? { reason: b.override.reason, actor: b.override.actor ?? 'admin' } : null
    if (override) holds(role, 'admin')
    const { holon, by } = await actingOnHolon(env, a.holon, who)
    const r = unwrap(a.holon, await holon.commit(eventsOf(b), { override, minimal: false, by }))
    return JSON.parse(r.json) as object
  },
})

const stateTool = tool({
  name: 'get_state',
  title: 'Get state',
  description:
    "The holon's state now: state vector (one score per invariant), torsion (0 when every invariant holds), " +
    'violations, errors, the gate policy and the pulse.',
  input: Holon,
  annotations: read,
  run: async (a, { env, who }) => unwrap(a.holon, await (await existingHolon(env, a.holon, who)).state()),
})

const explainTool = tool({
  name: 'explain_refusal',
  title: 'Explain a refusal',
  description:
    'Why the gate would refuse an event, and what would make it admissible, changing nothing: each violated ' +
    'invariant with its score, threshold and shortfall; for each aggregate its score reads, the value that meets ' +
    'the threshold; for each numeric field of the event, the nearest value at which the event is admitted (found ' +
    "on the holon's own kernel and aggregates). `summary` says it in sentences.",
  input: z.strictObject({ holon: HolonId.describe('the holon id'), event: Event }),
  annotations: read,
  run: async (a, { env, who }) =>
    unwrap(a.holon, await (await existingHolon(env, a.holon, who)).explain(a.event)),
})

const verifyTool = tool({
  name: 'verify_receipt',
  title: 'Verify a receipt',
  description:
    "Check a ledger receipt (from commit) offline: the entry's hash, its inclusion in the signed checkpoint and " +
    "the checkpoint's Ed25519 signature. `valid` and every check by name. Give `verifier_key` (from a source you " +
    "trust); without it the holon's own published key is used, which proves integrity, not who signed.",
  input: z.strictObject({
    receipt: Receipt,
    verifier_key: z.string().max(512).optional().describe('note verifier key: name+hash+base64(0x01 || key)'),
  }),
  annotations: read,
  run: async (a, { env, who }) => {
    const key =
      a.verifier_key ??
      unwrap(a.receipt.holon, await (await existingHolon(env, a.receipt.holon, who)).info()).ledger
        .verifier_key
    const report = verifyReceipt(a.receipt as Parameters<typeof verifyReceipt>[0], key)
    return { ...report, verifier_key: key, key_source: a.verifier_key ? 'given' : 'holon' }
  },
})

const routeTool = tool({
  name: 'route',
  title: 'Route (hyperbolic)',
  description:
    'Route on a topology with the REST /v1/route semantics: greedy, multipath, gradient flow, or k-nearest ' +
    'without adjacency. The topology comes inline (`topology`, at most 10,000 nodes) or as `topology_name` of a ' +
    'stored one.',
  input: RouteRequest,
  annotations: read,
  run: async (a, { env, who }) => {
    const { topology, topology_name: name, ...query } = a
    const cfg = query.config ?? DEFAULT_MOM_CONFIG
    if (!topology) {
      const stored = name as string
      return unwrapTopology(stored, await (await existingTopology(env, stored, who)).route(query))
    }
    if (topology.edges?.length) checkPathCount(query.algorithm ?? cfg.geometry.routing_algorithm, query.k)
    const topo = buildTopology(topology, query.boundary ?? cfg.geometry.boundary)
    if (topo.edgeCount > 0) requireConnected(topo)
    return routeOn(topo, query)
  },
})

const placeTool = tool({
  name: 'place',
  title: 'Place replicas',
  description:
    'Place replicas on nodes (POST /v1/pareto): maximises w_perf Perf + w_rel Rel + w_sust Sust - w_cost Cost under ' +
    'capacity, policy and distance bounds, and reports the Pareto frontier and the chosen placement.',
  input: ParetoRequest,
  annotations: read,
  run: async (a) => {
    const { config, weights: given, kappa: k, ...problem } = a
    const cfg = config ?? DEFAULT_MOM_CONFIG
    const weights = given ?? cfg.optimization_goals
    const kappa = k ?? cfg.geometry.curvature
    return { weights, kappa, ...paretoFrontier({ ...problem, weights, kappa }, paretoBudget()) }
  },
})

export const TOOLS: readonly Tool[] = [
  listHolonsTool,
  evaluateTool,
  commitTool,
  stateTool,
  explainTool,
  verifyTool,
  routeTool,
  placeTool,
]
