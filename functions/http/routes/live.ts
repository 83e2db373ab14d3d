// GET /v1/holons/{id}/live: the live channel, a WebSocket the worker authenticates and hands to the holon object.
import { createRoute, z } from '@hono/zod-openapi'
import type { UpgradeRefusal } from '../../../durable-objects/holon/sockets.ts'
import { LiveMessage } from '../../../schemas/live.ts'
import { authorize } from '../auth.ts'
import { existingHolon } from '../directory-client.ts'
import { bearerAuth, HolonParams as params, problems, router } from '../openapi.ts'
import { ApiError, holonNotFound } from '../problems.ts'

const live = createRoute({
  method: 'get',
  path: '/v1/holons/{id}/live',
  tags: ['holons'],
  summary: 'Live channel: commits, refusals and pulse beats as they happen (WebSocket, read)',
  description:
    'Send `Upgrade: websocket`. The holon greets with `hello`, then sends one `commit` per committed ' +
    'transaction, one `refusal` per refused event and one `beat` per pulse beat (JSON text frames, schema ' +
    '`LiveMessage`, also published as `schemas/live-message.schema.json`). The channel is read-only: a client ' +
    'may send `{"type":"ping"}` (answered `{"type":"pong"}`); anything else is ignored, and 64 ignored frames ' +
    'close the socket (1008). Browsers cannot set headers on a WebSocket: they pass the read token as ' +
    '`?token=` (it then appears in URLs; give them the read token, never a write or admin one). ' +
    'A holon accepts 256 sockets; beyond that the upgrade answers 503 live_full.',
  security: [{}, ...bearerAuth],
  request: {
    params,
    query: z.object({
      token: z.string().optional().describe('the read token, for clients that cannot set Authorization'),
    }),
  },
  responses: {
    101: { description: 'switching protocols; then `LiveMessage` frames' } as const,
    ...problems(
      'validation_failed',
      'unauthorized',
      'forbidden',
      'holon_not_found',
      'upgrade_required',
      'live_full',
    ),
  },
})

/** The object's refusal of an upgrade as the problem the edge answers. */
function refusalError(id: string, f: UpgradeRefusal): ApiError {
  switch (f.code) {
    case 'holon_not_found':
      return holonNotFound(id)
    case 'upgrade_required':
      return new ApiError('upgrade_required', 'the live channel is a WebSocket: send Upgrade: websocket')
    case 'live_full':
      return new ApiError('live_full', `holon '${id}' has ${f.limit} live sockets open; retry later`, {
        limit: f.limit,
      })
  }
}

export const liveChannel = router().openapi(live, async (c) => {
  const { id } = c.req.valid('param')
  // The Authorization header when there is one; otherwise ?token= (compared in constant time by authorize).
  const query = c.req.valid('query').token
  const header = c.req.header('authorization') ?? (query === undefined ? undefined : `Bearer ${query}`)
  const who = await authorize(c.env, header, 'read')
  await existingHolon(c.env, id, who)
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket')
    throw new ApiError('upgrade_required', 'the live channel is a WebSocket: send Upgrade: websocket')
  // Only the upgrade travels to the object: neither the token nor the URL.
  const res = await c.env.HOLON.getByName(id).fetch('https://holon/live', {
    headers: { upgrade: 'websocket' },
  })
  if (res.webSocket) return res as never
  const body = (await res.json().catch(() => null)) as { failure?: UpgradeRefusal } | null
  if (!body?.failure) throw new ApiError('unavailable', `holon '${id}' could not open a live channel; retry`)
  throw refusalError(id, body.failure)
})

// The frames' schema in the document's components: a WebSocket's messages are no response body to hang it on.
liveChannel.openAPIRegistry.register('LiveMessage', LiveMessage)
