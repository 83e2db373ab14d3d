// Calls the worker as a client would, through its fetch handler inside workerd.
import { exports } from 'cloudflare:workers'
import type { KernelInput } from '../../schemas/kernel.ts'

export const WRITE = 'test-write-token'
export const ADMIN = 'test-admin-token'

export interface Reply<T = any> {
  status: number
  type: string
  body: T
}

export async function call<T = any>(
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<Reply<T>> {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token) headers.authorization = `Bearer ${token}`
  const res = await exports.default.fetch(`https://omega.test${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: text ? JSON.parse(text) : null,
  }
}

let seq = 0
/** A fresh holon id per test, so tests never share state. */
export const freshId = (prefix = 'h') => `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}`

export async function createHolon(kernel: KernelInput, id = freshId()): Promise<string> {
  const r = await call('PUT', `/v1/holons/${id}`, { kernel }, ADMIN)
  if (r.status !== 201) throw new Error(`create ${id}: ${r.status} ${JSON.stringify(r.body)}`)
  return id
}

export const commit = (id: string, body: unknown, token = WRITE) =>
  call('POST', `/v1/holons/${id}/events`, body, token)
export const state = (id: string) => call('GET', `/v1/holons/${id}/state`)

/** A GET answered as text (exports, notes). */
export async function text(path: string): Promise<{ status: number; type: string; body: string }> {
  const res = await exports.default.fetch(`https://omega.test${path}`)
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() }
}

/** A request exactly as given: the content-type header only if `type` is set, the body as text or bytes. */
export async function send(
  method: string,
  path: string,
  options: { type?: string; body?: string | Uint8Array; token?: string } = {},
): Promise<Reply & { headers: Headers }> {
  const headers: Record<string, string> = {}
  if (options.type !== undefined) headers['content-type'] = options.type
  if (options.token) headers.authorization = `Bearer ${options.token}`
  // A string body would get a default text/plain content type; bytes get none.
  const body = typeof options.body === 'string' ? new TextEncoder().encode(options.body) : options.body
  const res = await exports.default.fetch(`https://omega.test${path}`, { method, headers, body })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {}
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: parsed,
    headers: res.headers,
  }
}
