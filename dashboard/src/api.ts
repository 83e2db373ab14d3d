// Read-only API access for the dashboard: GET (and the stateless POST /v1/route) with the typed-in read token.
const KEY = 'omega.read-token'

export class Unauthorized extends Error {
  override name = 'Unauthorized'
}

export class ApiFailure extends Error {
  override name = 'ApiFailure'
  readonly status: number
  constructor(status: number, detail: string) {
    super(detail)
    this.status = status
  }
}

/** The token lives in sessionStorage only: typed by the operator, gone with the tab, never in the page source. */
export const token = {
  get: (): string => sessionStorage.getItem(KEY) ?? '',
  set: (t: string) => (t ? sessionStorage.setItem(KEY, t) : sessionStorage.removeItem(KEY)),
}

async function send(path: string, init: RequestInit): Promise<unknown> {
  const t = token.get()
  const headers = new Headers(init.headers)
  if (t) headers.set('authorization', `Bearer ${t}`)
  const res = await fetch(path, { ...init, headers })
  if (res.status === 401 || res.status === 403) throw new Unauthorized(`${res.status} on ${path}`)
  const body = await res.json().catch(() => null)
  if (!res.ok)
    throw new ApiFailure(res.status, (body as { detail?: string } | null)?.detail ?? res.statusText)
  return body
}

/** Every document the page shows comes through here: reads only. */
export const get = <T>(path: string): Promise<T> => send(path, { method: 'GET' }) as Promise<T>

/**
 * POST /v1/route is a stateless computation (no token, nothing stored): the one non-GET call, used to draw a
 * route on a stored topology with the server's own routing code.
 */
export const route = <T>(body: unknown): Promise<T> =>
  send('/v1/route', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }) as Promise<T>

export const enc = encodeURIComponent
