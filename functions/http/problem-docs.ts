// What each problem type means, what to do about it, and an example: served at /problems/{code} (docs.ts).
// Typed by ProblemCode, so a new code in problems.ts does not compile until it is explained here.
import type { ProblemCode } from './problems.ts'

export interface ProblemDoc {
  /** Why it happens, in a sentence or three. */
  explanation: string
  /** What the caller can do. */
  remedy: string
  /** The example's `instance`, `detail` and extension members (type, title and status come from PROBLEMS). */
  example: { instance: string; detail: string } & Record<string, unknown>
}

const H = '/v1/holons/circular-economy'
const O = '/v1/orchestrators/edge-fleet'

export const PROBLEM_DOCS: Record<ProblemCode, ProblemDoc> = {
  upgrade_required: {
    explanation:
      'The live channel (`GET /v1/holons/{id}/live`) is a WebSocket: a plain HTTP request to it has nothing to answer. The response carries `Upgrade: websocket`.',
    remedy:
      'Open it with a WebSocket client (`new WebSocket("wss://host/v1/holons/ID/live?token=READ_TOKEN")` in a browser), or use the REST reads for one-off documents.',
    example: { instance: `${H}/live`, detail: 'send Upgrade: websocket' },
  },
  live_full: {
    explanation:
      'A holon accepts at most 256 live sockets at once (each one receives every commit, refusal and beat message); this one has them all open.',
    remedy: 'Retry later, close sockets you no longer read, or share one socket between viewers.',
    example: { instance: `${H}/live`, detail: '256 live sockets are open on this holon' },
  },
  validation_failed: {
    explanation:
      "The body, a path parameter, a query parameter or a header does not match the operation's schema (see /openapi.json). Every mismatch is listed in `errors`: a JSON pointer (RFC 6901) into the body, or the parameter's name.",
    remedy: 'Fix each listed member; the schema of the operation is in the reference (/docs).',
    example: {
      instance: `${H}/events`,
      detail: '1 problem(s) in the json',
      errors: [{ pointer: '/event/id', message: 'Invalid input: expected string, received undefined' }],
    },
  },
  malformed_json: {
    explanation:
      'The body could not be parsed: it is not JSON, not UTF-8, or empty where a body is required.',
    remedy: 'Send one JSON value encoded as UTF-8, with `content-type: application/json`.',
    example: { instance: `${H}/events`, detail: 'Unexpected end of JSON input' },
  },
  unsafe_json: {
    explanation:
      'The body is JSON but holds something peers cannot carry faithfully (I-JSON, RFC 7493): a lone UTF-16 surrogate, a member named __proto__, a number beyond double precision, or nesting deeper than the limit. Such an event would be stored or hashed differently from what was acknowledged.',
    remedy:
      'Remove the member the pointer names, or encode the value differently (a string for big numbers).',
    example: {
      instance: `${H}/events`,
      detail: 'a member named __proto__ is refused',
      errors: [{ pointer: '/event/__proto__', message: 'a member named __proto__ is refused' }],
    },
  },
  bad_request: {
    explanation:
      'The request is malformed in a way no more specific type covers (the framework refused it); `http_status` carries the status it chose.',
    remedy: 'Check the method, the path and the headers against the reference.',
    example: { instance: '/v1/holons', detail: 'Malformed request', http_status: 400 },
  },
  kernel_invalid: {
    explanation:
      'The kernel matches the schema but an expression does not compile: a CEL syntax error, an unknown aggregate, a wrong result type, or a static cost above the budget. Each issue points into the request body. `npm run kernel -- check kernel.json` reports the same errors offline.',
    remedy: 'Fix the expression at each pointer; docs/kernel.md lists what expressions may use.',
    example: {
      instance: H,
      detail: '1 expression(s) do not compile',
      errors: [{ pointer: '/kernel/invariants/Traceability/score', message: "unknown aggregate 'tracd'" }],
    },
  },
  invalid_point: {
    explanation:
      'A point given to a geometry operation is not finite, lies on or outside the unit ball (the Poincaré model), or has another dimension than the rest.',
    remedy:
      "Send coordinates with a Euclidean norm below 1, or ask for `boundary: 'project'` to pull them inside.",
    example: { instance: '/v1/route', detail: 'point /target/point has norm 1.2, outside the unit ball' },
  },
  unknown_node: {
    explanation:
      'A node id named in the request (a source, an edge end, a node to remove) is not in the topology.',
    remedy: 'Use an id from the topology, or add the node first.',
    example: { instance: '/v1/route', detail: "node 'lyon' is not in the topology" },
  },
  duplicate_node: {
    explanation: 'Two nodes of one topology carry the same id; ids identify nodes in edges and routes.',
    remedy: 'Give every node a distinct id.',
    example: { instance: '/v1/topologies/edge-mesh', detail: "node id 'paris' occurs twice" },
  },
  disconnected: {
    explanation:
      'The graph has more than one component: embedding and routing need every node reachable (an equilibrium, every agent its destination).',
    remedy: 'Add edges that connect the components, or send each component on its own.',
    example: { instance: '/v1/embed', detail: 'the graph has 2 components' },
  },
  too_many_nodes: {
    explanation: 'The topology has more nodes than this operation accepts in one request (see its schema).',
    remedy:
      'Store the topology (PUT /v1/topologies/{name}) and use its chunked embedding job, or split the graph.',
    example: { instance: '/v1/embed', detail: 'at most 10000 nodes' },
  },
  source_required: {
    explanation: 'Routing over a graph starts at a node: without `source` there is no path to compute.',
    remedy: 'Add `source` with the id of the starting node.',
    example: { instance: '/v1/route', detail: 'routing on a graph needs a source node' },
  },
  embedding_precision: {
    explanation:
      'The graph is too deep or too wide to embed greedily in double precision: points would crowd the boundary until distances can no longer be told apart.',
    remedy: 'Raise the dimension, split the graph, or route on a shallower spanning tree.',
    example: {
      instance: '/v1/embed',
      detail: 'the tree needs 1100 levels; double precision holds about 700',
    },
  },
  mpc_invalid: {
    explanation:
      'The scaling problem contradicts itself: `min` above `max`, a capacity below `min`, or forecast bounds of a different length than the demand.',
    remedy: 'Make the bounds consistent; `upper` must have as many elements as `demand`.',
    example: { instance: '/v1/mpc', detail: 'min (5) is above max (3)' },
  },
  mdp_invalid: {
    explanation:
      'The failover problem is malformed: a transition row does not sum to 1, a cost is negative, or the discount is out of range.',
    remedy:
      'Give a 3x3 row-stochastic `transitions` matrix (up, degraded, down), or a `history` to learn it from.',
    example: { instance: '/v1/mdp', detail: 'transition row 1 sums to 0.9, not 1' },
  },
  unauthorized: {
    explanation:
      'The operation needs a bearer token and none was sent, or the token sent matches none configured: neither a root token nor a tenant JWT signed by a listed key id, unexpired, with valid claims (the detail says which). Reads are open unless OMEGA_READ_TOKEN is set, and reads of stored resources also need a credential when OMEGA_JWT_KEYS is set; writes need a write credential, governance an admin one (docs/tenancy.md).',
    remedy: 'Send `Authorization: Bearer <token>` with a token of the right role.',
    example: { instance: `${H}/events`, detail: 'a bearer token is required' },
  },
  forbidden: {
    explanation:
      'The token is valid but may not do this: its role is too weak (a write token cannot install a kernel or override the gate, a read token cannot write), or a tenant credential names a resource outside its `res` list or another tenant in `?tenant=`.',
    remedy: 'Use a token of the role the operation names in the reference.',
    example: { instance: `${H}/kernel`, detail: "role 'write' may not do what needs 'admin'" },
  },
  not_found: {
    explanation:
      'No route or resource answers at this path: the path is misspelt, or names something this deployment does not have.',
    remedy: 'Check the path against the reference; ids are case-sensitive.',
    example: { instance: '/v1/holon', detail: 'no route GET /v1/holon' },
  },
  holon_not_found: {
    explanation: 'No holon exists with this id in this deployment. Reads of unknown ids never create one.',
    remedy: 'Create it with PUT /v1/holons/{id} (admin), or list the holons with GET /v1/holons.',
    example: {
      instance: `${H}/state`,
      detail: "no holon 'circular-economy'; create it with PUT /v1/holons/circular-economy",
    },
  },
  topology_not_found: {
    explanation:
      'No stored topology has this name: it was never stored with PUT /v1/topologies/{name}, or it was deleted.',
    remedy: 'Store one with PUT /v1/topologies/{name}.',
    example: { instance: '/v1/topologies/edge-mesh/embedding', detail: "no topology 'edge-mesh'" },
  },
  orchestrator_not_found: {
    explanation:
      'No orchestrator has this id: a fleet exists only once it has been configured with PUT /v1/orchestrators/{id}.',
    remedy: 'Configure one with PUT /v1/orchestrators/{id}.',
    example: { instance: `${O}/plan`, detail: "no orchestrator 'edge-fleet'" },
  },
  unknown_id: {
    explanation:
      'A node or workload id in the request is not known to this orchestrator (metrics, approvals, links).',
    remedy: 'Register the node or workload first (PUT or PATCH .../nodes, .../workloads).',
    example: {
      instance: `${O}/metrics`,
      detail: "workload 'checkout' is not known",
      errors: [{ pointer: '/workloads/0/workload', message: 'unknown workload' }],
    },
  },
  proposal_not_found: {
    explanation:
      'The holon has no kernel version with this number filed by induction (POST .../kernel/proposals files them).',
    remedy:
      'List the open proposals with GET /v1/holons/{id}/kernel/proposals and use one of their versions.',
    example: {
      instance: `${H}/kernel/proposals/9/activate`,
      detail: "holon 'circular-economy' has no induced kernel proposal 9",
      version: 9,
    },
  },
  attestation_refused: {
    explanation:
      "Nothing was written. Each refusal names its subject (an invariant, or a workload for placements; '*' for the whole statement) and why it cannot be proved now. For a placement: a replica farther than `max_distance` after rounding, a workload without affinity or replicas, more than 16 replicas. For a kernel: its score is outside the circuit's class (it reads `event`, multiplies two aggregates, compares three at once, calls a function other than min, max, clamp or abs), the kernel exceeds the circuit's sizes, the invariant is violated now, or the gate passes it in floating point while it fails exactly on the committed values.",
    remedy:
      'Name only provable invariants in `invariants`, rewrite the score in the supported shapes (docs/attestation.md), or attest after the state satisfies the invariants.',
    example: {
      instance: `${H}/attestations`,
      detail: 'Rate_Ceiling: it calls `sqrt` (the circuit handles min, max, clamp and abs)',
      refusals: [
        {
          subject: 'Rate_Ceiling',
          reason: 'it calls `sqrt` (the circuit handles min, max, clamp and abs)',
        },
      ],
    },
  },
  attestation_not_found: {
    explanation: 'The holon has no attestation whose `attestation.committed` entry is at this ledger index.',
    remedy: 'List them with GET /v1/holons/{id}/attestations and use one of their `ledger_index` values.',
    example: {
      instance: `${H}/attestations/12/opening`,
      detail: "holon 'brussels-tax' has no attestation at ledger index 12",
      index: 12,
    },
  },
  proposal_closed: {
    explanation:
      'The proposal was already activated or rejected, or another kernel became active after it was induced: activating it would undo that install.',
    remedy:
      'Induce again (POST /v1/holons/{id}/kernel/proposals) under the active kernel and decide on the new proposal.',
    example: {
      instance: `${H}/kernel/proposals/4/activate`,
      detail: 'kernel version 4 is abandoned, no longer open',
      version: 4,
    },
  },
  nothing_to_approve: {
    explanation:
      'The orchestrator has no proposal waiting: it runs in automatic mode, or the proposal was applied or superseded.',
    remedy: 'Read GET .../plan for the current proposal before approving.',
    example: { instance: `${O}/approve`, detail: 'no proposal is waiting for approval' },
  },
  tick_in_progress: {
    explanation:
      "A tick too large for one request is running in chunks on the object's alarm; a second one would interleave with it.",
    remedy: 'Retry when it has finished (GET .../decisions shows the last completed tick).',
    example: { instance: `${O}/tick`, detail: 'tick 42 is running (3 of 8 chunks done)' },
  },
  method_not_allowed: {
    explanation:
      'The path exists but does not answer this method. The `Allow` header lists the methods it does answer.',
    remedy: 'Use one of the methods in `Allow`.',
    example: { instance: `${H}/state`, detail: 'POST is not allowed here; allowed: GET' },
  },
  holon_exists: {
    explanation:
      'Creating a holon is idempotent only with the same kernel: this id exists with a different one. A kernel is changed by a governance act, not by re-creating the holon.',
    remedy: 'Install the new kernel with PUT /v1/holons/{id}/kernel (admin), or pick another id.',
    example: {
      instance: H,
      detail: "holon 'circular-economy' exists; install kernels with PUT /v1/holons/circular-economy/kernel",
      kernel_version: 2,
    },
  },
  inadmissible: {
    explanation:
      "The gate refused the event: after it the state would violate invariants (non-zero torsion) and the kernel's policy rejects that. Nothing of the batch was committed; the refusal itself is recorded in the ledger, and the answer carries the event's index, its violations (score against threshold) and the receipt of the refusal entry.",
    remedy:
      'Change the event so every violated invariant reaches its threshold (the dry run POST .../evaluate shows the effect), or, with an admin token and a reason, commit it with `override`.',
    example: {
      instance: `${H}/events`,
      detail:
        "event 'ce-try-spoliation' (index 0) is not admissible: torsion 0.3033126255574073; nothing was committed",
      event_id: 'ce-try-spoliation',
      index: 0,
      dimensions: ['Non_Spoliation', 'Traceability', 'Regeneration_Rate'],
      state_vector: [0.38926174496644295, 1, 0.9404761904761905],
      torsion: 0.3033126255574073,
      violations: [
        {
          invariant: 'Non_Spoliation',
          score: 0.38926174496644295,
          threshold: 0.94,
          weight: 1,
          cost: 0.3033126255574073,
        },
      ],
      errors: [],
      admissible: false,
      verdict: 'reject',
      torsion_before: 0,
      quarantined: false,
      dissipating: false,
      receipt: '(the ledger receipt of the refusal entry: entry, hashes, signed checkpoint, inclusion proof)',
    },
  },
  override_required: {
    explanation:
      "The kernel's gate policy is `require_override`, or the holon's pulse has quarantined it: the event can only be committed with an explicit, recorded override.",
    remedy: 'Repeat the commit with an admin token and `override: {reason}` once a person has decided.',
    example: {
      instance: `${H}/events`,
      detail:
        "event 'ce-0101' (index 0) is not admissible: the holon is quarantined by its pulse and every commit needs an override; nothing was committed",
      event_id: 'ce-0101',
      index: 0,
      verdict: 'override_required',
      quarantined: true,
      dissipating: false,
    },
  },
  idempotency_conflict: {
    explanation:
      'An event id is its idempotency key: this id was committed before with different content. A retry must send the same event byte for byte (after canonicalisation).',
    remedy: 'Send the original event, or give the new event a new id.',
    example: {
      instance: `${H}/events`,
      detail: "event 'ce-0001' was already committed with different content",
      event_id: 'ce-0001',
      index: 0,
    },
  },
  payload_too_large: {
    explanation: 'The body is larger than the deployment accepts (OMEGA_MAX_BODY_BYTES, 1 MiB by default).',
    remedy: 'Split a batch into several commits, or store large data elsewhere and reference it.',
    example: { instance: `${H}/events`, detail: 'the body exceeds 1048576 bytes' },
  },
  unsupported_media_type: {
    explanation:
      'Request bodies must be `application/json` (UTF-8, optionally `; charset=utf-8`); anything else is refused before it is read.',
    remedy: 'Send `content-type: application/json`.',
    example: { instance: `${H}/events`, detail: "content-type 'text/plain' is not application/json" },
  },
  series_too_short: {
    explanation:
      'Every forecasting model needs a minimum history for the period and horizon asked: this series has fewer points.',
    remedy: 'Send at least two full periods of history, or a shorter horizon.',
    example: {
      instance: '/v1/forecast',
      detail: 'a series of 5 points is too short for period 4 and horizon 4',
    },
  },
  no_allowed_node: {
    explanation:
      "No node satisfies the placement's constraints: every candidate is avoided, down, farther than `max_distance`, or outside the locality asked.",
    remedy: 'Relax a constraint (distance, regions, avoided nodes) or add capacity where it is allowed.',
    example: { instance: '/v1/pareto', detail: "no node may host 'checkout': 2 down, 1 too far" },
  },
  budget_exceeded: {
    explanation:
      'The request needs more work than a budget allows (expression steps, sizes, iterations), calibrated to CPU milliseconds on the reference machine. The problem names the budget, its limit and unit, and the CPU time it stands for.',
    remedy:
      'Send a smaller request (fewer events per batch, a smaller graph), or simplify the kernel expressions.',
    example: {
      instance: `${H}/events`,
      detail: 'expression_steps budget exhausted',
      budget: 'expression_steps',
      limit: 1000000,
      unit: 'steps',
      cpu_ms: 50,
    },
  },
  internal: {
    explanation:
      'An unexpected error in the service. It has been logged with its stack; nothing about it depends on the request being wrong.',
    remedy: 'Retry later; if it persists, report it with the time and the `instance` path.',
    example: { instance: `${H}/events`, detail: 'an unexpected error occurred; it has been logged' },
  },
  unavailable: {
    explanation:
      'A dependency (a Durable Object, storage) could not answer now, e.g. during a deployment or an overload.',
    remedy: 'Retry with backoff; requests with an event id are safe to retry.',
    example: { instance: `${H}/events`, detail: 'the holon object is restarting' },
  },
}
