// The typed Omega client for TypeScript: openapi-fetch over the types generated from /openapi.json (schema.d.ts,
// `npm run client` regenerates it). Every call answers `{ data, error, response }`; `error` is the typed problem.
import createClient, { type Client } from 'openapi-fetch'
import type { components, paths } from './schema.d.ts'

export type { components, paths }
export type Schemas = components['schemas']
/** An RFC 9457 problem document, as every error of the API is answered. */
export type Problem = Schemas['Problem']

export interface OmegaClientOptions {
  /** Where the worker answers, e.g. http://127.0.0.1:8787 */
  baseUrl: string
  /** A bearer token (read, write or admin); take it from the environment, never from a command-line flag. */
  token?: string
  /** Another fetch (a test harness, a service binding); the global one otherwise. */
  fetch?: (request: Request) => Promise<Response>
}

export type OmegaClient = Client<paths>

export function createOmegaClient({ baseUrl, token, fetch }: OmegaClientOptions): OmegaClient {
  return createClient<paths>({
    baseUrl,
    ...(fetch && { fetch }),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  })
}

/** Whether `error` is a problem document, of type `/problems/{code}` when a code is given. */
export function isProblem(error: unknown, code?: string): error is Problem {
  if (typeof error !== 'object' || error === null) return false
  const type = (error as { type?: unknown }).type
  return (
    typeof type === 'string' &&
    (code === undefined ? type.startsWith('/problems/') : type === `/problems/${code}`)
  )
}
