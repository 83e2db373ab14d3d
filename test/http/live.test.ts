// The live channel over real WebSockets in workerd: hello, commits, refusals, beats, auth, 404/426, the socket cap.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { afterEach, describe, expect, it } from 'vitest'
import type { HolonObject } from '../../durable-objects/holon/holon-object.ts'
import { type LiveSockets, MAX_IGNORED, MAX_SOCKETS } from '../../durable-objects/holon/sockets.ts'
import { createApp } from '../../functions/http/app.ts'
import { CLIENT_FRAME_MAX, clientFrame, commitMessage } from '../../functions/live/index.ts'
import type { KernelInput } from '../../schemas/kernel.ts'
import { LiveMessage } from '../../schemas/live.ts'
import { ADMIN, call, commit, createHolon, freshId, WRITE } from '../support/http.ts'

/** One invariant on the latest event: a `bad` event violates it (torsion 0.25), any other satisfies it. */
const kernel: KernelInput = {
  id: 'live-test',
  invariants: { Clean: { score: 'has(event.bad) ? 0.0 : 1.0', threshold: 0.5 } },
  gate: { on_torsion: 'reject', admit_improving: false },
}

interface Client {
  ws: WebSocket
  /** The next message (parsed and checked against the published schema), or a timeout. */
  next: () => Promise<any>
  closed: Promise<{ code: number; reason: string }>
}

const open: WebSocket[] = []
afterEach(() => {
  for (const ws of open.splice(0)) {
    try {
      ws.close(1000, 'test over')
    } catch {}
  }
})

function client(res: Response): Client {
  const ws = res.webSocket
  if (!ws) throw new Error(`no WebSocket: ${res.status}`)
  ws.accept()
  open.push(ws)
  const queue: unknown[] = []
  const waiting: ((m: unknown) => void)[] = []
  ws.addEventListener('message', (e) => {
    const m = LiveMessage.parse(JSON.parse(e.data as string))
    const w = waiting.shift()
    if (w) w(m)
    else queue.push(m)
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })),
  )
  const next = () =>
    queue.length > 0
      ? Promise.resolve(queue.shift())
      : new Promise((resolve, reject) => {
          const t = setTimeout(() => reject(new Error('no message within 5 s')), 5000)
          waiting.push((m) => {
            clearTimeout(t)
            resolve(m)
          })
        })
  return { ws, next, closed }
}

const upgrade = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(`https://omega.test${path}`, { headers: { upgrade: 'websocket', ...headers } })

async function connect(id: string): Promise<Client> {
  const res = await upgrade(`/v1/holons/${id}/live`)
  expect(res.status).toBe(101)
  return client(res)
}

/** Sends a ping and waits for its pong: every message sent before it has arrived. */
async function drained(c: Client): Promise<void> {
  c.ws.send('{"type":"ping"}')
  expect(await c.next()).toEqual({ type: 'pong' })
}

