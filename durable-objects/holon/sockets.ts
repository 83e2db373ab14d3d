// The holon's live channel: WebSockets accepted with the hibernation API, one broadcast per committed change.
import { clientFrame, commitMessage, refusalMessage } from '../../functions/live/index.ts'
import type { CommitReceipt, MinimalCommit } from '../../schemas/holon.ts'
import type { LiveHello, LiveMessage } from '../../schemas/live.ts'
import type { Reply } from '../shared/reply.ts'
import type { LiveChange } from './live.ts'

const TAG = 'live'
/** Sockets one holon accepts; a hibernated socket costs no CPU, but each broadcast writes to all of them. */
export const MAX_SOCKETS = 256
/** Ignored client frames a socket may send before it is closed (each one wakes the object). */
export const MAX_IGNORED = 64
const PING = '{"type":"ping"}'
const PONG = '{"type":"pong"}'

/** What the object answers an upgrade it refuses (the worker maps it to a problem). */
export type UpgradeRefusal =
  | { code: 'holon_not_found' }
  | { code: 'upgrade_required' }
  | { code: 'live_full'; limit: number }

interface Attachment {
  ignored: number
}

export class LiveSockets {
  private readonly ctx: DurableObjectState

  constructor(ctx: DurableObjectState) {
    this.ctx = ctx
    // A keep-alive ping in this exact spelling is answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG))
  }

  /** Accepts a WebSocket upgrade and greets it; `hello` is undefined when the holon does not exist. */
  upgrade(request: Request, hello: LiveHello | undefined): Response {
    if (!hello) return refuse({ code: 'holon_not_found' }, 404)
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
      return refuse({ code: 'upgrade_required' }, 426)
    if (this.ctx.getWebSockets(TAG).length >= MAX_SOCKETS)
      return refuse({ code: 'live_full', limit: MAX_SOCKETS }, 503)
    const { 0: client, 1: server } = new WebSocketPair()
    this.ctx.acceptWebSocket(server, [TAG])
    server.serializeAttachment({ ignored: 0 } satisfies Attachment)
    server.send(JSON.stringify(hello))
    return new Response(null, { status: 101, webSocket: client })
  }

  /**
   * Sends a message to every socket. With none connected this is one getWebSockets() call: the message is
   * built only when someone listens. Call it after the change's transaction committed.
   */
  broadcast(build: () => LiveMessage | null): void {
    const sockets = this.ctx.getWebSockets(TAG)
    if (sockets.length === 0) return
    const message = build()
    if (message === null) return
    const text = JSON.stringify(message)
    for (const ws of sockets) {
      try {
        ws.send(text)
      } catch {
        // A failed send closes that socket only; the others still get the message.
        close(ws, 1011, 'send failed')
      }
    }
  }

  /** A client frame: pings are answered, anything else is counted, and too many close the socket. */
  message(ws: WebSocket, data: string | ArrayBuffer): void {
    if (clientFrame(data) === 'ping') {
      ws.send(PONG)
      return
    }
    const seen = (ws.deserializeAttachment() as Attachment | null) ?? { ignored: 0 }
    const ignored = seen.ignored + 1
    ws.serializeAttachment({ ignored } satisfies Attachment)
    if (ignored >= MAX_IGNORED) close(ws, 1008, 'the live channel is read-only')
  }

  /** The client closed: complete the closing handshake. */
  closed(ws: WebSocket, code: number, reason: string): void {
    // 1005/1006 are reserved: they may not be sent in a close frame.
    close(ws, code === 1005 || code === 1006 ? 1000 : code, reason)
  }
}

/** The message of a commit's ledgered outcome: the committed events, or the refused one. */
export function changeMessage(
  holon: string,
  reply: Reply<CommitReceipt | MinimalCommit>,
  change: LiveChange,
): LiveMessage | null {
  if (change.kind === 'committed')
    return reply.ok ? commitMessage(holon, change.last.at, reply.value.results) : null
  return !reply.ok && reply.failure.code === 'inadmissible' ? refusalMessage(holon, reply.failure) : null
}

function close(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason)
  } catch {
    // Already closed (or closing): nothing left to do.
  }
}

const refuse = (failure: UpgradeRefusal, status: number): Response =>
  Response.json({ ok: false, failure }, { status })
