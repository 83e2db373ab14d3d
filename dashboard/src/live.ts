// Live updates for one holon: the WebSocket of GET /v1/holons/{id}/live, or polling every 5 s when it fails.
import { enc, token } from './api.ts'

export type LiveMessage =
  | {
      type: 'commit'
      holon: string
      seq: number
      ledger_index: number
      event_id: string
      verdict: string
      torsion: number
      at: string
    }
  | {
      type: 'beat'
      holon: string
      beat: number
      decision: string
      threat: number
      coherence: number | null
      at: string
    }
  | { type: 'refusal'; holon: string; event_id: string; verdict: string; torsion: number; at: string }
  // `hello` (on connect) and `pong` (to our keep-alive) carry nothing to draw
  | { type: 'hello' }
  | { type: 'pong' }

export const POLL_MS = 5000
/** A ping now and then keeps proxies from closing an idle socket; the runtime answers it without the object. */
export const PING_MS = 30_000

export interface Live {
  stop(): void
}

/**
 * Subscribes to `holon`: each message goes to `onMessage`; if the socket cannot open or drops, `poll` runs
 * every 5 s instead (it re-reads the documents). `onMode` tells the page which of the two is in force.
 */
export function subscribe(
  holon: string,
  onMessage: (m: LiveMessage) => void,
  poll: () => Promise<void>,
  onMode: (mode: 'websocket' | 'polling' | 'connecting') => void,
): Live {
  let timer: ReturnType<typeof setInterval> | null = null
  let ping: ReturnType<typeof setInterval> | null = null
  let socket: WebSocket | null = null
  let stopped = false
  const startPolling = () => {
    if (stopped || timer) return
    onMode('polling')
    timer = setInterval(() => void poll().catch(() => undefined), POLL_MS)
  }
  try {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
    const t = token.get()
    const query = t ? `?token=${enc(t)}` : ''
    socket = new WebSocket(`${proto}//${location.host}/v1/holons/${enc(holon)}/live${query}`)
    onMode('connecting')
    socket.onopen = () => {
      onMode('websocket')
      ping = setInterval(() => socket?.send('{"type":"ping"}'), PING_MS)
    }
    socket.onmessage = (ev) => {
      try {
        const m = JSON.parse(String(ev.data)) as LiveMessage
        if (m && typeof m === 'object' && 'type' in m) onMessage(m)
      } catch {
        // a frame that is not JSON is ignored: the next poll or message brings the state anyway
      }
    }
    socket.onerror = startPolling
    socket.onclose = () => {
      if (ping) clearInterval(ping)
      startPolling()
    }
  } catch {
    startPolling()
  }
  return {
    stop() {
      stopped = true
      if (timer) clearInterval(timer)
      if (ping) clearInterval(ping)
      if (socket) {
        socket.onclose = null
        socket.onerror = null
        socket.close()
      }
    },
  }
}