describe('GET /v1/holons/{id}/live', () => {
  it('greets with hello: the holon, its newest seq, ledger size and beat', async () => {
    const id = await createHolon(kernel)
    expect((await commit(id, { events: [{ id: 'a' }, { id: 'b' }] })).status).toBe(201)
    const checkpoint = await call('GET', `/v1/holons/${id}/ledger/checkpoint`)
    const c = await connect(id)
    expect(await c.next()).toEqual({
      type: 'hello',
      holon: id,
      seq: 2,
      ledger_size: checkpoint.body.size,
      beat: 0,
    })
  })

  it('sends a commit made over HTTP, with the ledger index of its receipt', async () => {
    const id = await createHolon(kernel)
    const c = await connect(id)
    await c.next() // hello
    const r = await commit(id, { event: { id: 'e1' } })
    expect(r.status).toBe(201)
    const receipt = r.body.results[0].receipt
    expect(await c.next()).toEqual({
      type: 'commit',
      holon: id,
      seq: 1,
      ledger_index: receipt.index,
      event_id: 'e1',
      verdict: 'admit',
      torsion: 0,
      at: receipt.entry.at,
      committed: 1,
    })
  })

  it('sends a batch as one message listing its events, and nothing for a retried (duplicate) batch', async () => {
    const id = await createHolon(kernel)
    const c = await connect(id)
    await c.next()
    const batch = { events: [{ id: 'x1' }, { id: 'x2' }, { id: 'x3' }] }
    const r = await call('POST', `/v1/holons/${id}/events`, batch, WRITE)
    expect(r.status).toBe(201)
    const m = await c.next()
    const indexes = r.body.results.map((x: any) => x.receipt.index)
    expect(m).toMatchObject({
      type: 'commit',
      committed: 3,
      seq: 3,
      event_id: 'x3',
      ledger_index: indexes[2],
    })
    expect(m.events.map((e: any) => [e.seq, e.event_id, e.ledger_index])).toEqual([
      [1, 'x1', indexes[0]],
      [2, 'x2', indexes[1]],
      [3, 'x3', indexes[2]],
    ])
    expect((await call('POST', `/v1/holons/${id}/events`, batch, WRITE)).status).toBe(200)
    await drained(c) // the pong comes first: the retry sent no message
  })

  it('lists at most the newest 100 events of a large batch', async () => {
    const id = await createHolon(kernel)
    const c = await connect(id)
    await c.next()
    const events = Array.from({ length: 150 }, (_, i) => ({ id: `b${i + 1}` }))
    const r = await call('POST', `/v1/holons/${id}/events`, { events }, WRITE)
    expect(r.status).toBe(201)
    const m = await c.next()
    expect(m).toMatchObject({ committed: 150, seq: 150, event_id: 'b150' })
    expect(m.events).toHaveLength(100)
    expect(m.events[0]).toMatchObject({ seq: 51, event_id: 'b51' })
  })

  it('carries the ledger index of a `Prefer: return=minimal` commit', async () => {
    const id = await createHolon(kernel)
    const c = await connect(id)
    await c.next()
    const res = await exports.default.fetch(`https://omega.test/v1/holons/${id}/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${WRITE}`,
        prefer: 'return=minimal',
      },
      body: JSON.stringify({ event: { id: 'm1' } }),
    })
    const body = (await res.json()) as any
    expect(await c.next()).toMatchObject({
      type: 'commit',
      event_id: 'm1',
      ledger_index: body.results[0].ledger_index,
    })
  })

  it('sends a refused event as refusal, and no commit for its batch', async () => {
    const id = await createHolon(kernel)
    const c = await connect(id)
    await c.next()
    const r = await commit(id, { events: [{ id: 'ok1' }, { id: 'bad1', bad: true }] })
    expect(r.status).toBe(409)
    expect(await c.next()).toEqual({
      type: 'refusal',
      holon: id,
      event_id: 'bad1',
      ledger_index: r.body.receipt.index,
      verdict: 'reject',
      torsion: 0.25, // (0.5 - 0)^2
      at: r.body.receipt.entry.at,
    })
    await drained(c)
  })

  it('sends each pulse beat', async () => {
    const id = await createHolon(kernel)
    const p = await call(
      'PUT',
      `/v1/holons/${id}/pulse`,
      { running: true, config: { period_ms: 3_600_000 } },
      ADMIN,
    )
    expect(p.status).toBe(200)
    const c = await connect(id)
    await c.next()
    const stub = env.HOLON.getByName(id)
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec('UPDATE pulse SET next_at = 0')
    })
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    const last = (await call('GET', `/v1/holons/${id}/pulse`)).body.last
    expect(await c.next()).toEqual({
      type: 'beat',
      holon: id,
      beat: 1,
      decision: last.decision,
      threat: last.cores.entropy.threat,
      coherence: last.kairos.sync.abs,
      at: last.at,
    })
  })

  it('answers 404 for an unknown holon and 426 without an upgrade', async () => {
    const missing = await upgrade(`/v1/holons/${freshId('nobody')}/live`)
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as any).type).toBe('/problems/holon_not_found')
    const id = await createHolon(kernel)
    const plain = await exports.default.fetch(`https://omega.test/v1/holons/${id}/live`)
    expect(plain.status).toBe(426)
    expect(plain.headers.get('upgrade')).toBe('websocket')
    expect(plain.headers.get('content-type')).toBe('application/problem+json')
    expect(((await plain.json()) as any).type).toBe('/problems/upgrade_required')
  })

  it('answers pings in any JSON spelling, counts anything else, and closes a socket that keeps writing', async () => {
    const id = await createHolon(kernel)
    const c = await connect(id)
    await c.next()
    c.ws.send('{ "type" : "ping" }') // not the runtime's auto-response spelling: the object answers it
    expect(await c.next()).toEqual({ type: 'pong' })
    for (const junk of ['hello', '{"type":"commit"}', 'x'.repeat(1000)]) c.ws.send(junk)
    // The runtime answers the exact spelling itself, maybe before the object read the junk: this one the object answers.
    c.ws.send('{"type": "ping"}')
    expect(await c.next()).toEqual({ type: 'pong' })
    const counted = await runInDurableObject(env.HOLON.getByName(id), (_, state) =>
      state.getWebSockets().map((ws) => ws.deserializeAttachment()),
    )
    expect(counted).toEqual([{ ignored: 3 }])
    for (let i = 3; i < MAX_IGNORED; i++) c.ws.send('{"type":"write"}')
    expect(await c.closed).toMatchObject({ code: 1008 })
  })
})

