// RFC 9457 problem+json: the catalogue of problem types and the one place errors become HTTP.
import type { Context } from 'hono'
import type { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Refusal as AttestationRefusal } from '../attestation/statement.ts'
import type { KernelIssue } from '../kernel/errors.ts'

export const PROBLEMS = {
  validation_failed: [400, 'The request does not match its schema'],
  malformed_json: [400, 'The request body is not valid JSON (or not UTF-8, or empty)'],
  unsafe_json: [
    400,
    'The body holds what JSON peers cannot carry faithfully: a lone surrogate, a __proto__ member, a non-finite number, too deep a nesting',
  ],
  bad_request: [400, 'The request is malformed'],
  kernel_invalid: [400, 'The kernel does not compile'],
  invalid_point: [400, 'A point is not finite, not inside the unit ball, or of the wrong dimension'],
  unknown_node: [400, 'A node id is not in the topology'],
  duplicate_node: [400, 'A node id occurs twice'],
  disconnected: [400, 'The graph is not connected'],
  too_many_nodes: [400, 'Too many nodes'],
  source_required: [400, 'Routing on a graph needs a source node'],
  embedding_precision: [400, 'The graph cannot be embedded greedily within double precision'],
  mpc_invalid: [
    400,
    'The MPC problem contradicts itself (min above max, capacity below min, forecast lengths)',
  ],
  mdp_invalid: [
    400,
    'The failover problem is malformed (transition rows not summing to 1, bad costs or discount)',
  ],
  unauthorized: [401, 'Missing or invalid credentials'],
  forbidden: [403, 'These credentials may not do this'],
  not_found: [404, 'No such resource'],
  holon_not_found: [404, 'No such holon'],
  topology_not_found: [404, 'No such stored topology'],
  orchestrator_not_found: [404, 'No such orchestrator'],
  unknown_id: [400, 'A node or workload id is not known to this orchestrator'],
  proposal_not_found: [404, 'No such induced kernel proposal'],
  proposal_closed: [409, 'The kernel proposal is no longer open (decided, or the kernel changed since)'],
  nothing_to_approve: [409, 'No proposal is waiting for approval'],
  tick_in_progress: [409, 'A chunked tick is running; retry when it has finished'],
  upgrade_required: [426, 'This resource speaks WebSocket only: send Upgrade: websocket'],
  live_full: [503, 'The holon has as many live sockets open as it accepts; retry later'],
  method_not_allowed: [405, 'The resource exists but not with this method (see the Allow header)'],
  holon_exists: [409, 'The holon exists with another kernel'],
  inadmissible: [409, 'The gate rejected the event'],
  override_required: [409, 'The gate requires an explicit override'],
  idempotency_conflict: [409, 'This event id was committed with different content'],
  payload_too_large: [413, 'The request body is too large'],
  unsupported_media_type: [415, 'Request bodies must be application/json'],
  series_too_short: [422, 'The series is too short for any forecasting model at this period and horizon'],
  no_allowed_node: [
    422,
    'No node satisfies the placement policy (avoided, down, too far, outside the locality)',
  ],
  attestation_refused: [
    422,
    'Nothing can be attested now: an invariant or placement is outside the provable class, does not hold, or fails exactly',
  ],
  attestation_not_found: [404, 'No such attestation'],
  budget_exceeded: [422, 'The request exceeds a work budget (steps, sizes, CPU milliseconds)'],
  internal: [500, 'Internal error'],
  unavailable: [503, 'The service cannot answer now; retry later'],
} as const satisfies Record<string, readonly [ContentfulStatusCode, string]>

export type ProblemCode = keyof typeof PROBLEMS

/** The named error every layer throws; `extensions` become members of the problem document. */
export class ApiError extends Error {
  override name = 'ApiError'
  readonly code: ProblemCode
  readonly detail: string
  readonly extensions: Record<string, unknown>

  constructor(code: ProblemCode, detail: string, extensions: Record<string, unknown> = {}) {
    super(`${code}: ${detail}`)
    this.code = code
    this.detail = detail
    this.extensions = extensions
  }
}

export function problemResponse(c: Context, e: ApiError): Response {
  const [status, title] = PROBLEMS[e.code]
  const body = {
    type: `/problems/${e.code}`,
    title,
    status,
    detail: e.detail,
    instance: c.req.path,
    ...e.extensions,
  }
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' }
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="omega"'
  if (status === 426) headers.upgrade = 'websocket' // RFC 9110 15.5.22: a 426 names the protocol to switch to
  return new Response(JSON.stringify(body), { status, headers })
}

/** Zod issue paths as JSON pointers (RFC 6901). */
export const pointer = (path: readonly PropertyKey[], prefix = ''): string =>
  prefix + path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')

export const holonNotFound = (holon: string): ApiError =>
  new ApiError('holon_not_found', `no holon '${holon}'; create it with PUT /v1/holons/${holon}`)

/** An exhausted work budget, from the worker itself or reported as data by an object: 422 naming it. */
export const budgetProblem = (b: {
  message: string
  budget: string
  limit: number
  unit: string
  cpu_ms: number
}): ApiError =>
  new ApiError('budget_exceeded', b.message, {
    budget: b.budget,
    limit: b.limit,
    unit: b.unit,
    cpu_ms: b.cpu_ms,
  })

/** Kernel compile issues, pointing into the request body's `kernel` member. */
export const kernelInvalid = (issues: readonly KernelIssue[]): ApiError =>
  new ApiError('kernel_invalid', `${issues.length} expression(s) do not compile`, {
    errors: issues.map((i) => ({ ...i, pointer: `/kernel${i.pointer}` })),
  })

/** The framework's own refusals (HTTPException, any status) as the closest problem type, never `internal`. */
export function httpProblem(e: HTTPException): ApiError {
  const code = HTTP_CODES[e.status] ?? (e.status >= 500 ? 'unavailable' : 'bad_request')
  return new ApiError(
    code,
    e.message || PROBLEMS[code][1],
    code === 'bad_request' ? { http_status: e.status } : {},
  )
}

const HTTP_CODES: Partial<Record<number, ProblemCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
}

/** An attestation refusal of a holon or an orchestrator (`owner` names it) as problem+json. */
export function attestationProblem(
  f:
    | { code: 'attestation_refused'; refusals: AttestationRefusal[] }
    | { code: 'attestation_not_found'; index: number },
  owner: string,
): ApiError {
  if (f.code === 'attestation_not_found')
    return new ApiError('attestation_not_found', `${owner} has no attestation at ledger index ${f.index}`, {
      index: f.index,
    })
  return new ApiError('attestation_refused', f.refusals.map((r) => `${r.subject}: ${r.reason}`).join('; '), {
    refusals: f.refusals,
  })
}