describe('hibernation', () => {
  it('keeps sockets across an eviction of the object, and answers the exact ping without the object', async () => {
    const id = await createHolon(kernel)
    const c = await connect(id)
    await c.next()
    const stub = env.HOLON.getByName(id)
    await evictDurableObject(stub)
    expect((await commit(id, { event: { id: 'woken' } })).status).toBe(201)
    expect(await c.next()).toMatchObject({ type: 'commit', event_id: 'woken', seq: 1 })
    await drained(c)
    const answered = await runInDurableObject(stub, (_, state) =>
      state.getWebSockets().map((ws) => state.getWebSocketAutoResponseTimestamp(ws) !== null),
    )
    expect(answered).toEqual([true])
  })

  it('a failed send closes that socket only: the broadcast goes on to the others', async () => {
    const id = await createHolon(kernel)
    const a = await connect(id)
    const b = await connect(id)
    await a.next()
    await b.next()
    // A socket closed on the object's side stays listed until its close completes, and a send to it throws.
    const listed = await runInDurableObject(env.HOLON.getByName(id), (instance: HolonObject, state) => {
      const sockets = state.getWebSockets()
      ;(sockets[0] as WebSocket).close(1000, 'gone')
      const sent = { type: 'hello', holon: id, seq: 7, ledger_size: 7, beat: 7 } as const
      ;(instance as unknown as { sockets: LiveSockets }).sockets.broadcast(() => sent)
      return state.getWebSockets().length
    })
    expect(listed).toBe(2)
    const outcomes = await Promise.all(
      [a, b].map((c) => Promise.race([c.closed.then(() => 'closed'), c.next().then((m) => `seq ${m.seq}`)])),
    )
    expect(outcomes.sort()).toEqual(['closed', 'seq 7'])
  })
})

describe('the live channel with OMEGA_READ_TOKEN set', () => {
  const app = createApp()
  const READ = 'test-live-read-token'
  const fetchWith = (path: string, headers: Record<string, string> = {}) =>
    app.request(path, { headers: { upgrade: 'websocket', ...headers } }, { ...env, OMEGA_READ_TOKEN: READ })

  it('refuses a socket without a valid token, and accepts the token in a header or in ?token=', async () => {
    const id = await createHolon(kernel)
    const none = await fetchWith(`/v1/holons/${id}/live`)
    expect(none.status).toBe(401)
    expect(((await none.json()) as any).type).toBe('/problems/unauthorized')
    expect((await fetchWith(`/v1/holons/${id}/live?token=wrong`)).status).toBe(401)
    expect((await fetchWith(`/v1/holons/${id}/live`, { authorization: 'Bearer wrong' })).status).toBe(401)
    // unknown holons are not revealed to a caller without a token
    expect((await fetchWith(`/v1/holons/${freshId('nobody')}/live`)).status).toBe(401)
    const byQuery = await fetchWith(`/v1/holons/${id}/live?token=${READ}`)
    expect(byQuery.status).toBe(101)
    expect((await client(byQuery).next()).type).toBe('hello')
    const byHeader = await fetchWith(`/v1/holons/${id}/live`, { authorization: `Bearer ${READ}` })
    expect(byHeader.status).toBe(101)
    expect((await client(byHeader).next()).type).toBe('hello')
  })
})

describe('the socket cap', () => {
  it(`accepts ${MAX_SOCKETS} sockets per holon, answers 503 live_full beyond, and accepts again after a close`, async () => {
    const id = await createHolon(kernel)
    const clients: Client[] = []
    for (let i = 0; i < MAX_SOCKETS; i++) clients.push(await connect(id))
    const full = await upgrade(`/v1/holons/${id}/live`)
    expect(full.status).toBe(503)
    expect(await full.json()).toMatchObject({ type: '/problems/live_full', limit: MAX_SOCKETS })
    const first = clients[0] as Client
    first.ws.close(1000, 'bye')
    // the object sees the close asynchronously: wait until it has let the socket go
    let again: Response | undefined
    for (let i = 0; i < 50 && again?.status !== 101; i++) {
      await new Promise((r) => setTimeout(r, 20))
      again = await upgrade(`/v1/holons/${id}/live`)
    }
    expect(again?.status).toBe(101)
    client(again as Response)
    // every socket still open hears a commit
    const r = await commit(id, { event: { id: 'after-cap' } })
    expect(r.status).toBe(201)
    const last = clients[MAX_SOCKETS - 1] as Client
    await last.next() // hello
    expect(await last.next()).toMatchObject({ type: 'commit', event_id: 'after-cap' })
  })
})

describe('cost (numbers printed: npm test -- test/http/live.test.ts -t cost)', () => {
  /** Microseconds per call of `f`, timed across the RPC (workerd's clock stands still inside the loop). */
  async function perCall(id: string, calls: number, f: (sockets: LiveSockets) => void): Promise<number> {
    const t0 = Date.now()
    await runInDurableObject(env.HOLON.getByName(id), (instance: HolonObject) => {
      const sockets = (instance as unknown as { sockets: LiveSockets }).sockets
      for (let i = 0; i < calls; i++) f(sockets)
    })
    return ((Date.now() - t0) * 1000) / calls
  }

  it('with no socket a commit pays one getWebSockets() call and builds no message; with sockets, a send each', async () => {
    const id = await createHolon(kernel)
    let built = 0
    const message = () => {
      built++
      return { type: 'pong' } as const
    }
    const idle = await perCall(id, 200_000, (s) => s.broadcast(message))
    expect(built).toBe(0)
    const listeners: Client[] = []
    for (let i = 0; i < 16; i++) listeners.push(await connect(id))
    const busy = await perCall(id, 200, (s) => s.broadcast(message))
    expect(built).toBe(200)
    console.log(`live broadcast: ${idle.toFixed(2)} us with no socket, ${busy.toFixed(1)} us with 16 sockets`)
    // Generous: about 1 us measured on a loaded 2-core machine; a commit costs hundreds of us.
    expect(idle).toBeLessThan(25)
  })
})

describe('the pure core', () => {
  it('reads a ping in any JSON spelling, and nothing else: binary, oversized, other types, not JSON', () => {
    expect(clientFrame('{"type":"ping"}')).toBe('ping')
    expect(clientFrame('{ "type": "ping", "n": 1 }')).toBe('ping')
    const padded = `{"type":"ping"${' '.repeat(CLIENT_FRAME_MAX)}}`
    expect(clientFrame(padded)).toBe('ignored')
    expect(clientFrame(new TextEncoder().encode('{"type":"ping"}').buffer as ArrayBuffer)).toBe('ignored')
    for (const other of ['null', '"ping"', '{"type":"PING"}', '[{"type":"ping"}]', '{"type":', ''])
      expect(clientFrame(other), other).toBe('ignored')
  })

  it('sends no commit message for a batch of duplicates only, and leaves duplicates out of a mixed one', () => {
    const line = (id: string, seq: number, duplicate: boolean) => ({
      event_id: id,
      seq,
      duplicate,
      verdict: 'admit' as const,
      torsion: 0,
      ledger_index: seq + 10,
    })
    expect(commitMessage('h', 'now', [line('a', 1, true), line('b', 2, true)])).toBeNull()
    const mixed = commitMessage('h', 'now', [line('a', 1, true), line('c', 3, false)])
    expect(mixed).toEqual({
      type: 'commit',
      holon: 'h',
      seq: 3,
      ledger_index: 13,
      event_id: 'c',
      verdict: 'admit',
      torsion: 0,
      at: 'now',
      committed: 1,
    })
  })
})
